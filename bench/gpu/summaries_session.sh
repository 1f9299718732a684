#!/usr/bin/env bash
# bench/gpu/summaries_session.sh
# One H200 session for issue 10 (summary metrics, listed save times): the GPU tests of
# summaries against the CPU backend; `cubie_gpu_bench --only SUM` (B1 with [max, mean,
# peaks[4]] of x, no trajectory, a sample every step, N = 2^24 and 2^27, beside B1 with
# final-state output; fitted and every-group kernels); the same through a model file
# (NVRTC, the groups the file asks for) against its final-state run; the numpy check of
# every metric on the CUDA backend; and the SASS instruction counts of the summary kernels.
# Carry .deps (toml++) when the machine lacks it. Logs under $OUT (default out/summaries).
#   bash bench/gpu/summaries_session.sh         # build, then run (one call when the build is quick)
#   bash bench/gpu/summaries_session.sh build   # configure and build only
#   bash bench/gpu/summaries_session.sh run     # tests, benchmarks, model runs (the build kept)
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/summaries}
BUILD=${BUILD:-$ROOT/build-summaries}
SCRATCH=${SCRATCH:-/tmp/cubie-summaries}
STAGE=${1:-all}
mkdir -p "$OUT" "$SCRATCH"
note() { printf '%s\n' "$*" | tee -a "$OUT/summary.txt"; }
for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done
START=$(date +%s)
if [[ $STAGE == build || $STAGE == all ]]; then
  note "summaries session build: $(date -u '+%Y-%m-%d %H:%M UTC')"
  source "$ROOT/bench/gpu/toml_shim.sh"
  h200_cmake_args "$ROOT" "$BUILD" args -DCUBIE_BUILD_PYTHON=OFF
  cmake "${args[@]}" >"$OUT/configure.log" 2>&1 &&
    ninja -C "$BUILD" cubie_cli cubie_gpu_bench summary_gpu_test summary_metrics_test summary_signals_test \
      >"$OUT/build.log" 2>&1
  note "build: rc=$? ($(($(date +%s) - START)) s)"
fi
[[ $STAGE == build ]] && exit 0
note "summaries session run: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null)"
CUBIE=$BUILD/apps/cubie/cubie
export CUBIE_CACHE_DIR=$SCRATCH/cache

note "---- GPU against CPU (tests/batch/summary_gpu_test.cpp)"
timeout 300 "$BUILD/tests/batch/summary_gpu_test" >"$OUT/summary_gpu_test.log" 2>&1
note "summary_gpu_test rc=$? $(grep -E '^\[  (PASSED|FAILED)' "$OUT/summary_gpu_test.log" | tr '\n' ' ')"
timeout 120 "$BUILD/tests/batch/summary_metrics_test" >"$OUT/summary_metrics_test.log" 2>&1
note "summary_metrics_test (CPU, this host) rc=$?"
timeout 120 "$BUILD/tests/batch/summary_signals_test" >"$OUT/summary_signals_test.log" 2>&1
note "summary_signals_test (CPU: summaries with drivers, resets, terminations) rc=$?"

note "---- cubie_gpu_bench --only SUM --reps 5"
timeout 420 "$BUILD/bench/gpu/cubie_gpu_bench" --only SUM --reps 5 >"$OUT/bench_sum.log" 2>&1
note "rc=$?"
cat "$OUT/bench_sum.log" | tee -a "$OUT/summary.txt" >/dev/null

note "---- model file through NVRTC: B1 and B1 with summaries, N = 2^24"
LZ=$ROOT/examples/bench_lorenz.toml
common=(--set solver.algorithm=classical_rk4 --set solver.dt=0.0009765625 --set solver.save_counters=false
  --set solver.save_t_reached=false --set 'sweep.rho={linspace=[0,21,16777216]}' --backend cuda --json)
sum=(--set 'solver.output_types=["max","mean","peaks[4]"]' --set 'solver.summarise_variables=["x"]'
  --set solver.sample_summaries_every=0.0009765625)
for name in final summaries final summaries; do  # twice: the second of each is warm (cache, module)
  extra=(); [[ $name == summaries ]] && extra=("${sum[@]}")
  timeout 150 "$CUBIE" run "$LZ" "${common[@]}" "${extra[@]}" >"$OUT/model_$name.json" 2>"$OUT/model_$name.err"
  note "$(printf '%-10s rc=%d ' "$name" $?)$(python3 -c "
import json
try:
    d=json.load(open('$OUT/model_$name.json')); t=d['timings_ms']
    print('solve %.1f kernel %.1f d2h %.1f compile %.0f bytes/run %d registers %s failed %d' % (t['solve'], t['kernel'], t['d2h'], t['compile'], d['bytes_per_run'], d.get('kernel',{}).get('registers'), d['failed']['count']))
except Exception as e: print('no JSON', open('$OUT/model_$name.err').read()[-300:])
")"
done

note "---- every metric against numpy on the CUDA backend (tests/apps/summaries_numpy_check.py)"
CUBIE_TEST_BACKEND=cuda timeout 300 python3 "$ROOT/tests/apps/summaries_numpy_check.py" "$CUBIE" "$ROOT/examples" \
  "$SCRATCH/numpy" >"$OUT/numpy_check.log" 2>&1
note "rc=$? $(tail -3 "$OUT/numpy_check.log" | tr '\n' ' ')"

note "---- SASS per step of the Lorenz kernels (the summary kernels' loops)"
python3 "$ROOT/tests/backends/sass_check.py" count "$BUILD/bench/gpu/cubie_gpu_bench" >"$OUT/sass_counts.json" 2>&1
note "sass count rc=$? (see sass_counts.json)"
note "total $(($(date +%s) - START)) s"
