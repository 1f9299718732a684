#!/usr/bin/env bash
# bench/models/nvrtc_compile_times.sh
# Cold NVRTC compile time of the standard model files (issue 14) on a GPU machine, in one
# device call: configure a Release build with CUDA, build `cubie`, then for each model a
# `cubie run --backend cuda` into a fresh compile cache (NVRTC only: a cuda run builds no
# CPU code) followed by warm solves; the same with integrate_run reduced to the one loop
# each case uses (patched copy of the headers: the measured effect of that proposal);
# then the cases on the host compiler of this machine, while time is left.
#
#   bash bench/models/nvrtc_compile_times.sh        (the device tool sets OUT; default ./out/nvrtc-times)
#
# $OUT gets summary.txt (both tables and the environment) and logs.tar.gz (configure,
# build and benchmark logs). The whole script keeps within SESSION_SECONDS (default 540).
# toml++ is taken from the system, or from .deps/include/toml++ when carried there.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/nvrtc-times}
BUILD=$ROOT/build-nvrtc
LOG=$BUILD/nvrtc-logs
JOBS=$(nproc)
START=$(date +%s)
DEADLINE=$((START + ${SESSION_SECONDS:-540}))
mkdir -p "$OUT" "$BUILD"
rm -rf "$LOG"
mkdir -p "$LOG"
cd "$ROOT"
left() { echo $((DEADLINE - $(date +%s))); }
note() { printf '%s\n' "$*" | tee -a "$LOG/session.log"; }
# step LIMIT LOGFILE COMMAND...: COMMAND with a time limit capped by the time left.
step() {
  local limit=$1 logfile=$2
  shift 2
  local remaining
  remaining=$(left)
  ((limit > remaining)) && limit=$remaining
  if ((limit < 10)); then
    note "== skipped (no time left): $*"
    return 1
  fi
  note "== $* (limit ${limit}s) -> $logfile"
  local t0=$(date +%s)
  timeout --kill-after=10 "$limit" "$@" >"$LOG/$logfile" 2>&1
  local rc=$?
  note "   exit $rc after $(($(date +%s) - t0)) s"
  return $rc
}

note "nvrtc compile times: $(date -u '+%Y-%m-%d %H:%M UTC') on $(hostname), $JOBS cores"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv >>"$LOG/session.log" 2>&1 || true
nvcc --version 2>/dev/null | tail -2 >>"$LOG/session.log" || true
git -C "$ROOT" log -1 --format='commit %H %s' >>"$LOG/session.log" 2>/dev/null || true

CMAKE_ARGS=(-S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCUBIE_ENABLE_CUDA=ON
  -DCMAKE_CUDA_ARCHITECTURES=90 -DCUBIE_CPU_ARCH=native -DCUBIE_BUILD_TESTS=OFF -DCUBIE_BUILD_BENCH=OFF)
if [[ -d $ROOT/.deps/include/toml++ ]]; then
  # Only the toml++ headers were carried: a minimal package config stands in for the
  # one a system install provides (as bench/gpu/run_gpu_session.sh does).
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

status=ok
step 90 configure.log cmake "${CMAKE_ARGS[@]}" || status="configure failed"
[[ $status == ok ]] && { step 300 build.log ninja -C "$BUILD" -j "$JOBS" cubie_cli || status="build failed"; }
CUBIE=$BUILD/apps/cubie/cubie

# The GPU benchmark's sizes are 1,048,576 runs; compile time does not depend on them and
# 65,536 keep the warm solves short.
export SWEEP_L96="sweep.F={linspace=[0,16,65536]}"
export SWEEP_PLEIADES="sweep.m1={linspace=[0.5,2,65536]}"
CASES_ALL="lorenz lorenz96_rk4 lorenz96_dopri54 pleiades_dopri54 pleiades_dop853 pleiades_vern7"
# The proposal of issue 14 measured before it is made: integrate_run with one of its two
# loops (the fixed-count loop for classical_rk4 without saves, the general loop for the
# adaptive cases), from a patched copy of the headers; a run uses only that loop here, so
# its results are the same. Skipped when integrate_run.hpp no longer has the branch.
PATCHED=$BUILD/patched-headers
make_patched() {  # make_patched general|fixed
  rm -rf "$PATCHED/$1" && mkdir -p "$PATCHED/$1" && cp -r "$ROOT/include/cubie" "$PATCHED/$1/" &&
    python3 - "$PATCHED/$1/cubie/integrate/integrate_run.hpp" "$1" <<'PY'
import sys
path, which = sys.argv[1], sys.argv[2]
text = open(path).read()
branch = """  if (ls.fixed_count_path) {
    integrate_fixed_count<Method>(sys, a, r, valid, y, p);
    return;
  }
"""
if branch not in text:
    sys.exit("integrate_run.hpp has no fixed_count_path branch to patch")
only = "" if which == "general" else "  integrate_fixed_count<Method>(sys, a, r, valid, y, p);\n  return;\n"
open(path, "w").write(text.replace(branch, only))
PY
}
if [[ $status == ok ]]; then
  step 200 nvrtc.log env BACKEND=cuda CASES="$CASES_ALL" bash "$ROOT/bench/models/model_compile_times.sh" "$CUBIE" 3 ||
    status="NVRTC table incomplete"
  if make_patched general >"$LOG/patch.log" 2>&1 && make_patched fixed >>"$LOG/patch.log" 2>&1; then
    step 120 nvrtc_one_loop_general.log env BACKEND=cuda CUBIE_INCLUDE_DIR="$PATCHED/general" \
      CASES="lorenz lorenz96_dopri54 pleiades_dopri54 pleiades_dop853 pleiades_vern7" \
      bash "$ROOT/bench/models/model_compile_times.sh" "$CUBIE" 3 || true
    step 60 nvrtc_one_loop_fixed.log env BACKEND=cuda CUBIE_INCLUDE_DIR="$PATCHED/fixed" CASES="lorenz96_rk4" \
      bash "$ROOT/bench/models/model_compile_times.sh" "$CUBIE" 3 || true
  fi
  # The host compiler on this machine's CPU, for comparison with the 2-core machine.
  step 150 host.log env BACKEND=cpu CASES="$CASES_ALL" SWEEP_L96="sweep.F={linspace=[0,16,4096]}" \
    SWEEP_PLEIADES="sweep.m1={linspace=[0.5,2,64]}" \
    bash "$ROOT/bench/models/model_compile_times.sh" "$CUBIE" 3 || true
fi

{
  echo "==== NVRTC compile times ($(($(date +%s) - START)) s), status: $status ===="
  cat "$LOG/session.log"
  echo
  echo "---- GPU (NVRTC), cold cache ----"
  cat "$LOG/nvrtc.log" 2>/dev/null
  echo
  echo "---- GPU (NVRTC), one loop per kernel (patched headers: the proposal) ----"
  cat "$LOG/patch.log" 2>/dev/null
  cat "$LOG/nvrtc_one_loop_general.log" "$LOG/nvrtc_one_loop_fixed.log" 2>/dev/null
  echo
  echo "---- CPU (host compiler on this machine), cold cache ----"
  cat "$LOG/host.log" 2>/dev/null
  if [[ $status != ok ]]; then
    echo
    echo "---- last lines of the logs ----"
    for f in configure.log build.log nvrtc.log; do
      [[ -s $LOG/$f ]] && { echo "[$f]"; tail -30 "$LOG/$f"; }
    done
  fi
} >"$LOG/summary.txt"
cp "$LOG/summary.txt" "$OUT/summary.txt"
tar -czf "$OUT/logs.tar.gz" -C "$BUILD" nvrtc-logs 2>/dev/null || true
cat "$OUT/summary.txt"
