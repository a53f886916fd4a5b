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
NAME=demo_network TIMEOUT=${ISTHMUS_DEMO_TIMEOUT:-900}
source scripts/lib/network_run.sh

phase "local network"
start_network
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
