#!/usr/bin/env bash
# Generate the JSON schema of every contract into schema/<contract>/.
# With --check, generate into a temporary folder and fail if the committed schema differs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

CONTRACTS=(collateral-vault options-engine liquidation-controller options-lens)
out_root="$ROOT/schema"
if [[ "${1:-}" == "--check" ]]; then
  out_root=$(mktemp -d)
  trap 'rm -rf "$out_root"' EXIT
fi

for c in "${CONTRACTS[@]}"; do
  cargo build --quiet --locked -p "$c" --bin "schema-$c"
  work=$(mktemp -d)
  (cd "$work" && "${CARGO_TARGET_DIR:-$ROOT/target}/debug/schema-$c" >/dev/null)
  rm -rf "${out_root:?}/$c"
  mkdir -p "$out_root/$c"
  cp -r "$work/schema/." "$out_root/$c/"
  rm -rf "$work"
done

if [[ "${1:-}" == "--check" ]]; then
  if ! diff -ru "$ROOT/schema" "$out_root" >/dev/null; then
    diff -ru "$ROOT/schema" "$out_root" | head -40 >&2
    echo "error: schema/ is stale; run scripts/schema.sh and commit the result" >&2
    exit 1
  fi
  echo "schema: up to date"
fi
