#!/usr/bin/env bash
# Builds cubie (Release; the CUDA backend too when nvcc is found) and runs the whole
# test suite: ctest, then the Python package's tests (pytest) against the extension
# built in the same tree (build/python; no second C++ build). GPU tests skip with a
# reason where no GPU is present.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
python=ON
if ! python3 -c "import nanobind" 2>/dev/null; then
  echo "test.sh: nanobind is not installed (bash scripts/install_deps.sh); the Python package is not built or tested" >&2
  python=OFF
fi
cmake --preset release -DCUBIE_BUILD_PYTHON=$python >/dev/null
cmake --build --preset release -j "$jobs"
ctest --preset release -j "$jobs"
if [ "$python" = ON ]; then
  PYTHONPATH="$PWD/build/python" python3 -m pytest -q -p no:cacheprovider python/tests
fi
