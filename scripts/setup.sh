#!/usr/bin/env bash
# Idempotent set-up of everything the tests, checks and demo need on a fresh machine:
# rustfmt/clippy, the wasm target, cosmwasm-check (the validator wasmd runs on upload) and
# wasm-opt from the npm package binaryen (to lower bulk-memory/sign-ext instructions), and
# the TypeScript SDK's and the bots' npm packages (clients/ts, clients/bots), matplotlib in a venv under ~/.cache/isthmus
# (the risk simulator's plots), and the local
# network's binaries (wasmd v0.70.3 and the Go relayer v2.6.0, built from the Go module proxy
# into ~/.cache/isthmus/bin; network/bins.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

COSMWASM_CHECK_VERSION=3.0.10

rustup component add rustfmt clippy >/dev/null 2>&1 || true
if ! rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then
  echo "setup: adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [[ "${1:-}" == "--demo" ]]; then
  exit 0 # the demo needs only cargo
fi

if ! command -v cosmwasm-check >/dev/null 2>&1 \
  || ! cosmwasm-check --version 2>/dev/null | grep -q "$COSMWASM_CHECK_VERSION"; then
  echo "setup: installing cosmwasm-check $COSMWASM_CHECK_VERSION (about 7 minutes on 2 cores)"
  cargo install cosmwasm-check --version "$COSMWASM_CHECK_VERSION" --locked
fi

if [[ ! -x scripts/node_modules/.bin/wasm-opt ]]; then
  echo "setup: installing binaryen (wasm-opt) from npm"
  (cd scripts && npm ci --no-audit --no-fund --loglevel=error)
fi

if [[ ! -d clients/ts/node_modules ]]; then
  echo "setup: installing the TypeScript SDK's packages from npm (clients/ts)"
  (cd clients/ts && npm ci --no-audit --no-fund --loglevel=error)
fi
if [[ ! -d clients/bots/node_modules ]]; then
  echo "setup: installing the bots' packages from npm (clients/bots; the SDK is built first: it is installed from its dist)"
  (cd clients/ts && npm run --silent build)
  (cd clients/bots && npm ci --no-audit --no-fund --loglevel=error)
fi

venv="${ISTHMUS_CACHE:-$HOME/.cache/isthmus}/venv"
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c "import matplotlib" 2>/dev/null; then
  echo "setup: installing matplotlib into $venv (the risk simulator's plots)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet matplotlib==3.9.2
fi

# The local network's binaries (scripts/localnet.sh, scripts/demo_network.sh): built once and
# cached by version; a no-op when both are there.
bash network/bins.sh >/dev/null
