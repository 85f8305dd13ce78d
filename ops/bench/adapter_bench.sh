#!/usr/bin/env bash
# Registry adapter benchmark (on demand, not in CI): generates a registry of N weapons (default
# 1,000,000) once, exports it as CSV, loads it into a PostgreSQL server this script starts on
# 127.0.0.1 (and stops), and measures lookups/s and latency for each built-in adapter plus the
# external-process protocol against the same adapter in-process.
#   ops/bench/adapter_bench.sh [RECORDS] [LOOKUPS]
set -euo pipefail
cd "$(dirname "$0")/../.."
records=${1:-1000000} lookups=${2:-20000}
ops/setup.sh --with-test-tools >/dev/null
cmake --build build/dev --target adapter_bench tracenet >/dev/null

work=${TRACENET_BENCH_DIR:-/tmp/tracenet-adapter-bench}
mkdir -p "$work"
pg_dir="$work/postgres"
trap 'tests/support/postgres_server.sh stop "$pg_dir" 55439' EXIT
tests/support/postgres_server.sh start "$pg_dir" 55439
build/dev/tests/bench/adapter_bench --dir "$work" --records "$records" --lookups "$lookups" \
  --postgres "$(cat "$pg_dir/conninfo")"
