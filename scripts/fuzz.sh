#!/usr/bin/env bash
# Build and run every fuzz target (fuzz/, libFuzzer through cargo-fuzz) for a given time each;
# fail if any target crashes. See docs/fuzzing.md.
#
#   bash scripts/fuzz.sh --smoke             # CI: 12 s per target, fresh corpus from the seeds
#   bash scripts/fuzz.sh --minutes 10        # the long run recorded in docs/fuzzing.md
#   bash scripts/fuzz.sh --seconds 60 engine_execute vault_ibc   # some targets only
#
# Runs on the stable toolchain: `-s none` builds without a sanitizer, which needs no nightly
# flag (Rust code is memory-safe; the targets look for panics and broken promises). Long runs
# keep their corpus in fuzz/corpus/<target> (not committed); crashes land in
# fuzz/artifacts/<target>/. Set FUZZ_JOBS=N to run N targets at once.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_FUZZ_VERSION=0.13.2
TARGETS_ALL=(vault_ibc vault_execute engine_ibc engine_execute controller_ibc controller_execute margin_evaluate)

seconds=12
smoke=1
targets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --smoke) seconds=12; smoke=1 ;;
    --minutes) seconds=$(($2 * 60)); smoke=0; shift ;;
    --seconds) seconds=$2; smoke=0; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1") ;;
  esac
  shift
done
[[ ${#targets[@]} -gt 0 ]] || targets=("${TARGETS_ALL[@]}")

if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  echo "fuzz.sh: installing cargo-fuzz $CARGO_FUZZ_VERSION (about 2-5 minutes on 2 cores)"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi

# A target dir outside the work tree, so that CI's fresh clone reuses the last build.
target_dir="${ISTHMUS_FUZZ_TARGET_DIR:-$HOME/.cache/isthmus/fuzz-target}"
mkdir -p "$target_dir"
fuzz_opts=(-s none --debug-assertions --target-dir "$target_dir")

start=$(date +%s)
(cd fuzz && cargo fuzz build "${fuzz_opts[@]}")
echo "fuzz.sh: build took $(($(date +%s) - start)) s"

logs=$(mktemp -d)
echo "fuzz.sh: logs in $logs"
run_one() {
  local t=$1 corpus result
  if [[ $smoke == 1 ]]; then
    corpus=$(mktemp -d)
  else
    corpus=$PWD/fuzz/corpus/$t
    mkdir -p "$corpus"
  fi
  mkdir -p "fuzz/artifacts/$t" "fuzz/seeds/$t"
  local dict=()
  if [[ -f fuzz/dict/$t.dict ]]; then dict=(-dict="dict/$t.dict"); fi
  # -timeout: one input running 10 s is a hang, and a finding too.
  if (cd fuzz && cargo fuzz run "${fuzz_opts[@]}" "$t" "$corpus" "seeds/$t" -- \
      -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
      -artifact_prefix="artifacts/$t/" "${dict[@]}") >"$logs/$t.log" 2>&1; then
    result=ok
  else
    result=FAILED
  fi
  if [[ $smoke == 1 ]]; then rm -rf "$corpus"; fi
  echo "$result"
}

summary() {
  local t=$1 log=$logs/$1.log
  local execs cov corp
  execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | awk '{print $2}' | tail -1)
  cov=$(grep -oE '(#[0-9]+).*cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*')
  printf '%-20s execs=%s %s\n' "$t" "${execs:-?}" "${cov:-}"
}

failed=()
jobs=${FUZZ_JOBS:-1}
if [[ $jobs -gt 1 ]]; then
  for ((i = 0; i < ${#targets[@]}; i += jobs)); do
    pair=("${targets[@]:i:jobs}")
    for t in "${pair[@]}"; do (run_one "$t" >"$logs/$t.result") & done
    wait
    for t in "${pair[@]}"; do
      [[ $(cat "$logs/$t.result") == ok ]] || failed+=("$t")
      summary "$t"
    done
  done
else
  for t in "${targets[@]}"; do
    [[ $(run_one "$t") == ok ]] || failed+=("$t")
    summary "$t"
  done
fi

echo "fuzz.sh: $((${#targets[@]} - ${#failed[@]})) passed, ${#failed[@]} failed ($seconds s per target, $(($(date +%s) - start)) s in all)"
if [[ ${#failed[@]} -gt 0 ]]; then
  for t in "${failed[@]}"; do
    echo "---- $t (log $logs/$t.log) ----"
    grep -E "panicked at|SUMMARY|Test unit written|deadly signal|ERROR" -A3 "$logs/$t.log" | head -40 || tail -40 "$logs/$t.log"
  done
  exit 1
fi
