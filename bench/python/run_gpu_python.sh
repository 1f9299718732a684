#!/usr/bin/env bash
# bench/python/run_gpu_python.sh
# The Python package on a GPU machine in one device call: build cubie with CUDA and the
# extension (build-gpu-py), run the GPU Python tests, then the Python-overhead benchmark
# at B1 size (examples/bench_lorenz.toml: rk4 dt = 1/1024 and dormand_prince_54, float32,
# final state, N = 4,194,304) on the GPU. Everything lands in $OUT/python_gpu.txt.
#
# The GPU machine reaches no package index: numpy, nanobind and pytest must be there or
# come as wheels in .deps/pywheels (fill it here with
#   python3 -m pip download -d .deps/pywheels nanobind numpy pytest
# and pass `carry: [".deps/pywheels"]` to the device tool). Then:
#   bash bench/python/run_gpu_python.sh          (about 6 minutes; SESSION_SECONDS caps it)
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/python-gpu}
BUILD=$ROOT/build-gpu-py
mkdir -p "$OUT"
REPORT=$OUT/python_gpu.txt
: > "$REPORT"
exec > >(tee -a "$REPORT") 2>&1
cd "$ROOT"
echo "== $(date -u) $(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1)"
python3 --version
if ! python3 -c "import numpy, nanobind, pytest" 2>/dev/null; then
  python3 -m pip install -q --no-index --find-links "$ROOT/.deps/pywheels" numpy nanobind pytest ||
    { echo "numpy, nanobind and pytest are missing and .deps/pywheels does not have them"; exit 1; }
fi
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCUBIE_ENABLE_CUDA=ON \
  -DCMAKE_CUDA_ARCHITECTURES=90 -DCUBIE_BUILD_TESTS=OFF -DCUBIE_BUILD_BENCH=OFF -DCUBIE_BUILD_APPS=OFF \
  -DCUBIE_BUILD_PYTHON=ON > "$OUT/configure.log" 2>&1 || { tail -30 "$OUT/configure.log"; exit 1; }
timeout 420 cmake --build "$BUILD" -j "$(nproc)" --target _core > "$OUT/build.log" 2>&1 ||
  { tail -30 "$OUT/build.log"; exit 1; }
export PYTHONPATH=$BUILD/python CUBIE_CACHE_DIR=$BUILD/model-cache
echo "== GPU Python tests"
timeout 240 python3 -m pytest -q -rs -p no:cacheprovider python/tests/test_gpu.py python/tests/test_memory_settings.py \
  python/tests/test_memory_and_lifetime.py python/tests/test_interrupt_and_gil.py
echo "== Python overhead at B1 size on the GPU"
timeout 300 python3 bench/python/python_overhead.py --runs 4194304 --backend cuda --repeats 11 --skip-scipy
echo "== done $(date -u)"
