#!/usr/bin/env bash
# Build every contract for wasm32, lower the instructions older VMs reject, validate each
# with cosmwasm-check and report sizes (fails above the 800 KiB upload limit).
# Output: artifacts/<contract>.wasm and artifacts/sizes.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

CONTRACTS=(collateral-vault options-engine liquidation-controller options-lens)
MAX_BYTES=$((800 * 1024))
WASM_OPT=scripts/node_modules/.bin/wasm-opt

mkdir -p artifacts
# One cargo invocation per contract: the lens depends on the engine with the `library`
# feature (no entry points), and cargo unifies features across the packages of one build,
# which would build an engine without its entry points.
for c in "${CONTRACTS[@]}"; do
  RUSTFLAGS="-C link-arg=-s" cargo build --release --lib --target wasm32-unknown-unknown --locked -p "$c"
done

: > artifacts/sizes.txt
status=0
for c in "${CONTRACTS[@]}"; do
  raw="target/wasm32-unknown-unknown/release/${c//-/_}.wasm"
  out="artifacts/${c//-/_}.wasm"
  # The engine is the contract near the limit: -Oz (docs/benchmarks.md); the others keep -Os.
  opt=-Os
  [[ "$c" == options-engine ]] && opt=-Oz
  "$WASM_OPT" --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int "$opt" --llvm-memory-copy-fill-lowering --signext-lowering "$raw" -o "$out"
  # Every contract exports instantiate and query (a library build would pass cosmwasm-check).
  python3 scripts/wasm_exports.py "$out" instantiate query migrate
  bytes=$(stat -c %s "$out")
  printf '%-24s %8d bytes (%d KiB)\n' "$c" "$bytes" $((bytes / 1024)) | tee -a artifacts/sizes.txt
  if (( bytes > MAX_BYTES )); then
    echo "error: $c is $bytes bytes, above the $MAX_BYTES byte upload limit" >&2
    status=1
  fi
done
cosmwasm-check artifacts/*.wasm
exit $status
