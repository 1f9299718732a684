#!/usr/bin/env bash
# bench/gpu/run_gpu_session.sh
# One GPU session on the H200, run from the repository root by the device tool: configure a
# Release build with CUDA (sm_90), build, run the gpu-labelled tests, compute-sanitizer
# (memcheck with --leak-check full) on a small solve, the GPU benchmarks with their floors,
# then the CPU tests with the time left. Every log goes under $OUT; a summary table ends it.
#
#   bash bench/gpu/run_gpu_session.sh            (the device tool sets OUT; default ./out/gpu-session)
#
# Phases have time limits so that the whole session ends within about 9 minutes; a phase that
# runs out of time is reported as TIMEOUT and the next one starts. toml++ (models layer) is
# taken from the system, or from .deps/include/toml++ when the session carries it there.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/gpu-session}
BUILD=$ROOT/build-gpu
JOBS=$(nproc)
START=$(date +%s)
DEADLINE=$((START + ${SESSION_SECONDS:-540}))
mkdir -p "$OUT"
cd "$ROOT"

declare -a SUMMARY=()
note() { printf '%s\n' "$*" | tee -a "$OUT/session.log"; }
left() { echo $((DEADLINE - $(date +%s))); }
# phase NAME LIMIT_SECONDS LOGFILE COMMAND...: runs COMMAND with a time limit (capped by the
# session's remaining time), output teed to $OUT/LOGFILE; records status and duration.
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
  note "== $name (limit ${limit}s) -> $OUT/$logfile"
  local t0 rc status
  t0=$(date +%s)
  timeout --kill-after=10 "$limit" "$@" 2>&1 | tee "$OUT/$logfile" >/dev/null
  rc=${PIPESTATUS[0]}
  case $rc in
    0) status=OK ;;
    124 | 137) status=TIMEOUT ;;
    *) status="FAIL($rc)" ;;
  esac
  local detail
  detail=$(grep -E "tests passed|tests failed|ERROR SUMMARY|LEAK SUMMARY|^OK:|^FAILED|Total Test time" "$OUT/$logfile" | tail -2 | tr '\n' ' ')
  SUMMARY+=("$(printf '%-34s %-8s %5ss  %s' "$name" "$status" "$(($(date +%s) - t0))" "$detail")")
  note "   $status in $(($(date +%s) - t0)) s"
  return 0
}

note "cubie GPU session: $(date -u '+%Y-%m-%d %H:%M UTC') on $(hostname), $JOBS cores"
nvidia-smi >"$OUT/nvidia-smi.txt" 2>&1 || true
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv >>"$OUT/session.log" 2>&1 || true
nvcc --version >>"$OUT/session.log" 2>&1 || true
cmake --version | head -1 >>"$OUT/session.log"

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

# ---- build: the GPU targets first, so tests and benchmarks run even if the rest is slow --------
GPU_TARGETS=(cubie backends_cuda_test backends_cuda_registry_test backends_chunk_pipeline_test cubie_gpu_bench)
ninja -C "$BUILD" -t targets all 2>/dev/null | grep -q '^memory_gpu_resources_test:' && GPU_TARGETS+=(memory_gpu_resources_test)
# The nvcc time of each CUDA translation unit, from ninja's log.
phase "build GPU targets" 240 build_gpu.log ninja -C "$BUILD" -j "$JOBS" "${GPU_TARGETS[@]}"
awk -F'\t' 'NR > 1 && $4 ~ /\.cu\.o$/ { printf "%-80s %6.1f s\n", $4, ($2 - $1) / 1000 }' "$BUILD/.ninja_log" >"$OUT/cuda_compile_times.txt" 2>/dev/null || true

# ---- SASS: fp64 check (the ctest does it too) and instructions per step for the floors --------
phase "SASS fp64 check" 60 sass_check.log python3 "$ROOT/tests/backends/sass_check.py" check \
  --nvcc "$(command -v nvcc)" --source "$ROOT/tests/backends/sass_kernels.cu" --include "$ROOT/include" \
  --workdir "$BUILD/sass_check"
phase "SASS instructions per step" 60 sass_counts.log python3 "$ROOT/tests/backends/sass_check.py" count --kv \
  --output "$OUT/sass_counts.txt" "$BUILD/bench/gpu/cubie_gpu_bench"

# ---- GPU tests -----------------------------------------------------------------------------
phase "ctest -L gpu" 200 ctest_gpu.log ctest --test-dir "$BUILD" -L gpu --output-on-failure --timeout 180

# ---- compute-sanitizer on small solves -----------------------------------------------------
if [[ -n $SANITIZER ]]; then
  SMALL='backends_cuda.statistics_are_populated:backends_cuda.staged_downloads_equal_direct_ones:backends_cuda.fixed_count_path_matches_the_cpu_backend'
  phase "compute-sanitizer memcheck+leaks" 150 sanitizer_memcheck.log "$SANITIZER" --tool memcheck --leak-check full \
    --error-exitcode 3 "$BUILD/tests/backends/backends_cuda_test" --gtest_filter="$SMALL"
else
  SUMMARY+=("$(printf '%-34s %-8s %6s  %s' "compute-sanitizer" "SKIPPED" "-" "compute-sanitizer not found")")
fi

# ---- benchmarks ----------------------------------------------------------------------------
SASS_ARG=()
[[ -s $OUT/sass_counts.txt ]] && SASS_ARG=(--sass "$OUT/sass_counts.txt")
phase "GPU benchmarks" 170 bench_gpu.log "$BUILD/bench/gpu/cubie_gpu_bench" "${SASS_ARG[@]}" --reps 5

# ---- everything else and the CPU tests, with the time left ---------------------------------
phase "build all" 150 build_all.log ninja -C "$BUILD" -j "$JOBS"
phase "ctest -L cpu" 120 ctest_cpu.log ctest --test-dir "$BUILD" -L cpu -j "$JOBS" --output-on-failure --timeout 100

# ---- summary -------------------------------------------------------------------------------
{
  echo
  echo "==== summary ($(($(date +%s) - START)) s) ===="
  printf '%-34s %-8s %6s  %s\n' "phase" "status" "time" "detail"
  for line in "${SUMMARY[@]}"; do echo "$line"; done
  echo
  echo "CUDA translation units (nvcc wall time):"
  cat "$OUT/cuda_compile_times.txt" 2>/dev/null
  echo
  echo "registers / stack (ptxas, float32 Lorenz kernels):"
  grep -E "instructions, .* registers" "$OUT/sass_check.log" 2>/dev/null
  echo
  echo "benchmark table:"
  sed -n '/^case /,$p' "$OUT/bench_gpu.log" 2>/dev/null
} | tee "$OUT/summary.txt"
