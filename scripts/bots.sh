#!/usr/bin/env bash
# clients/bots (@isthmus/bots): install (npm ci),
# build the SDK it depends on (file:../ts, installed as a packed copy: clients/bots/.npmrc),
# strict tsc, and the unit tests (node --test, no chain). The local-network test is
# scripts/bots_network.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
# The SDK's dist is what the bots' install copies: build it first (needs clients/ts's node_modules).
[[ -d clients/ts/node_modules ]] || { echo "bots: clients/ts has no node_modules (scripts/setup.sh: npm ci in clients/ts)" >&2; exit 1; }
(cd clients/ts && npm run --silent build)
cd clients/bots
# npm ci each time: the SDK is installed as a packed copy of its dist, just rebuilt.
npm ci --no-audit --no-fund
npm test
