#!/usr/bin/env bash
# Builds cubie (Release; the CUDA backend too when nvcc is found) and runs the whole
# test suite. GPU tests skip with a reason where no GPU is present.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
cmake --preset release >/dev/null
cmake --build --preset release -j "$jobs"
ctest --preset release -j "$jobs"
