#!/usr/bin/env bash
# Gas of the options engine's `Trade` and `Margin` (1, 4, 16 legs) in the real VM
# (cosmwasm-vm 3.0.10) with Cosmos SDK storage prices, instance load and event costs.
# Builds artifacts/options_engine.wasm with scripts/build_wasm.sh (lowered, cosmwasm-check'ed),
# then runs packages/isthmus-vm-bench's `engine` runner (its own workspace: not part of the
# root workspace's `cargo test`). Method and figures: docs/benchmarks.md.
#
#   scripts/bench_engine.sh                  (first run: ~7 min to build cosmwasm-vm)
#   ENGINE_WASM=path/to.wasm scripts/bench_engine.sh   (measure that file, build nothing of the contracts)
#
# Env: CARGO_TARGET_DIR for the runner (default <repo>/target/vm-bench; the contracts use the
#      workspace's own target dir through build_wasm.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
wasm="${ENGINE_WASM:-}"
if [[ -z "$wasm" ]]; then
  # build_wasm.sh reads target/ of the workspace: never hand it the runner's CARGO_TARGET_DIR
  env -u CARGO_TARGET_DIR bash "$root/scripts/build_wasm.sh"
  wasm="$root/artifacts/options_engine.wasm"
fi
wasm="$(cd "$(dirname "$wasm")" && pwd)/$(basename "$wasm")"
cd "$root/packages/isthmus-vm-bench"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target/vm-bench}"
# dev profile: the figures do not depend on how the runner is optimised, and it builds faster
cargo run --bin engine -- "$wasm"
