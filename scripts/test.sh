#!/usr/bin/env bash
# The project's one test command: set-up, then every check and test CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$(date +%s)
step() { printf '\n==> %s (%d s so far)\n' "$*" $(($(date +%s) - started)); }

step "set-up"
bash scripts/setup.sh
step "format"
cargo fmt --all -- --check
unformatted=$(gofmt -l e2e)
[[ -z "$unformatted" ]] || { echo "gofmt: $unformatted"; exit 1; }
step "no floating point in contracts"
bash scripts/check_no_float.sh
step "clippy (warnings denied)"
cargo clippy --workspace --all-targets --locked -- -D warnings
step "tests (with 10,000 randomized cases: 2 x 4,500 relay schedules + 1,000 trade previews)"
ISTHMUS_PROPTEST_CASES="${ISTHMUS_PROPTEST_CASES:-4500}" ISTHMUS_SIMULATION_CASES="${ISTHMUS_SIMULATION_CASES:-1000}" \
  cargo test --workspace --locked
step "risk simulator, short form (tables, plots, headline property)"
bash scripts/risk.sh --quick --out target/risk-quick
step "fuzz smoke (every target, a few seconds each)"
bash scripts/fuzz.sh --smoke
step "schema freshness"
bash scripts/schema.sh --check
step "TypeScript SDK (generated clients fresh, strict tsc, unit tests)"
bash scripts/ts_sdk.sh
step "bots (clients/bots: strict tsc, unit tests without a chain)"
bash scripts/bots.sh
step "wasm build, cosmwasm-check, sizes"
bash scripts/build_wasm.sh
step "real-chain conformance suite (three wasmd apps, ibc-go v11)"
bash scripts/e2e.sh
step "local network with a real relayer (deploy tool unit tests; three wasmd nodes, rly, deploy twice, the story)"
python3 -m unittest discover -s network/tests -t network
bash scripts/demo_network.sh
step "the bots on a local network (feeder, heartbeat, a crash the keeper liquidates and seizes, settlement crank)"
bash scripts/bots_network.sh
printf '\n==> all checks passed in %d s\n' $(($(date +%s) - started))
