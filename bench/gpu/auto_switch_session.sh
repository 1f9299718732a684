#!/usr/bin/env bash
# bench/gpu/auto_switch_session.sh
# Issue 9 item 6 on an H200: algorithm = "auto" against dormand_prince_54 and rodas5p on the
# Van der Pol sweep mu = logspace(-1, 3) (examples/van_der_pol.toml compiled by NVRTC, final
# state only), whole sweep, its non-stiff and stiff ends, and the whole sweep shuffled (every
# warp mixes explicit and stiff threads: the divergence cost), float64 and float32; before
# them the GPU test (auto on the GPU against the CPU, iteration_counters there) and the CPU tests.
# Logs under $OUT (default out/auto_switch); carry .deps (toml++) as the other sessions do.
#   bash bench/gpu/auto_switch_session.sh build   # configure and build the bench and tests (~4 min on 16 cores)
#   bash bench/gpu/auto_switch_session.sh run     # the sweeps (2-5 minutes)
#   bash bench/gpu/auto_switch_session.sh         # both (two calls are safer)
# RUNS (default 2^20) and DURATION (100) set the sweep; each precision is cut at 280 s (rows
# print as they finish): dormand_prince_54 alone on the shuffled sweep is the slowest case.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/auto_switch}
BUILD=${BUILD:-$ROOT/build-auto}
SCRATCH=${SCRATCH:-/tmp/cubie-auto}
STAGE=${1:-all}
RUNS=${RUNS:-1048576}
DURATION=${DURATION:-100}
mkdir -p "$OUT" "$SCRATCH"
note() { printf '%s\n' "$*" | tee -a "$OUT/summary.txt"; }
for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done
export CUBIE_CACHE_DIR=$SCRATCH/cache

if [[ $STAGE == build || $STAGE == all ]]; then
  note "auto_switch session build: $(date -u '+%Y-%m-%d %H:%M UTC')"
  source "$ROOT/bench/gpu/toml_shim.sh"
  h200_cmake_args "$ROOT" "$BUILD" args -DCUBIE_BUILD_PYTHON=OFF
  cmake "${args[@]}" >"$OUT/configure.log" 2>&1 || { note "configure failed (configure.log)"; exit 1; }
  cmake --build "$BUILD" --target auto_switch_bench auto_switch_test iteration_counters_test auto_switch_gpu_test -j "$(nproc)" \
    >"$OUT/build.log" 2>&1 || { note "build failed (build.log)"; exit 1; }
  note "built: $(date -u '+%H:%M UTC')"
fi

if [[ $STAGE == run || $STAGE == all ]]; then
  nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader | tee -a "$OUT/summary.txt"
  note "auto_switch session run: $(date -u '+%Y-%m-%d %H:%M UTC'), $RUNS runs, duration $DURATION"
  "$BUILD/tests/batch/auto_switch_gpu_test" >"$OUT/auto_switch_gpu_test.log" 2>&1 && note "auto_switch_gpu_test: passed" ||
    note "auto_switch_gpu_test: FAILED (auto_switch_gpu_test.log)"
  grep -E "tolerance scales|SKIP" "$OUT/auto_switch_gpu_test.log" | tee -a "$OUT/summary.txt"
  "$BUILD/tests/batch/auto_switch_test" >"$OUT/auto_switch_test.log" 2>&1 && note "auto_switch_test: passed" ||
    note "auto_switch_test: FAILED (auto_switch_test.log)"
  "$BUILD/tests/batch/iteration_counters_test" >"$OUT/iteration_counters_test.log" 2>&1 &&
    note "iteration_counters_test: passed" || note "iteration_counters_test: FAILED (iteration_counters_test.log)"
  for prec in "" --float; do
    label=float64
    [[ -n $prec ]] && label=float32
    timeout 280 "$BUILD/bench/auto_switch_bench" --backend cuda --runs "$RUNS" --duration "$DURATION" --repeat 3 \
      --cache "$SCRATCH/cache" $prec >"$OUT/bench_$label.log" 2>&1
    note "bench $label (exit $?):"
    tee -a "$OUT/summary.txt" <"$OUT/bench_$label.log" >/dev/null
  done
  cat "$OUT/summary.txt"
fi
