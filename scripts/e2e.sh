#!/usr/bin/env bash
# Real-chain conformance suite: three in-process wasmd v0.70.3 apps (ibc-go v11, wasmvm v3)
# under ibc-go's testing coordinator, running the Isthmus story on the optimized artifacts.
#
# Does its own set-up on a fresh machine:
#   * the contract artifacts (scripts/setup.sh + scripts/build_wasm.sh) if any is missing;
#   * artifacts/cw20_base.wasm, built from the cw20-base 2.0.0 crate source (with its own
#     Cargo.lock) and lowered with the same wasm-opt flags as build_wasm.sh;
#   * the Go modules (go mod download).
# Then runs `go test` in e2e/ with a bounded timeout and prints how long each part took.
#
# Usage: scripts/e2e.sh [extra go test args, e.g. -run TestConformance/2]
# Env:   E2E_TIMEOUT (go test -timeout, default 20m); ISTHMUS_E2E_GAS_OUT (write the gas table).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
start=$(date +%s)
WASM_OPT=scripts/node_modules/.bin/wasm-opt
lower() { "$WASM_OPT" --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int -Os \
  --llvm-memory-copy-fill-lowering --signext-lowering "$1" -o "$2"; }

if [[ ! -f artifacts/collateral_vault.wasm || ! -f artifacts/options_engine.wasm \
   || ! -f artifacts/liquidation_controller.wasm || ! -f artifacts/options_lens.wasm ]]; then
  echo "e2e: building the contract artifacts"
  bash scripts/setup.sh
  bash scripts/build_wasm.sh
fi

if [[ ! -f artifacts/cw20_base.wasm ]]; then
  echo "e2e: building cw20-base 2.0.0 for the source chains' cw20 token"
  [[ -x $WASM_OPT ]] || bash scripts/setup.sh
  # The crate source comes from crates.io through cargo (the workspace already depends on
  # it); it is built outside the workspace, without the `library` feature the workspace
  # enables (so that it exports its entry points), and with the *workspace's* Cargo.lock
  # (cosmwasm-std 2.3.6): the lock the crate ships pins cosmwasm-std 2.0.0, and that build
  # aborts in the real VM on its first call (dlmalloc "psize <= size + max_overhead", see
  # docs/real-chain.md).
  cargo fetch --locked >/dev/null
  src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/cw20-base-2.0.0 | head -1)
  rm -rf target/cw20-base-src && mkdir -p target && cp -r "$src" target/cw20-base-src
  # Its dev-dependencies (cw-multi-test 2.0.0, not in the workspace's lock) are not needed to
  # build the library, and an offline build on a fresh machine cannot resolve them: drop them.
  awk '/^\[/{skip = ($0 ~ /^\[dev-dependencies/)} !skip' target/cw20-base-src/Cargo.toml \
    > target/cw20-base-src/Cargo.toml.lib && mv target/cw20-base-src/Cargo.toml.lib target/cw20-base-src/Cargo.toml
  printf '\n[workspace]\n' >> target/cw20-base-src/Cargo.toml
  cp Cargo.lock target/cw20-base-src/Cargo.lock
  (cd target/cw20-base-src && RUSTFLAGS="-C link-arg=-s" cargo build --release --lib \
    --target wasm32-unknown-unknown --offline --target-dir "$ROOT/target/cw20-base-target")
  grep -A1 '^name = "cosmwasm-std"' target/cw20-base-src/Cargo.lock | grep -q '"2.3.6"' \
    || { echo "e2e: cw20-base did not resolve cosmwasm-std 2.3.6" >&2; exit 1; }
  lower target/cw20-base-target/wasm32-unknown-unknown/release/cw20_base.wasm artifacts/cw20_base.wasm
  if command -v cosmwasm-check >/dev/null; then cosmwasm-check artifacts/cw20_base.wasm; fi
fi
built=$(date +%s)

cd e2e
go mod download
fetched=$(date +%s)
set +e
# wasmd's test app setup prints each chain's bank genesis as one JSON line; drop those.
go test -count=1 -timeout "${E2E_TIMEOUT:-20m}" -v "$@" ./... 2>&1 | grep -v '^{"params":{"send_enabled"'
status=${PIPESTATUS[0]}
set -e
done_at=$(date +%s)
echo "e2e: artifacts $((built - start)) s, go mod download $((fetched - built)) s," \
  "go test (build + run) $((done_at - fetched)) s, total $((done_at - start)) s; exit $status"
exit $status
