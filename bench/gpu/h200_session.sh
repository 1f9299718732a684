#!/usr/bin/env bash
# bench/gpu/h200_session.sh
# Everything the H200 has to check and measure, from ONE build, in stages that each fit one
# device call (10 minutes), so a session spends its 30 minutes on tests and figures rather
# than on building each sub-session's own tree:
#
#   bash bench/gpu/h200_session.sh build    configure + build everything (tests, benchmarks,
#                                           cubie, the Python extension) in build-h200
#   bash bench/gpu/h200_session.sh test     ctest -L gpu, the bit-identity digests,
#                                           compute-sanitizer on small solves, the GPU
#                                           Python tests
#   bash bench/gpu/h200_session.sh bench    B1-B3 engine (pinned, pageable, no ring), `cubie run`
#                                           first solves and files, examples, Python overhead
#   bash bench/gpu/h200_session.sh features DRV/EVT, the summaries and stiff sessions' runs
#   bash bench/gpu/h200_session.sh nvrtc    cold NVRTC compile times of the standard models
#
# The machine keeps build-h200 between calls while it stays warm (start the next call
# within its idle release). Each stage appends to $OUT/<stage>.txt and ends within
# STAGE_SECONDS (default 570). Carry .deps (toml++ headers, and .deps/pywheels with nanobind
# and pytest wheels for the Python build: see bench/python/run_gpu_python.sh).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STAGE=${1:?usage: h200_session.sh build|test|bench|features|python|nvrtc}
OUT=${OUT:-$ROOT/out/h200}
BUILD=${BUILD:-$ROOT/build-h200}
LOG=$BUILD/logs-$STAGE
SCRATCH=${SCRATCH:-/tmp/cubie-h200}
START=$(date +%s)
DEADLINE=$((START + ${STAGE_SECONDS:-585}))
mkdir -p "$OUT" "$LOG" "$SCRATCH"
REPORT=$OUT/$STAGE.txt
for d in /usr/local/cuda/bin /usr/local/cuda/compute-sanitizer; do [[ -d $d ]] && PATH=$PATH:$d; done
export PATH CUBIE_CACHE_DIR=$SCRATCH/cache
JOBS=$(nproc)
cd "$ROOT"

note() { printf '%s\n' "$*" | tee -a "$REPORT"; }
left() { echo $((DEADLINE - $(date +%s))); }
# phase NAME LIMIT LOGFILE COMMAND...: run with a limit capped by the time left; the log's
# last lines go into the report when it fails.
phase() {
  local name=$1 limit=$2 logfile=$3
  shift 3
  local remaining
  remaining=$(left)
  ((limit > remaining)) && limit=$remaining
  if ((limit < 5)); then
    note "== $name: SKIPPED (no time left)"
    return 1
  fi
  local t0=$(date +%s)
  timeout --kill-after=5 "$limit" "$@" >"$LOG/$logfile" 2>&1
  local rc=$?
  local status=ok
  ((rc == 124 || rc == 137)) && status=TIMEOUT
  ((rc != 0 && rc != 124 && rc != 137)) && status="FAILED rc=$rc"
  note "== $name: $status in $(($(date +%s) - t0)) s (log $logfile)"
  [[ $status != ok ]] && tail -25 "$LOG/$logfile" | sed 's/^/   | /' | tee -a "$REPORT" >/dev/null
  return $rc
}

configure_build() {
  source "$ROOT/bench/gpu/toml_shim.sh"
  h200_cmake_args "$ROOT" "$BUILD" args -DCUBIE_BUILD_PYTHON=ON
  phase configure 90 configure.log cmake "${args[@]}"
}

note "==== h200_session $STAGE: $(date -u '+%Y-%m-%d %H:%M UTC'), $JOBS cores, $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)"
git -C "$ROOT" log -1 --format='commit %h %s' 2>/dev/null | cut -c1-120 | tee -a "$REPORT" >/dev/null

case $STAGE in
build)
  if ! python3 -c "import nanobind, pytest" 2>/dev/null && [[ -d $ROOT/.deps/pywheels ]]; then
    phase "pip install nanobind pytest (wheels)" 60 pip.log python3 -m pip install --no-index --find-links \
      "$ROOT/.deps/pywheels" --break-system-packages nanobind pytest
  fi
  configure_build || exit 1
  # The benchmark and the apps first: the bench stage can run even if a test target is slow.
  phase "build cubie, benchmarks" 300 build_first.log ninja -C "$BUILD" -j "$JOBS" cubie_cli cubie_gpu_bench
  # Then what `ctest -L gpu` and the GPU pytest run (the CPU-only tests are most of a full
  # build: krylov_solve_test alone took 221 s here), then the rest in the stage's time left.
  phase "build the GPU tests" 400 build_gpu_tests.log ninja -C "$BUILD" -j "$JOBS" gpu_tests
  phase "build everything" 560 build_all.log ninja -C "$BUILD" -j "$JOBS"
  awk -F'\t' 'NR > 1 { printf "%7.1f s  %s\n", ($2 - $1) / 1000, $4 }' "$BUILD/.ninja_log" 2>/dev/null | sort -rn |
    head -15 >"$LOG/slowest_units.txt"
  note "slowest translation units:"
  sed 's/^/   /' "$LOG/slowest_units.txt" | tee -a "$REPORT" >/dev/null
  ;;
test)
  phase "ctest -L gpu" 330 ctest_gpu.log ctest --test-dir "$BUILD" -L gpu -j 4 --output-on-failure --timeout 150
  grep -E "tests passed|tests failed|\((Failed|SEGFAULT|Timeout|Exception)\)" "$LOG/ctest_gpu.log" | tee -a "$REPORT" >/dev/null
  export PYTHONPATH=$BUILD/python
  # Where a crash of the extension comes from, before the suite: the module, its linked
  # libraries, one parse, and a native backtrace when gdb is there.
  cat >"$LOG/import_check.py" <<'PY'
import faulthandler, sys
faulthandler.enable()
import cubie, cubie._core as core
print("cubie", cubie.__file__, "python", sys.version.split()[0])
print(core.parse_model(open(sys.argv[1]).read(), "lorenz.toml"))
sys_ = cubie.create_ODE_system("dx = -k * x", states={"x": 1.0}, parameters={"k": 1.0}, name="decay", precision="float64")
print(sys_)
PY
  phase "python import check" 60 python_import.log python3 "$LOG/import_check.py" "$ROOT/examples/lorenz.toml"
  tail -8 "$LOG/python_import.log" | tee -a "$REPORT" >/dev/null
  ldd "$(ls "$BUILD"/python/cubie/_core*.so | head -1)" >"$LOG/ldd_core.txt" 2>&1
  if command -v gdb >/dev/null; then
    timeout 60 gdb -batch -ex run -ex bt --args python3 "$LOG/import_check.py" "$ROOT/examples/lorenz.toml" \
      >"$LOG/python_gdb.log" 2>&1
    grep -E "^#[0-9]+ " "$LOG/python_gdb.log" | head -25 | tee -a "$REPORT" >/dev/null
  fi
  phase "pytest (GPU and memory tests)" 200 pytest_gpu.log python3 -m pytest -q -rs -p no:cacheprovider python/tests
  tail -3 "$LOG/pytest_gpu.log" | tee -a "$REPORT" >/dev/null
  # Memcheck on the kernels added since the last clean run (after pytest, as time allows):
  # FIRK/DIRK, auto switching, the CUDA backend's first-solve paths (each binary's GPU cases only).
  if command -v compute-sanitizer >/dev/null; then
    for t in ${MEMCHECK_TESTS:-dirk_gpu_test auto_switch_gpu_test backends_cuda_test}; do
      exe=$(find "$BUILD/tests" -type f -name "$t" -perm -u+x | head -1)
      [[ -z $exe ]] && continue
      phase "memcheck $t" 90 "memcheck_$t.log" compute-sanitizer --tool memcheck --leak-check full --error-exitcode 9 \
        "$exe" --gtest_filter='*Gpu*:*gpu*:*Cuda*:*cuda*:-*exhaustion*:*sticky*:*1000_solves*:*does_not_fit*:*allocation_failure*:*launch_error*'
      grep -E "ERROR SUMMARY|LEAK SUMMARY|PASSED|FAILED" "$LOG/memcheck_$t.log" | tail -3 | sed 's/^/   /' | tee -a "$REPORT" >/dev/null
    done
  fi
  ;;
bench)
  B=$BUILD/bench/gpu/cubie_gpu_bench
  for mode in pinned pageable pageable-no-ring; do
    flag=()
    [[ $mode == pageable ]] && flag=(--pageable)
    [[ $mode == pageable-no-ring ]] && flag=(--pageable --no-ring)
    phase "engine B1-B3, $mode results" 120 "bench_$mode.log" "$B" --only B1,B2,B3 --reps 5 "${flag[@]}"
    sed -n '/^case /,$p' "$LOG/bench_$mode.log" | tee -a "$REPORT" >/dev/null
  done
  # `cubie run` as a user runs it: fresh processes, model compiled once first (cache).
  CUBIE=$BUILD/apps/cubie/cubie
  LZ=$ROOT/examples/bench_lorenz.toml
  rk4=(--set solver.algorithm=classical_rk4 --set solver.dt=0.0009765625)
  source "$ROOT/bench/gpu/cubie_run_case.sh"
  run_case() { cubie_run_case "$@"; }  # run_case NAME OUTFILE ARGS...
  note "---- cubie run, fresh process each (wall = whole process)"
  run_case compile-rk4 "" "$LZ" "${rk4[@]}" --set 'sweep.rho={linspace=[0,21,1024]}'
  run_case compile-dopri "" "$LZ" --set 'sweep.rho={linspace=[0,21,1024]}'
  B1=(--set 'sweep.rho={linspace=[0,21,4194304]}')
  B2=(--set 'sweep.rho={linspace=[0,21,16777216]}')
  B3=(--set 'sweep.rho={linspace=[0,21,4194304]}' --set solver.save_every=0.01)
  run_case B1 "" "$LZ" "${rk4[@]}" "${B1[@]}"
  run_case B1-pinned "" "$LZ" "${rk4[@]}" "${B1[@]}" --set memory.pinned_results=true
  run_case B2 "" "$LZ" "${B2[@]}"
  run_case B3 "" "$LZ" "${rk4[@]}" "${B3[@]}"
  run_case B3-pinned "" "$LZ" "${rk4[@]}" "${B3[@]}" --set memory.pinned_results=true
  run_case B3-no-ring "" "$LZ" "${rk4[@]}" "${B3[@]}" --set memory.staging_ring=false
  run_case B1-h5 "$SCRATCH/b1.h5" "$LZ" "${rk4[@]}" "${B1[@]}"
  run_case B3-h5 "$SCRATCH/b3.h5" "$LZ" "${rk4[@]}" "${B3[@]}"
  for ex in bouncing_ball driven_oscillator integrate_and_fire; do
    run_case "example-$ex" "" "$ROOT/examples/$ex.toml"
  done
  for ex in "$ROOT"/examples/stiff/*.toml; do
    run_case "stiff-$(basename "$ex" .toml)" "" "$ex"
  done
  export PYTHONPATH=$BUILD/python
  phase "Python overhead at B1 size" 150 python_overhead.log python3 bench/python/python_overhead.py --runs 4194304 \
    --backend cuda --repeats 11 --skip-scipy
  tail -15 "$LOG/python_overhead.log" | tee -a "$REPORT" >/dev/null
  ;;
features)
  # The features first run on a GPU in this session: drivers and events (DRV, EVT),
  # summaries (bench/gpu/summaries_session.sh run: GPU against CPU, SUM, NVRTC model, numpy
  # check), stiff sweeps (bench/gpu/stiff_session.sh run: POLLU 2^20, ring modulator).
  phase "drivers and events (DRV,EVT)" 60 bench_signals.log "$BUILD/bench/gpu/cubie_gpu_bench" --only DRV,EVT --reps 5
  sed -n '/^case /,$p' "$LOG/bench_signals.log" | tee -a "$REPORT" >/dev/null
  phase "summaries (summaries_session.sh run)" 220 summaries.log env BUILD="$BUILD" OUT="$LOG/summaries" \
    SCRATCH="$SCRATCH/summaries" bash "$ROOT/bench/gpu/summaries_session.sh" run
  cat "$LOG/summaries/summary.txt" 2>/dev/null | tee -a "$REPORT" >/dev/null
  phase "stiff sweeps (stiff_session.sh run)" 290 stiff.log env BUILD="$BUILD" OUT="$LOG/stiff" \
    SCRATCH="$SCRATCH/stiff" bash "$ROOT/bench/gpu/stiff_session.sh" run
  cat "$LOG/stiff/summary.txt" 2>/dev/null | tee -a "$REPORT" >/dev/null
  ;;
python)
  # The Python package and the summaries' GPU test only: a short call after a fix.
  configure_build || exit 1
  phase "build _core, summary_gpu_test, dirk_gpu_test" 240 build_python.log ninja -C "$BUILD" -j "$JOBS" _core summary_gpu_test dirk_gpu_test
  phase "summary_gpu_test" 60 summary_gpu_test.log "$BUILD/tests/batch/summary_gpu_test"
  grep -E "^\[  (PASSED|FAILED)|Failure" "$LOG/summary_gpu_test.log" | head -8 | tee -a "$REPORT" >/dev/null
  phase "dirk_gpu_test" 90 dirk_gpu_test.log "$(find "$BUILD/tests" -name dirk_gpu_test -type f | head -1)"
  grep -E "^\[  (PASSED|FAILED)|Failure|info" "$LOG/dirk_gpu_test.log" | head -12 | tee -a "$REPORT" >/dev/null
  export PYTHONPATH=$BUILD/python
  if [[ -f $ROOT/bench/python/crash_probe.py ]]; then
    phase "python crash probe" 60 crash_probe.log python3 "$ROOT/bench/python/crash_probe.py" "$ROOT/examples/lorenz.toml"
    head -20 "$LOG/crash_probe.log" | tee -a "$REPORT" >/dev/null
  fi
  phase "pytest (all Python tests, GPU present)" 200 pytest_gpu.log python3 -m pytest -q -rs -p no:cacheprovider python/tests
  tail -12 "$LOG/pytest_gpu.log" | tee -a "$REPORT" >/dev/null
  phase "Python overhead at B1 size" 120 python_overhead.log python3 bench/python/python_overhead.py --runs 4194304 \
    --backend cuda --repeats 11 --skip-scipy
  tail -15 "$LOG/python_overhead.log" | tee -a "$REPORT" >/dev/null
  ;;
nvrtc)
  export SWEEP_L96="sweep.F={linspace=[0,16,65536]}" SWEEP_PLEIADES="sweep.m1={linspace=[0.5,2,65536]}"
  phase "NVRTC cold compile, standard models" 400 nvrtc.log env BACKEND=cuda \
    CASES="lorenz lorenz96_rk4 lorenz96_dopri54 pleiades_dopri54 pleiades_dop853" \
    bash "$ROOT/bench/models/model_compile_times.sh" "$BUILD/apps/cubie/cubie" 3
  cat "$LOG/nvrtc.log" | tee -a "$REPORT" >/dev/null
  phase "host compiler cold compile (16 cores)" 150 host.log env BACKEND=cpu \
    CASES="lorenz lorenz96_rk4 pleiades_dopri54" bash "$ROOT/bench/models/model_compile_times.sh" "$BUILD/apps/cubie/cubie" 2
  cat "$LOG/host.log" | tee -a "$REPORT" >/dev/null
  ;;
*)
  echo "unknown stage $STAGE" >&2
  exit 2
  ;;
esac
note "==== $STAGE done in $(($(date +%s) - START)) s"
tar -czf "$OUT/logs-$STAGE.tar.gz" -C "$BUILD" "logs-$STAGE" 2>/dev/null || true
