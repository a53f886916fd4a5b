#!/usr/bin/env bash
# No floating point in contract code (tests may use it as an independent reference).
set -euo pipefail
cd "$(dirname "$0")/.."
if grep -rnE '\bf(32|64)\b' contracts/*/src packages/isthmus-protocol/src packages/isthmus-pricing/src packages/isthmus-margin/src packages/isthmus-source-registry/src; then
  echo "error: floating point in contract code" >&2
  exit 1
fi
echo "no-float: ok"
