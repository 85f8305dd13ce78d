#!/usr/bin/env bash
# Sets up (packages, build) and runs the local demo federation: two national nodes on
# 127.0.0.1 that exchange two signed, end-to-end encrypted traces and print their timelines.
set -euo pipefail
cd "$(dirname "$0")/.."
ops/setup.sh
exec build/dev/node/cli/tracenet demo "$@"
