#!/usr/bin/env bash
# The TypeScript SDK (clients/ts): install its locked packages, fail if its generated clients
# differ from what schema/ generates, then strict tsc and its unit tests.
set -euo pipefail
cd "$(dirname "$0")/../clients/ts"
if [[ ! -d node_modules ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent check-generated
npm test --silent
