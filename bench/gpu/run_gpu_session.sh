#!/usr/bin/env bash
# bench/gpu/run_gpu_session.sh
# One GPU session on the H200, run from the repository root by the device tool: configure a
# Release build with CUDA (sm_90), build, the GPU benchmarks with their floors, the
# gpu-labelled tests, compute-sanitizer (memcheck, --leak-check full) on small solves, the
# model-file benchmark when it exists, then the CPU tests with the time left.
#
#   bash bench/gpu/run_gpu_session.sh            (the device tool sets OUT; default ./out/gpu-session)
#
# What comes back: the device tool returns at most 8 files, two folder levels deep, so $OUT
# holds exactly three: summary.txt (phases, registers, the benchmark tables, the model
# benchmark's output), bench_gpu.log (the GPU benchmarks in full) and logs.tar.gz (every log
# of the session, summary and benchmark included).
#
# Phases have time limits so that the whole session ends within about 8 minutes
# (SESSION_SECONDS, default 480); a phase that runs out of time is reported as TIMEOUT and
# the next one starts; one with no time left is SKIPPED. toml++ (models layer) is taken from
# the system, or from .deps/include/toml++ when the session carries it there.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/gpu-session}
BUILD=$ROOT/build-gpu
LOG=$BUILD/session-logs  # everything goes here first, then into $OUT/logs.tar.gz
JOBS=$(nproc)
START=$(date +%s)
DEADLINE=$((START + ${SESSION_SECONDS:-480}))
mkdir -p "$OUT" "$BUILD"
rm -rf "$LOG"
mkdir -p "$LOG"
cd "$ROOT"

declare -a SUMMARY=()
note() { printf '%s\n' "$*" | tee -a "$LOG/session.log"; }
left() { echo $((DEADLINE - $(date +%s))); }
# phase NAME LIMIT_SECONDS LOGFILE COMMAND...: runs COMMAND with a time limit (capped by the
# session's remaining time), output to $LOG/LOGFILE; records status and duration.
phase() {
  local name=$1 limit=$2 logfile=$3
  shift 3
  local remaining
  remaining=$(left)
  if ((remaining < 15)); then
    SUMMARY+=("$(printf '%-34s %-8s %6s  %s' "$name" "SKIPPED" "-" "no time left")")
    note "== $name: skipped, no time left"
    return 0
  fi
  ((limit > remaining)) && limit=$remaining
  note "== $name (limit ${limit}s) -> $logfile"
  local t0 rc status
  t0=$(date +%s)
  timeout --kill-after=10 "$limit" "$@" >"$LOG/$logfile" 2>&1
  rc=$?
  case $rc in
    0) status=OK ;;
    124 | 137) status=TIMEOUT ;;
    *) status="FAIL($rc)" ;;
  esac
  local detail
  detail=$(grep -E "tests passed|tests failed|ERROR SUMMARY|LEAK SUMMARY|^OK:|^FAILED|Total Test time" "$LOG/$logfile" |
    tail -3 | tr '\n' ' ')
  SUMMARY+=("$(printf '%-34s %-8s %5ss  %s' "$name" "$status" "$(($(date +%s) - t0))" "$detail")")
  note "   $status in $(($(date +%s) - t0)) s"
  return 0
}
has_target() { ninja -C "$BUILD" -t targets all 2>/dev/null | grep -q "^$1:"; }

note "cubie GPU session: $(date -u '+%Y-%m-%d %H:%M UTC') on $(hostname), $JOBS cores"
nvidia-smi >"$LOG/nvidia-smi.txt" 2>&1 || true
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv >>"$LOG/session.log" 2>&1 || true
nvcc --version >>"$LOG/session.log" 2>&1 || true
cmake --version | head -1 >>"$LOG/session.log"
git -C "$ROOT" log -1 --format='commit %H %s' >>"$LOG/session.log" 2>/dev/null || true

# ---- tools: cuobjdump/nvdisasm (SASS counts) and compute-sanitizer ---------------------------
for d in /usr/local/cuda/bin /usr/local/cuda/compute-sanitizer; do
  [[ -d $d ]] && PATH=$PATH:$d
done
export PATH
SANITIZER=$(command -v compute-sanitizer || true)

# ---- configure -----------------------------------------------------------------------------
CMAKE_ARGS=(-S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCUBIE_ENABLE_CUDA=ON
  -DCMAKE_CUDA_ARCHITECTURES=90 -DCUBIE_CPU_ARCH=native)
if [[ -d $ROOT/.deps/include/toml++ ]]; then
  # toml++ is header-only; where only its headers were carried, a minimal package config
  # stands in for the one a system install provides.
  TOML_DIR=$BUILD/.deps-cmake/tomlplusplus
  mkdir -p "$TOML_DIR"
  cat >"$TOML_DIR/tomlplusplusConfig.cmake" <<EOF
if(NOT TARGET tomlplusplus::tomlplusplus)
  add_library(tomlplusplus::tomlplusplus INTERFACE IMPORTED)
  set_target_properties(tomlplusplus::tomlplusplus PROPERTIES INTERFACE_INCLUDE_DIRECTORIES "$ROOT/.deps/include")
endif()
EOF
  CMAKE_ARGS+=(-Dtomlplusplus_DIR="$TOML_DIR")
fi
phase "configure" 90 configure.log cmake "${CMAKE_ARGS[@]}"

# ---- build: the GPU targets first, so benchmarks and tests run even if the rest is slow ------
GPU_TARGETS=(cubie backends_cuda_test backends_cuda_registry_test backends_chunk_pipeline_test cubie_gpu_bench)
has_target memory_gpu_resources_test && GPU_TARGETS+=(memory_gpu_resources_test)
phase "build GPU targets" 220 build_gpu.log ninja -C "$BUILD" -j "$JOBS" "${GPU_TARGETS[@]}"
# The nvcc time of each CUDA translation unit, from ninja's log.
awk -F'\t' 'NR > 1 && $4 ~ /\.cu\.o$/ { printf "%-80s %6.1f s\n", $4, ($2 - $1) / 1000 }' "$BUILD/.ninja_log" \
  >"$LOG/cuda_compile_times.txt" 2>/dev/null || true

# ---- SASS: instructions per step for the floors --------------------------------------------
phase "SASS instructions per step" 60 sass_counts.log python3 "$ROOT/tests/backends/sass_check.py" count --kv \
  --output "$LOG/sass_counts.txt" "$BUILD/bench/gpu/cubie_gpu_bench"

# ---- benchmarks ----------------------------------------------------------------------------
SASS_ARG=()
[[ -s $LOG/sass_counts.txt ]] && SASS_ARG=(--sass "$LOG/sass_counts.txt")
phase "GPU benchmarks" 150 bench_gpu.log "$BUILD/bench/gpu/cubie_gpu_bench" "${SASS_ARG[@]}" --reps 5
cp "$LOG/bench_gpu.log" "$OUT/bench_gpu.log" 2>/dev/null || true

# ---- GPU tests -----------------------------------------------------------------------------
phase "ctest -L gpu" 150 ctest_gpu.log ctest --test-dir "$BUILD" -L gpu --output-on-failure --timeout 120

# ---- compute-sanitizer: memcheck with leak check on small solves ----------------------------
# The last test releases every cache explicitly; at exit cubie's handler releases the rest
# before the CUDA runtime goes, so the leak summary must be empty (exit status 3 otherwise).
if [[ -n $SANITIZER ]]; then
  SMALL='backends_cuda.statistics_are_populated:backends_cuda.staged_downloads_equal_direct_ones'
  SMALL+=':backends_cuda.fixed_count_path_matches_the_cpu_backend'
  SMALL+=':backends_cuda.release_cached_memory_gives_back_pinned_and_device_memory'
  phase "compute-sanitizer memcheck+leaks" 120 sanitizer_memcheck.log "$SANITIZER" --tool memcheck --leak-check full \
    --error-exitcode 3 "$BUILD/tests/backends/backends_cuda_test" --gtest_filter="$SMALL"
else
  SUMMARY+=("$(printf '%-34s %-8s %6s  %s' "compute-sanitizer" "SKIPPED" "-" "compute-sanitizer not found")")
fi

# ---- SASS: the fp64 check of the float32 Lorenz kernels, with ptxas's registers and stack ----
phase "SASS fp64 check" 60 sass_check.log python3 "$ROOT/tests/backends/sass_check.py" check \
  --nvcc "$(command -v nvcc)" --source "$ROOT/tests/backends/sass_kernels.cu" --include "$ROOT/include" \
  --workdir "$BUILD/sass_check"

# ---- the model-file benchmark (bench/models), when it is part of the tree --------------------
if has_target cubie_model_bench; then
  phase "build cubie_model_bench" 120 build_model_bench.log ninja -C "$BUILD" -j "$JOBS" cubie_model_bench
  MODEL_BENCH=$(find "$BUILD/bench" -name cubie_model_bench -type f -perm -u+x 2>/dev/null | head -1)
  if [[ -n $MODEL_BENCH ]]; then
    phase "model benchmark" 90 bench_models.log "$MODEL_BENCH"
  else
    SUMMARY+=("$(printf '%-34s %-8s %6s  %s' "model benchmark" "SKIPPED" "-" "not built: see build_model_bench.log")")
  fi
else
  SUMMARY+=("$(printf '%-34s %-8s %6s  %s' "model benchmark" "SKIPPED" "-" "no cubie_model_bench target")")
fi

# ---- everything else and the CPU tests, with the time left ---------------------------------
phase "build all" 120 build_all.log ninja -C "$BUILD" -j "$JOBS"
phase "ctest -L cpu" 90 ctest_cpu.log ctest --test-dir "$BUILD" -L cpu -j "$JOBS" --output-on-failure --timeout 80

# ---- summary and the archive ---------------------------------------------------------------
{
  echo "==== cubie GPU session summary ($(($(date +%s) - START)) s), $(date -u '+%Y-%m-%d %H:%M UTC') ===="
  grep -E "^commit |, [0-9]+ MiB" "$LOG/session.log" 2>/dev/null
  printf '%-34s %-8s %6s  %s\n' "phase" "status" "time" "detail"
  for line in "${SUMMARY[@]}"; do echo "$line"; done
  echo
  echo "CUDA translation units (nvcc wall time):"
  cat "$LOG/cuda_compile_times.txt" 2>/dev/null
  echo
  echo "registers / stack (ptxas, float32 Lorenz kernels):"
  grep -E "instructions, .* registers" "$LOG/sass_check.log" 2>/dev/null
  echo
  echo "benchmark table (bench_gpu.log):"
  sed -n '/^case /,$p' "$LOG/bench_gpu.log" 2>/dev/null
  echo
  echo "failed GPU tests:"
  grep -E "^\s+[0-9]+ - .*\((Failed|SEGFAULT|Timeout|Exception|Subprocess aborted)\)" "$LOG/ctest_gpu.log" 2>/dev/null ||
    echo "  (none listed)"
  echo
  echo "compute-sanitizer:"
  grep -E "LEAK SUMMARY|ERROR SUMMARY|Leaked [0-9]+ bytes" "$LOG/sanitizer_memcheck.log" 2>/dev/null | head -20
  if [[ -s $LOG/bench_models.log ]]; then
    echo
    echo "model benchmark (cubie_model_bench, last 60 lines):"
    tail -60 "$LOG/bench_models.log"
  fi
} >"$LOG/summary.txt"
cp "$LOG/summary.txt" "$OUT/summary.txt"
tar -czf "$OUT/logs.tar.gz" -C "$BUILD" session-logs 2>/dev/null || tar -czf "$OUT/logs.tar.gz" -C "$LOG" .
cat "$OUT/summary.txt"
