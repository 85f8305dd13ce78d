#!/usr/bin/env bash
# Sets up (packages, build) and runs every test, with sanitizers:
#   1. the whole suite — unit, adapters, PostgreSQL, end-to-end (real nodes on 127.0.0.1),
#      browser, demo — built with AddressSanitizer + UBSan (clang; any report is fatal);
#   2. the unit and end-to-end suites under ThreadSanitizer (libzmq and libsodium are not built
#      with it: tests/tsan.supp says which of their hand-overs it cannot see);
#   3. every libFuzzer target for a short bounded run from its seed corpus (ops/fuzz.sh).
# Any failing test or any sanitizer report fails the run. The demo build (ops/demo.sh) is the
# same code without sanitizers.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
stage() { echo; echo "=== $* ($(((SECONDS - started) / 60)) min in)"; }
ops/setup.sh --with-test-tools --packages-only
# The console's browser test drives Chromium with playwright-core, pinned in its package-lock.
if [[ ! -d tests/console/node_modules/playwright-core ]]; then
  (cd tests/console && npm ci --no-audit --no-fund)
fi
# Sanitizer reports end the process with an error (never a line a green run hides).
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# handle_segv=0: the suite crashes adapter programs on purpose and checks they died of SIGSEGV.
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:handle_segv=0
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:handle_segv=0:suppressions=$PWD/tests/tsan.supp"

stage "1/3 the whole suite under ASan+UBSan"
[[ -f build/asan/build.ninja ]] || cmake --preset asan >/dev/null
cmake --build build/asan --parallel "$(nproc)"
ctest --test-dir build/asan --output-on-failure --timeout 600 -j 2

stage "2/3 unit and end-to-end suites under TSan"
[[ -f build/tsan/build.ninja ]] || cmake --preset tsan >/dev/null
cmake --build build/tsan --parallel "$(nproc)" --target unit_tests e2e_tests tracenet misbehaving_plugin
build/tsan/tests/unit_tests --gtest_brief=1
# The browser and OpenAPI flows drive the same node code through other clients (run above).
build/tsan/tests/e2e_tests --gtest_brief=1 --gtest_filter='-ConsoleTest.*:OpenApiTest.*'

stage "3/3 fuzz targets (ASan+UBSan), 20 s each"
ops/fuzz.sh --seconds 20
echo "all tests passed in $(((SECONDS - started) / 60)) min"
