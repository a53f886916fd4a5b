#!/usr/bin/env bash
# Builds (once) the chain and relayer binaries the local network uses, caching them under
# ${ISTHMUS_CACHE:-$HOME/.cache/isthmus}/bin with their version in the file name, so that a
# second run is a no-op. Needs only the Go module proxy (and gcc for wasmvm's cgo).
#
#   wasmd-v0.70.3  built from the e2e/ Go module (it keeps wasmd/cmd/wasmd in its graph
#                  through tools.go and repeats wasmd's replace directives)
#   rly-v2.6.0     the Go relayer, built from network/relayer-go (a module of ours that
#                  requires github.com/cosmos/relayer/v2 v2.6.0; `go install ...@v2.6.0` is
#                  refused by the proxy's version list)
#
# Usage: network/bins.sh            build what is missing, print the two paths
#        network/bins.sh --print    print the paths only (exit 1 if one is missing)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WASMD_VERSION=v0.70.3
RLY_VERSION=v2.6.0
BIN="${ISTHMUS_CACHE:-$HOME/.cache/isthmus}/bin"
WASMD="$BIN/wasmd-$WASMD_VERSION"
RLY="$BIN/rly-$RLY_VERSION"

if [[ "${1:-}" == "--print" ]]; then
  [[ -x $WASMD && -x $RLY ]] || exit 1
  echo "$WASMD"; echo "$RLY"; exit 0
fi

mkdir -p "$BIN"
if [[ ! -x $WASMD ]]; then
  t0=$(date +%s)
  grep -q "github.com/CosmWasm/wasmd $WASMD_VERSION" "$ROOT/e2e/go.mod" \
    || { echo "bins: e2e/go.mod does not require wasmd $WASMD_VERSION" >&2; exit 1; }
  echo "bins: building wasmd $WASMD_VERSION (cold: several minutes on 2 cores)" >&2
  (cd "$ROOT/e2e" && go build -tags netgo,ledger -o "$WASMD.tmp" github.com/CosmWasm/wasmd/cmd/wasmd)
  mv "$WASMD.tmp" "$WASMD"
  echo "bins: wasmd built in $(($(date +%s) - t0)) s" >&2
fi
if [[ ! -x $RLY ]]; then
  t0=$(date +%s)
  echo "bins: building the Go relayer $RLY_VERSION (cold: about 5 minutes on 2 cores)" >&2
  (cd "$ROOT/network/relayer-go" && go build -o "$RLY.tmp" github.com/cosmos/relayer/v2)
  mv "$RLY.tmp" "$RLY"
  echo "bins: rly built in $(($(date +%s) - t0)) s" >&2
fi
"$WASMD" version --long 2>/dev/null | grep -q "cosmos_sdk_version: v0.54" \
  || { echo "bins: $WASMD is not the sdk 0.54 wasmd" >&2; exit 1; }
echo "$WASMD"
echo "$RLY"
