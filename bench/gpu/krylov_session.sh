#!/usr/bin/env bash
# bench/gpu/krylov_session.sh
# Newton-Krylov against the direct LU on the GPU (issue 9, item 4 and "measure where"), in ONE
# device call of under 10 minutes on a bare H200 machine, build included. No NVRTC: the
# 1-D Brusselator is a C++ system compiled ahead by nvcc (bench/stiff/krylov_cxx_bench.cpp;
# one translation unit per cells x method x precision, built in parallel on the 16 cores).
# "direct" is its band LU (the sparse interface, O(n) like a model file's generated LU);
# gmres / bicgstab run matrix-free on dual-number products, jacobi (default) or neumann
# preconditioned. Errors are against radau_iia_5 + band LU, float64, on the CPU at 1e-10.
#
#   bash bench/gpu/krylov_session.sh          (carry .deps, as the other sessions do)
#
# Stages, most important first, each with its own limit (a stage that runs out keeps the rows
# it printed in $OUT/<stage>.log, each flushed as it ends):
#   build     configure + `ninja krylov_cxx_bench` (BUILD_LIMIT, default 360 s); skipped when
#             $BUILD/bench/krylov_cxx_bench exists already (a warm machine, or a carried build)
#   f64_100   100 states, float64 (tol 1e-6), radau_iia_5 and kvaerno5, direct / gmres /
#             bicgstab (jacobi), 16384 then 131072 runs (neumann is left out: on the CPU it
#             takes 13x the steps and 50x the linear iterations of jacobi here, bench/RESULTS.md)
#   f32_100   the same in float32 (tol 1e-4), 16384 then 131072 runs
#   sizes     16, 32, 64 states, float64, the same solvers, 65536 runs: the size crossover
# Logs under $OUT (default out/krylov): summary.txt has every table, <stage>.log/.err the rest.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/krylov}
BUILD=${BUILD:-$ROOT/build-krylov}
START=$(date +%s)
DEADLINE=$((START + ${SESSION_SECONDS:-580}))
mkdir -p "$OUT"
for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done
export PATH
source "$ROOT/bench/gpu/session_case.sh"  # note, left, session_case

note "krylov session: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1), $(nproc) cores, $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)"
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
  timeout --kill-after=5 "${BUILD_LIMIT:-360}" ninja -C "$BUILD" -j "$(nproc)" krylov_cxx_bench >"$OUT/build.log" 2>&1
  rc=$?
  note "build krylov_cxx_bench: rc=$rc in $(($(date +%s) - t0)) s$( ((rc == 124)) && echo ' (timeout)')"
  ((rc != 0)) && tail -15 "$OUT/build.log" | sed 's/^/   | /' | tee -a "$OUT/summary.txt" >/dev/null
fi
[[ -x $bench ]] || { note "no $bench: stopping"; exit 1; }
"$bench" --list >"$OUT/systems.txt" 2>&1

# stage LABEL LIMIT ARGS...: one krylov_cxx_bench call under its own limit (session_case.sh);
# its rows reach $OUT/LABEL.log as each one ends, the table goes into the summary after.
stage() { session_case "$1" "$2" "$bench" --backend cuda "${@:3}"; }

S=(--methods radau_iia_5,kvaerno5 --solvers direct,gmres,bicgstab --reps 1)
stage f64_100 "${F64_LIMIT:-140}" --cells 50 "${S[@]}" --precisions float64 --runs 16384,131072
stage f32_100 "${F32_LIMIT:-80}" --cells 50 "${S[@]}" --precisions float32 --runs 16384,131072
stage sizes "${SIZES_LIMIT:-80}" --cells 8,16,32 "${S[@]}" --precisions float64 --runs 65536
note "done in $(($(date +%s) - START)) s"
