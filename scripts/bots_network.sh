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
NAME=bots_network TIMEOUT=${ISTHMUS_BOTS_TIMEOUT:-600}
source scripts/lib/network_run.sh
[[ -f clients/bots/dist/src/cli.js ]] || { echo "bots_network: clients/bots is not built (scripts/bots.sh)" >&2; exit 1; }

phase "local network (ports from $ISTHMUS_PORT_BASE, state in $ISTHMUS_NET_DIR)"
start_network
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
