#!/usr/bin/env bash
# Installs tracenet and its adapter SDK into a temporary prefix, builds the example C plugin
# from a copy outside the repository with find_package(tracenet), and runs the installed
# `tracenet adapter check` against it. Usage: out_of_tree_adapter_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 source=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
cp -r "$source/examples/adapters/c_plugin" "$work/plugin-src"
cmake -S "$work/plugin-src" -B "$work/plugin-build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/plugin-build" >/dev/null

tracenet=$work/prefix/bin/tracenet
"$tracenet" adapter fixture --format tsv --out "$work/registry.tsv" >/dev/null
cat >"$work/check.toml" <<TOML
[registry]
adapter = "plugin"

[registry.plugin]
path = "plugin-build/libtsv_registry_plugin.so"
settings = { data = "$work/registry.tsv" }
TOML
"$tracenet" adapter check --config "$work/check.toml"
