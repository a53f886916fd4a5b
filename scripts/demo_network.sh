#!/usr/bin/env bash
# The Isthmus story on a local network of real nodes through a real relayer:
#   1. scripts/localnet.sh start  (three wasmd v0.70.3 nodes, keys funded, the Go relayer set up)
#   2. network/deploy.py          (store, instantiate, wire, register, connections and channels
#                                  through the relayer, collateral, first market), run twice:
#                                  the second run must skip everything
#   3. scripts/localnet.sh relay  (`rly start` in the background)
#   4. network/demo.py            (the story, every number checked; waits for the relayer)
# and stops every process it started, whatever happens (trap on EXIT).
#
# Env: ISTHMUS_NET_DIR, ISTHMUS_PORT_BASE, ISTHMUS_BLOCK_MS (see scripts/localnet.sh),
#      ISTHMUS_DEMO_TIMEOUT (whole script, default 900 s).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export ISTHMUS_NET_DIR=${ISTHMUS_NET_DIR:-$ROOT/target/localnet}
started=$(date +%s)
phase() { printf '\n== %s (%d s)\n' "$*" $(($(date +%s) - started)); }

# A watchdog bounds the whole run; the EXIT trap stops the network and the watchdog.
# (Its own `sleep` is killed with it: the TERM trap inside the watchdog.)
main=$$
(
  trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
  sleep "${ISTHMUS_DEMO_TIMEOUT:-900}" & sleeper=$!
  wait "$sleeper"
  echo "demo_network: time limit of ${ISTHMUS_DEMO_TIMEOUT:-900} s reached; stopping" >&2
  kill -TERM "$main"
) &
watchdog=$!
net_started=
cleanup() {
  status=$?
  kill "$watchdog" 2>/dev/null || true
  # Only a network this script started is stopped (localnet.sh start refuses to start over a
  # running one, and cleans up after itself if it fails).
  [[ -z $net_started ]] || bash scripts/localnet.sh stop || true
  echo "demo_network: exit $status after $(($(date +%s) - started)) s"
  exit $status
}
trap cleanup EXIT
# Each phase runs in the background and is waited for, so that a TERM (the watchdog, Ctrl-C)
# is handled at once: the running phase is killed, then the EXIT trap stops the network.
child=
run() { "$@" & child=$!; wait "$child"; child=; }
trap '[[ -z $child ]] || { pkill -TERM -P "$child" 2>/dev/null; kill "$child" 2>/dev/null; }; exit 143' TERM INT

for f in collateral_vault options_engine liquidation_controller options_lens cw20_base; do
  [[ -f artifacts/$f.wasm ]] || { echo "demo_network: missing artifacts/$f.wasm (scripts/build_wasm.sh, scripts/e2e.sh)" >&2; exit 1; }
done

phase "local network"
for f in "$ISTHMUS_NET_DIR"/rly.pid "$ISTHMUS_NET_DIR"/*/node.pid; do
  if [[ -f $f ]] && kill -0 "$(cat "$f")" 2>/dev/null; then
    echo "demo_network: a local network is already running in $ISTHMUS_NET_DIR (scripts/localnet.sh stop)" >&2
    exit 1
  fi
done
net_started=1 # from here on, whatever localnet.sh starts is stopped on exit
run bash scripts/localnet.sh start
set -a; source "$ISTHMUS_NET_DIR/env"; set +a
net_up=$(date +%s)

phase "deploy"
run python3 network/deploy.py --config network/config/local.toml
deployed=$(date +%s)
phase "deploy again (must change nothing)"
run python3 network/deploy.py --config network/config/local.toml >"$ISTHMUS_NET_DIR/deploy-again.log"
tail -1 "$ISTHMUS_NET_DIR/deploy-again.log"
grep -q "deploy: 0 done," "$ISTHMUS_NET_DIR/deploy-again.log" || {
  cat "$ISTHMUS_NET_DIR/deploy-again.log"; echo "demo_network: the second deploy changed something" >&2; exit 1; }
redeployed=$(date +%s)

phase "relayer"
run bash scripts/localnet.sh relay

phase "story"
run python3 network/demo.py --config network/config/local.toml --relayer-log "$ISTHMUS_NET_DIR/rly.log"
done_at=$(date +%s)
echo "demo_network: network up $((net_up - started)) s, deploy $((deployed - net_up)) s," \
  "re-deploy $((redeployed - deployed)) s, story $((done_at - redeployed)) s"
