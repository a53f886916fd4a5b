#!/usr/bin/env bash
# Gas of isthmus-pricing in the real CosmWasm VM (cosmwasm-vm 3.0.10).
# Builds packages/isthmus-vm-bench/contract for wasm32, lowers bulk-memory ops with wasm-opt
# (binaryen 132, see TOOLCHAIN.md), checks it, and runs the runner. Not part of `cargo test`.
#
#   scripts/bench_pricing.sh [iterations]        (first run: ~7 min to build cosmwasm-vm)
#
# Env: CARGO_TARGET_DIR (default /work/target-vmbench), WASM_OPT (default: npx binaryen@132).
set -euo pipefail
cd "$(dirname "$0")/../packages/isthmus-vm-bench"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/work/target-vmbench}"
N="${1:-50}"
WASM_OPT="${WASM_OPT:-npx --yes binaryen@132 wasm-opt}"
cargo build --release --lib --target wasm32-unknown-unknown -p isthmus-pricing-bench-contract
out="$CARGO_TARGET_DIR/bench"
mkdir -p "$out"
$WASM_OPT -Os --llvm-memory-copy-fill-lowering --signext-lowering \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/release/isthmus_pricing_bench_contract.wasm" \
  -o "$out/isthmus_pricing_bench.wasm"
if command -v cosmwasm-check >/dev/null; then cosmwasm-check "$out/isthmus_pricing_bench.wasm"; fi
# dev profile: gas does not depend on how the runner is optimised, and it builds faster
cargo run -p isthmus-vm-bench -- "$out/isthmus_pricing_bench.wasm" "$N"
