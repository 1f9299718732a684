#!/usr/bin/env bash
# Fresh machine to first results: installs what is missing, builds cubie, and runs
# the Lorenz sweep example, printing a summary of its results.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install_deps.sh
cmake --preset release >/dev/null
cmake --build --preset release -j "$(nproc)" --target cubie_cli
./build/apps/cubie/cubie run examples/lorenz.toml --out lorenz.h5
