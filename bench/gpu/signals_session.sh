#!/usr/bin/env bash
# bench/gpu/signals_session.sh
# Issue 10 (drivers and events) on an H200: the GPU tests of drivers and events, the NVRTC
# compile of a driven system with events, the DRV and EVT benchmarks (cubie_gpu_bench --only
# DRV,EVT: N = 4,194,304), and `cubie run` of the three examples with --backend cuda against
# the CPU. Logs under $OUT (default out/signals). Carry .deps (toml++) as the other sessions do.
#   bash bench/gpu/signals_session.sh build   # configure and build (about 5 minutes on 16 cores)
#   bash bench/gpu/signals_session.sh run     # tests, benchmarks, examples (about 4 minutes)
#   bash bench/gpu/signals_session.sh         # both
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/signals}
BUILD=$ROOT/build-signals
SCRATCH=${SCRATCH:-/tmp/cubie-signals}
STAGE=${1:-all}
mkdir -p "$OUT" "$SCRATCH"
note() { printf '%s\n' "$*" | tee -a "$OUT/summary.txt"; }
for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done
export CUBIE_CACHE_DIR=$SCRATCH/cache

if [[ $STAGE == build || $STAGE == all ]]; then
  note "signals session build: $(date -u '+%Y-%m-%d %H:%M UTC')"
  source "$ROOT/bench/gpu/toml_shim.sh"
  h200_cmake_args "$ROOT" "$BUILD" args -DCUBIE_BUILD_PYTHON=OFF
  cmake "${args[@]}" >"$OUT/configure.log" 2>&1
  note "configure: rc=$?"
  ninja -C "$BUILD" cubie_cli cubie_gpu_bench backends_signals_gpu_test nvrtc_compile_test >"$OUT/build.log" 2>&1
  note "build: rc=$? ($(date -u '+%H:%M UTC'))"
fi

if [[ $STAGE == run || $STAGE == all ]]; then
  note "signals session run: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null)"
  timeout 300 "$BUILD/tests/backends/backends_signals_gpu_test" >"$OUT/gpu_test.log" 2>&1
  note "backends_signals_gpu_test: rc=$? $(grep -E '^\[  (PASSED|FAILED|SKIPPED) ' "$OUT/gpu_test.log" | tr '\n' ' ')"
  timeout 120 "$BUILD/tests/integrate/nvrtc_compile_test" >"$OUT/nvrtc_test.log" 2>&1
  note "nvrtc_compile_test: rc=$? $(grep -E '^\[  (PASSED|FAILED) ' "$OUT/nvrtc_test.log" | tr '\n' ' ')"
  timeout 420 "$BUILD/bench/gpu/cubie_gpu_bench" --only DRV,EVT --reps 3 >"$OUT/bench.log" 2>&1
  note "cubie_gpu_bench --only DRV,EVT --reps 3: rc=$?"
  cat "$OUT/bench.log" >>"$OUT/summary.txt"
  for ex in bouncing_ball integrate_and_fire driven_oscillator; do
    for be in cuda cpu; do
      timeout 120 "$BUILD/apps/cubie/cubie" run "$ROOT/examples/$ex.toml" --backend $be --out "$SCRATCH/$ex-$be.h5" \
        --json >"$OUT/$ex-$be.json" 2>"$OUT/$ex-$be.err"
      note "cubie run $ex --backend $be: rc=$? $(head -c 400 "$OUT/$ex-$be.json")"
    done
    python3 - "$SCRATCH/$ex-cuda.h5" "$SCRATCH/$ex-cpu.h5" >>"$OUT/summary.txt" 2>&1 <<'PY'
import sys
try:
    import h5py, numpy as np
except ImportError:
    print("   (h5py not installed: CPU/GPU comparison skipped)"); sys.exit(0)
a, b = h5py.File(sys.argv[1]), h5py.File(sys.argv[2])
for name in ("time_domain", "event_times", "event_count"):
    if name in a:
        x, y = a[name][:].astype(float), b[name][:].astype(float)
        same = np.array_equal(np.isnan(x), np.isnan(y))
        d = np.nanmax(np.abs(x - y) / (1 + np.abs(y))) if np.isfinite(x).any() else 0.0
        print(f"   {name}: GPU vs CPU max |diff|/(1+|cpu|) = {d:.2e}, NaN pattern equal: {same}")
PY
  done
  cp "$OUT/summary.txt" "$OUT/summary-$(date -u +%H%M).txt" 2>/dev/null
fi
