#!/usr/bin/env bash
# bench/gpu/krylov_session.sh
# Newton-Krylov against the band LU on the GPU (issue 9, item 4 and "measure where"): the 1-D
# Brusselator as a C++ system compiled ahead by nvcc (bench/stiff/krylov_cxx_bench.cpp, one
# translation unit per cells x method x precision, bench/CMakeLists.txt's
# CUBIE_KRYLOV_BENCH_*_CASES), no NVRTC. "direct" is its band LU (the sparse interface, O(n)
# like a model file's generated LU); gmres / bicgstab run matrix-free on dual-number products,
# jacobi preconditioned. Errors are against radau_iia_5 + band LU, float64, CPU, 1e-10.
#
# Made for ONE item of bench/gpu/chain.sh on a machine whose main build is done (build-h200,
# bench/gpu/lead_late.sh; its `ninja` builds the default targets, and krylov_cxx_bench is
# EXCLUDE_FROM_ALL, so this script builds it):
#   bash bench/gpu/chain.sh 'krylov 240 bash bench/gpu/krylov_session.sh'
# The 100-state GPU units take about 6 CPU-minutes of nvcc each with the default build (the
# compact large-system code is off since 589a0df: too slow on the H200, under study in
# bench/gpu/krylov_compact_session.sh), so their build does not fit this item; 1.5 with
# -DCUBIE_LARGE_SYSTEM_STATES=32. On a bare machine the script configures $BUILD first (slower).
#
# Stages, most important first, each with its own limit (a stage that runs out keeps the rows
# it printed in $OUT/<stage>.log):
#   build    `ninja -C $BUILD krylov_cxx_bench` (session_build), until 85 s before the end
#            (BUILD_RESERVE); nothing to do when it is built
#   f64_100  100 states, float64 (tol 1e-6), radau_iia_5 and kvaerno5, direct / gmres /
#            bicgstab, 16384 then 65536 runs (F64_LIMIT, default 50 s)
#   sizes    16 and 32 states, float64, the same solvers, 65536 runs: the crossover
#            (SIZES_LIMIT, default 25 s)
#   f32_100  the 100-state rows in float32 (tol 1e-4) (F32_LIMIT, default 25 s)
# Logs under $OUT (default out/krylov): summary.txt has every table, <stage>.log/.err the rest.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/session_case.sh"  # session_begin, session_build, note, session_case
session_begin krylov 235

note "krylov session: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1), $(nproc) cores, $(git -C "$SESSION_ROOT" rev-parse --short HEAD 2>/dev/null), build $BUILD"
bench=$BUILD/bench/krylov_cxx_bench
# The build keeps 85 s for the cases (BUILD_RESERVE); ninja skips what is built already.
session_build "${BUILD_RESERVE:-85}" krylov_cxx_bench
# Each unit's wall time from ninja's log (the 100-state GPU units are the long ones).
awk -F'\t' 'NR > 1 && $4 ~ /krylov_cxx/ { printf "   %6.1f s  %s\n", ($2 - $1) / 1000, $4 }' "$BUILD/.ninja_log" \
  2>/dev/null | sort -rn | head -12 | tee -a "$OUT/summary.txt" >/dev/null
[[ -x $bench ]] || { note "no $bench: stopping"; exit 1; }
"$bench" --list >"$OUT/systems.txt" 2>&1

# stage LABEL LIMIT ARGS...: one krylov_cxx_bench call under its own limit (session_case.sh).
stage() { session_case "$1" "$2" "$bench" --backend cuda "${@:3}"; }

S=(--methods radau_iia_5,kvaerno5 --solvers direct,gmres,bicgstab --reps 1)
stage f64_100 "${F64_LIMIT:-50}" --cells 50 "${S[@]}" --precisions float64 --runs 16384,65536
stage sizes "${SIZES_LIMIT:-25}" --cells 8,16 "${S[@]}" --precisions float64 --runs 65536
stage f32_100 "${F32_LIMIT:-25}" --cells 50 "${S[@]}" --precisions float32 --runs 16384,65536
note "done in $(($(date +%s) - START)) s"
