#!/usr/bin/env bash
# Cost of isthmus-pricing in wasm: exact executed instructions and CosmWasm gas (cosmwasm-vm 3.0.10).
# Builds packages/isthmus-vm-bench/contract for wasm32, lowers bulk-memory/sign-ext ops with
# wasm-opt (binaryen, installed in scripts/node_modules by scripts/setup.sh), checks it with
# cosmwasm-check if present, and runs the runner (packages/isthmus-vm-bench, its own workspace:
# not part of the root workspace's `cargo test`).
#
#   scripts/bench_pricing.sh [iterations]        (first run: ~7 min to build cosmwasm-vm)
#   scripts/bench_pricing.sh --native            native criterion timings (benches/native.rs)
#
# Env: CARGO_TARGET_DIR (default <repo>/target/vm-bench),
#      WASM_OPT (default <repo>/scripts/node_modules/.bin/wasm-opt; run scripts/setup.sh once).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root/packages/isthmus-vm-bench"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/vm-bench}"
if [[ "${1:-}" == "--native" ]]; then
  exec cargo bench --bench native
fi
N="${1:-50}"
WASM_OPT="${WASM_OPT:-$root/scripts/node_modules/.bin/wasm-opt}"
if [[ ! -x "${WASM_OPT%% *}" ]] && ! command -v "${WASM_OPT%% *}" >/dev/null; then
  echo "bench_pricing: wasm-opt not found at $WASM_OPT; run scripts/setup.sh (npm ci in scripts/)" >&2
  exit 1
fi
cargo build --release --lib --target wasm32-unknown-unknown -p isthmus-pricing-bench-contract
out="$CARGO_TARGET_DIR/bench"
mkdir -p "$out"
# The features rustc emits must be enabled before the lowering passes can remove them.
$WASM_OPT --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int \
  -Os --llvm-memory-copy-fill-lowering --signext-lowering \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/isthmus_pricing_bench_contract.wasm" \
  -o "$out/isthmus_pricing_bench.wasm"
if command -v cosmwasm-check >/dev/null; then cosmwasm-check "$out/isthmus_pricing_bench.wasm"; fi
# dev profile: neither figure depends on how the runner is optimised, and it builds faster
cargo run -p isthmus-vm-bench -- "$out/isthmus_pricing_bench.wasm" "$N"
