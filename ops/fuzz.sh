#!/usr/bin/env bash
# Runs every libFuzzer target (the asan tree: ASan+UBSan, any report fatal) for a while each,
# from its seed corpus, and reports executions, coverage and features per target. Any crash,
# leak, timeout or sanitizer report fails the run (exit 1) and leaves the reproducer in
# crashes-TARGET/ under the kept corpus directory (or build/asan/fuzz-findings/).
#   ops/fuzz.sh [--seconds N | --minutes N] [--corpus DIR] [TARGET...]
# Default: 20 s per target on a throwaway copy of the seeds. --corpus DIR keeps a corpus per
# target under DIR across runs (a long campaign grows it).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=20 keep=
targets=()
while (($#)); do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --minutes) seconds=$(($2 * 60)); shift 2 ;;
    --corpus) keep=$2; shift 2 ;;
    -h|--help) sed -n 2,9p "$0"; exit 0 ;;
    -*) echo "ops/fuzz.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if [[ ! -f build/asan/build.ninja ]]; then cmake --preset asan >/dev/null; fi
cmake --build build/asan --parallel "$(nproc)" --target fuzz_targets
if ((${#targets[@]} == 0)); then
  for t in build/asan/tests/fuzz/fuzz_*; do [[ -x "$t" ]] && targets+=("$(basename "$t")"); done
fi
# Reports are failures: UBSan stops at the first one (the build also says -fno-sanitize-recover).
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
failed=()
total_execs=0
for name in "${targets[@]}"; do
  name=fuzz_${name#fuzz_}
  seeds=tests/fuzz/corpus/${name#fuzz_}
  if [[ -n "$keep" ]]; then corpus=$keep/${name#fuzz_}; mkdir -p "$corpus"; else corpus=$(mktemp -d); fi
  cp -n "$seeds"/* "$corpus"/ 2>/dev/null || true
  crashes=${keep:-build/asan/fuzz-findings}/crashes-${name#fuzz_}
  mkdir -p "$crashes"
  log=$(mktemp)
  echo "fuzzing $name for $seconds s"
  if build/asan/tests/fuzz/"$name" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=30 -print_final_stats=1 \
       -artifact_prefix="$crashes/" "$corpus" >"$log" 2>&1; then
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo "?")
    echo "  $name: $execs executions, coverage $cov edges, $ft features, corpus $(ls "$corpus" | wc -l) inputs"
    total_execs=$((total_execs + ${execs:-0}))
  else
    echo "  $name FAILED:" >&2
    grep -E 'ERROR|runtime error|SUMMARY|Test unit written' "$log" | head -8 >&2 || tail -20 "$log" >&2
    failed+=("$name")
  fi
  rm -f "$log"
  [[ -n "$keep" ]] || rm -rf "$corpus"
done
echo "fuzzing: ${#targets[@]} targets, $total_execs executions in all, ${#failed[@]} failed"
((${#failed[@]} == 0))
