#!/usr/bin/env bash
# Installs what building tracenet needs (Debian 12 packages) and builds it. Idempotent: a second
# run installs nothing and rebuilds only what changed.
# Usage: ops/setup.sh [--with-test-tools] [--with-rabbitmq] [--packages-only]
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(g++ cmake ninja-build pkgconf git ca-certificates
  libzmq3-dev cppzmq-dev libsodium-dev liblmdb-dev flatbuffers-compiler libflatbuffers-dev
  libcli11-dev libtomlplusplus-dev libspdlog-dev nlohmann-json3-dev libcpp-httplib-dev libmicrohttpd-dev libsqlite3-dev libpq-dev libcsv-dev libutf8proc-dev
  libgtest-dev libgmock-dev libbenchmark-dev)
with_node= build=1
for option in "$@"; do
  case "$option" in
    # PostgreSQL and Python run the adapter tests against a real server and the example adapter;
    # jsonschema and yaml check the live API against its OpenAPI document; Chromium runs the web
    # console's browser test (Node.js and npm fetch its driver, playwright-core, below).
    --with-test-tools) packages+=(clang libclang-rt-14-dev postgresql python3 python3-jsonschema python3-yaml chromium fonts-dejavu-core)
      with_node=1 ;;
    # The relay comparison (ops/bench/relay_comparison.sh) against Debian's RabbitMQ.
    --with-rabbitmq) packages+=(rabbitmq-server librabbitmq-dev) ;;
    # Only the packages: ops/test.sh builds its own (sanitizer) trees.
    --packages-only) build= ;;
    *) echo "ops/setup.sh: unknown option $option" >&2; exit 2 ;;
  esac
done

missing=()
# Node.js may come from Debian (nodejs + npm) or already be installed another way (a nodejs
# package that bundles npm): asked for by command, not by package name.
if [[ -n "${with_node:-}" ]]; then
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
fi
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "Installing: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

[[ -n "$build" ]] || exit 0
if [[ ! -f build/dev/build.ninja ]]; then
  cmake --preset dev >/dev/null
fi
cmake --build build/dev --parallel "$(nproc)"
