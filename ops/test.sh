#!/usr/bin/env bash
# Sets up (packages, build) and runs every test: unit, end-to-end (real nodes on 127.0.0.1),
# the fuzz corpus replay, then a short bounded libFuzzer run of each fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
ops/setup.sh --with-test-tools
# The console's browser test drives Chromium with playwright-core, pinned in its package-lock.
if [[ ! -d tests/console/node_modules/playwright-core ]]; then
  (cd tests/console && npm ci --no-audit --no-fund)
fi
ctest --test-dir build/dev --output-on-failure --timeout 600 -j 2

# Fuzzing needs clang's libFuzzer: a separate build tree with ASan and UBSan.
if [[ ! -f build/fuzz/build.ninja ]]; then
  cmake --preset fuzz >/dev/null
fi
cmake --build build/fuzz --parallel "$(nproc)" --target fuzz_targets
for target in build/fuzz/tests/fuzz/fuzz_*; do
  [[ -x "$target" ]] || continue
  name=$(basename "$target")
  corpus=$(mktemp -d)
  cp tests/fuzz/corpus/"${name#fuzz_}"/* "$corpus"/ 2>/dev/null || true
  echo "fuzzing $name for 20 s"
  "$target" -max_total_time=20 -rss_limit_mb=2048 -print_final_stats=1 "$corpus" 2>&1 | tail -3
  rm -rf "$corpus"
done
echo "all tests passed"
