#!/usr/bin/env bash
# bench/gpu/stiff_session.sh
# Issue 8 (Rosenbrock methods) on an H200: the GPU Rosenbrock tests (CPU == GPU), then
# bench/stiff/stiff_bench with --backend cuda on the issue's sweeps, model files compiled by
# NVRTC with the generated sparse LU, final state only:
#   POLLU 2^20 runs (k1 = logspace over [3.5e-2, 3.5]), rodas5p, float64 at 1e-6 and
#     float32 at 1e-5 (goal: <= 100 ms; flop floor about 5 ms);
#   ring modulator 2^17 runs (Cs = logspace over [2e-13, 2e-9]), rodas5p, both precisions
#     (goal: <= 2 s; floor about 0.7 s), and 2^20 runs in float64 (goal: within 2x the floor);
#   every Rosenbrock method on POLLU 2^17 and the ring modulator 2^14, both precisions
#     (stage `methods`, a call of its own: up to 5 minutes).
# Errors on runs spread over each sweep against rodas5p float64 at rtol 1e-10 (CPU of the
# host). Logs under $OUT (default out/stiff); carry .deps (toml++) as the other sessions do.
#   bash bench/gpu/stiff_session.sh build    # configure and build (about 4 minutes on 16 cores)
#   bash bench/gpu/stiff_session.sh run      # GPU tests, POLLU and ring modulator sweeps (3-6 minutes)
#   bash bench/gpu/stiff_session.sh          # build and run (8-11 minutes: two calls are safer)
#   bash bench/gpu/stiff_session.sh methods  # every method on smaller sweeps (after a build; 2-5 minutes)
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/stiff}
BUILD=${BUILD:-$ROOT/build-stiff}
SCRATCH=${SCRATCH:-/tmp/cubie-stiff}
STAGE=${1:-all}
mkdir -p "$OUT" "$SCRATCH"
note() { printf '%s\n' "$*" | tee -a "$OUT/summary.txt"; }
for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done
export CUBIE_CACHE_DIR=$SCRATCH/cache
CACHE=(--cache "$SCRATCH/cache")

if [[ $STAGE == build || $STAGE == all ]]; then
  note "stiff session build: $(date -u '+%Y-%m-%d %H:%M UTC')"
  source "$ROOT/bench/gpu/toml_shim.sh"
  h200_cmake_args "$ROOT" "$BUILD" args -DCUBIE_BUILD_PYTHON=OFF
  cmake "${args[@]}" >"$OUT/configure.log" 2>&1
  note "configure: rc=$?"
  ninja -C "$BUILD" stiff_bench rosenbrock_gpu_test >"$OUT/build.log" 2>&1
  note "build: rc=$? ($(date -u '+%H:%M UTC'))"
fi

bench=$BUILD/bench/stiff_bench
run_bench() {  # label, timeout, arguments...
  local label=$1 limit=$2
  shift 2
  note "== $label: stiff_bench $* ($(date -u '+%H:%M:%S UTC'))"
  timeout "$limit" "$bench" --backend cuda --no-cvode "${CACHE[@]}" "$@" >"$OUT/$label.log" 2>&1
  note "rc=$?"
  grep -v '^cubie: ' "$OUT/$label.log" >>"$OUT/summary.txt"
  grep '^cubie: ' "$OUT/$label.log" >>"$OUT/compiles.txt"
}

if [[ $STAGE == run || $STAGE == all ]]; then
  note "stiff session run: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null)"
  test_bin=$(find "$BUILD/tests" -name rosenbrock_gpu_test -type f -perm -u+x | head -1)
  timeout 120 "$test_bin" >"$OUT/gpu_test.log" 2>&1
  note "rosenbrock_gpu_test: rc=$? $(grep -E '^\[  (PASSED|FAILED|SKIPPED) ' "$OUT/gpu_test.log" | tr '\n' ' ')"
  run_bench pollu_2e20 120 --problems pollu --pollu-runs 1048576 --methods rodas5p --reps 3 --check 8
  run_bench ring_2e17 120 --problems ring --ring-runs 131072 --methods rodas5p --reps 3 --check 6
  run_bench ring_2e20 150 --problems ring --ring-runs 1048576 --methods rodas5p --precisions float64 --reps 1 --check 6
  cp "$OUT/summary.txt" "$OUT/summary-$(date -u +%H%M).txt" 2>/dev/null
fi

if [[ $STAGE == methods ]]; then
  note "stiff session methods: $(date -u '+%Y-%m-%d %H:%M UTC')"
  run_bench methods_pollu 120 --problems pollu --pollu-runs 131072 --methods all --reps 2
  run_bench methods_ring 170 --problems ring --ring-runs 16384 --methods all --reps 1
  cp "$OUT/summary.txt" "$OUT/summary-$(date -u +%H%M).txt" 2>/dev/null
fi
