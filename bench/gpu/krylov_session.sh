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
# The GPU units build in about 1.5 CPU-minutes each since the large-system code went compact
# (CUBIE_UNROLL_STATES, rhs and Jacobian-vector products out of line: 6.2 before), in
# parallel on the cores; on a bare machine the script configures $BUILD first (slower).
#
# Stages, most important first, each with its own limit (a stage that runs out keeps the rows
# it printed in $OUT/<stage>.log):
#   build    `cmake --build $BUILD --target krylov_cxx_bench` (BUILD_LIMIT, default 150 s);
#            skipped when $BUILD/bench/krylov_cxx_bench exists
#   f64_100  100 states, float64 (tol 1e-6), radau_iia_5 and kvaerno5, direct / gmres /
#            bicgstab, 16384 then 65536 runs (F64_LIMIT, default 50 s)
#   sizes    16 and 32 states, float64, the same solvers, 65536 runs: the crossover
#            (SIZES_LIMIT, default 25 s)
#   f32_100  the 100-state rows in float32 (tol 1e-4) (F32_LIMIT, default 25 s)
# Logs under $OUT (default out/krylov): summary.txt has every table, <stage>.log/.err the rest.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/krylov}
BUILD=${BUILD:-$ROOT/build-h200}
START=$(date +%s)
DEADLINE=$((START + ${SESSION_SECONDS:-235}))
mkdir -p "$OUT"
for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done
export PATH
source "$ROOT/bench/gpu/session_case.sh"  # note, left, session_case

note "krylov session: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1), $(nproc) cores, $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null), build $BUILD"
bench=$BUILD/bench/krylov_cxx_bench
if [[ ! -x $bench ]]; then
  if [[ ! -f $BUILD/build.ninja ]]; then
    source "$ROOT/bench/gpu/toml_shim.sh"
    h200_cmake_args "$ROOT" "$BUILD" args -DCUBIE_BUILD_PYTHON=OFF
    t0=$(date +%s)
    cmake "${args[@]}" >"$OUT/configure.log" 2>&1
    note "configure: rc=$? in $(($(date +%s) - t0)) s"
  fi
  t0=$(date +%s)
  timeout --kill-after=5 "${BUILD_LIMIT:-150}" cmake --build "$BUILD" --target krylov_cxx_bench -j "$(nproc)" \
    >"$OUT/build.log" 2>&1
  rc=$?
  note "build krylov_cxx_bench: rc=$rc in $(($(date +%s) - t0)) s$( ((rc == 124)) && echo ' (timeout)')"
  ((rc != 0)) && tail -15 "$OUT/build.log" | sed 's/^/   | /' | tee -a "$OUT/summary.txt" >/dev/null
  # The slowest units (nvcc -time is not on; ninja's log has each unit's wall time).
  awk -F'\t' 'NR > 1 && $4 ~ /krylov_cxx/ { printf "   %6.1f s  %s\n", ($2 - $1) / 1000, $4 }' "$BUILD/.ninja_log" \
    2>/dev/null | sort -rn | head -12 | tee -a "$OUT/summary.txt" >/dev/null
fi
[[ -x $bench ]] || { note "no $bench: stopping"; exit 1; }
"$bench" --list >"$OUT/systems.txt" 2>&1

# stage LABEL LIMIT ARGS...: one krylov_cxx_bench call under its own limit (session_case.sh).
stage() { session_case "$1" "$2" "$bench" --backend cuda "${@:3}"; }

S=(--methods radau_iia_5,kvaerno5 --solvers direct,gmres,bicgstab --reps 1)
stage f64_100 "${F64_LIMIT:-50}" --cells 50 "${S[@]}" --precisions float64 --runs 16384,65536
stage sizes "${SIZES_LIMIT:-25}" --cells 8,16 "${S[@]}" --precisions float64 --runs 65536
stage f32_100 "${F32_LIMIT:-25}" --cells 50 "${S[@]}" --precisions float32 --runs 16384,65536
note "done in $(($(date +%s) - START)) s"
