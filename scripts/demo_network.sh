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
( sleep "${ISTHMUS_DEMO_TIMEOUT:-900}"; echo "demo_network: time limit reached" >&2; kill -TERM $$ ) &
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
trap 'exit 143' TERM INT

for f in collateral_vault options_engine liquidation_controller cw20_base; do
  [[ -f artifacts/$f.wasm ]] || { echo "demo_network: missing artifacts/$f.wasm (scripts/build_wasm.sh, scripts/e2e.sh)" >&2; exit 1; }
done

phase "local network"
bash scripts/localnet.sh start
net_started=1
set -a; source "$ISTHMUS_NET_DIR/env"; set +a
net_up=$(date +%s)

phase "deploy"
python3 network/deploy.py --config network/config/local.toml
deployed=$(date +%s)
phase "deploy again (must change nothing)"
out=$(python3 network/deploy.py --config network/config/local.toml)
echo "$out" | tail -1
grep -q "deploy: 0 done," <<<"$out" || { echo "$out"; echo "demo_network: the second deploy changed something" >&2; exit 1; }
redeployed=$(date +%s)

phase "relayer"
bash scripts/localnet.sh relay

phase "story"
python3 network/demo.py --config network/config/local.toml --relayer-log "$ISTHMUS_NET_DIR/rly.log"
done_at=$(date +%s)
echo "demo_network: network up $((net_up - started)) s, deploy $((deployed - net_up)) s," \
  "re-deploy $((redeployed - deployed)) s, story $((done_at - redeployed)) s"
