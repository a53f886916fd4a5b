#!/usr/bin/env bash
# The project's one test command: set-up, then every check and test CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "set-up"
bash scripts/setup.sh
step "format"
cargo fmt --all -- --check
step "no floating point in contracts"
bash scripts/check_no_float.sh
step "clippy (warnings denied)"
cargo clippy --workspace --all-targets --locked -- -D warnings
step "tests"
cargo test --workspace --locked
step "fuzz smoke (every target, a few seconds each)"
bash scripts/fuzz.sh --smoke
step "schema freshness"
bash scripts/schema.sh --check
step "wasm build, cosmwasm-check, sizes"
bash scripts/build_wasm.sh
