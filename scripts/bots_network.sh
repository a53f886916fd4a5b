#!/usr/bin/env bash
# The bots (clients/bots) on a local network of real nodes through a real relayer:
#   1. scripts/localnet.sh start   (its own ports and directory: never the demo's)
#   2. network/deploy.py           (contracts, channels, collateral, first market)
#   3. scripts/localnet.sh relay   (`rly start` in the background)
#   4. network/bots_story.py       (heartbeat crank, feeder, a crash the keeper liquidates and
#                                   seizes, settlement cranked after an expiry; every number
#                                   checked; the bots run with --once)
# and stops every process it started, whatever happens (trap on EXIT). Loopback only.
#
# Needs: artifacts/*.wasm (scripts/build_wasm.sh), clients/bots built (scripts/bots.sh).
# Env: ISTHMUS_NET_DIR (default target/localnet-bots), ISTHMUS_PORT_BASE (default 46000),
#      ISTHMUS_BLOCK_MS (see scripts/localnet.sh), ISTHMUS_BOTS_TIMEOUT (whole script, 600 s).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export ISTHMUS_NET_DIR=${ISTHMUS_NET_DIR:-$ROOT/target/localnet-bots}
export ISTHMUS_PORT_BASE=${ISTHMUS_PORT_BASE:-46000}
started=$(date +%s)
phase() { printf '\n== %s (%d s)\n' "$*" $(($(date +%s) - started)); }

# A watchdog bounds the whole run; the EXIT trap stops the network and the watchdog.
main=$$
(
  trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
  sleep "${ISTHMUS_BOTS_TIMEOUT:-600}" & sleeper=$!
  wait "$sleeper"
  echo "bots_network: time limit of ${ISTHMUS_BOTS_TIMEOUT:-600} s reached; stopping" >&2
  kill -TERM "$main"
) &
watchdog=$!
net_started=
cleanup() {
  status=$?
  kill "$watchdog" 2>/dev/null || true
  [[ -z $net_started ]] || bash scripts/localnet.sh stop || true
  echo "bots_network: exit $status after $(($(date +%s) - started)) s"
  exit $status
}
trap cleanup EXIT
# Each phase runs in the background and is waited for, so that a TERM (the watchdog, Ctrl-C)
# is handled at once: the running phase (and the bot it runs) is killed, then the EXIT trap
# stops the network.
child=
run() { "$@" & child=$!; wait "$child"; child=; }
trap '[[ -z $child ]] || { pkill -TERM -P "$child" 2>/dev/null; kill "$child" 2>/dev/null; }; exit 143' TERM INT

for f in collateral_vault options_engine liquidation_controller options_lens cw20_base; do
  [[ -f artifacts/$f.wasm ]] || { echo "bots_network: missing artifacts/$f.wasm (scripts/build_wasm.sh)" >&2; exit 1; }
done
[[ -f clients/bots/dist/src/cli.js ]] || { echo "bots_network: clients/bots is not built (scripts/bots.sh)" >&2; exit 1; }

phase "local network (ports from $ISTHMUS_PORT_BASE, state in $ISTHMUS_NET_DIR)"
for f in "$ISTHMUS_NET_DIR"/rly.pid "$ISTHMUS_NET_DIR"/*/node.pid; do
  if [[ -f $f ]] && kill -0 "$(cat "$f")" 2>/dev/null; then
    echo "bots_network: a local network is already running in $ISTHMUS_NET_DIR (ISTHMUS_NET_DIR=$ISTHMUS_NET_DIR scripts/localnet.sh stop)" >&2
    exit 1
  fi
done
net_started=1
run bash scripts/localnet.sh start
set -a; source "$ISTHMUS_NET_DIR/env"; set +a
net_up=$(date +%s)

phase "deploy"
run python3 network/deploy.py --config network/config/local.toml >"$ISTHMUS_NET_DIR/deploy.log" \
  || { tail -30 "$ISTHMUS_NET_DIR/deploy.log"; exit 1; }
tail -1 "$ISTHMUS_NET_DIR/deploy.log"
deployed=$(date +%s)

phase "relayer"
run bash scripts/localnet.sh relay

phase "bots"
run python3 network/bots_story.py --config network/config/local.toml --net-dir "$ISTHMUS_NET_DIR"
done_at=$(date +%s)
echo "bots_network: network up $((net_up - started)) s, deploy $((deployed - net_up)) s, bots $((done_at - deployed)) s"
