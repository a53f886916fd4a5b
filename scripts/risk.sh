#!/usr/bin/env bash
# The cross-chain risk simulator (docs/risk.md): runs the sweeps on the bench, writes the
# tables and the summary, then draws the plots (matplotlib in a venv under ~/.cache).
#
#   bash scripts/risk.sh                      # full sweep into target/risk (minutes on 2 cores)
#   bash scripts/risk.sh --quick --out DIR    # the short form CI runs (seconds per run)
#
# Exits non-zero if the headline property (no bad debt after a 30% crash within the seize
# latency) does not hold.
set -euo pipefail
cd "$(dirname "$0")/.."

out=target/risk
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [[ "${args[$i]}" == "--out" ]]; then out="${args[$((i + 1))]}"; fi
done

cargo run --quiet --locked -p isthmus-tests --bin isthmus-risk-sim -- --out "$out" "${args[@]}"

venv="${ISTHMUS_CACHE:-$HOME/.cache/isthmus}/venv"
if [[ ! -x "$venv/bin/python" ]] || ! "$venv/bin/python" -c "import matplotlib" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet matplotlib==3.9.2
fi
"$venv/bin/python" scripts/risk_plots.py "$out"
