#!/usr/bin/env bash
# Set up and run the narrated two-chain demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --demo
cargo run --quiet --locked -p isthmus-tests --bin isthmus-demo
