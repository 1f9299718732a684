#!/usr/bin/env bash
# bench/gpu/krylov_session.sh
# Newton-Krylov against the sparse LU on the GPU (issue 9, item 4: "measure where"), in ONE
# device call of under 4 minutes, from an existing build (BUILD, default build-h200, as
# bash bench/gpu/h200_session.sh build makes it; this script builds only krylov_bench there,
# incrementally). The 1-D Brusselator from examples/stiff/make_brusselator.py, compiled by NVRTC
# at run time, kvaerno5 (DIRK) and radau_iia_5 (FIRK: RADAU5's real and complex systems), the
# generated sparse LU against GMRES and BiCGSTAB (jacobi, order 1) through the generated jvp.
# Above 40 states the Krylov rows run the model compiled without its sparse LU, whose
# kernels keep no factors (bench/stiff/krylov_bench.cpp says why). Cases, most important
# first, each with its own time limit (a case that runs out prints what it finished):
#   f64_100   100 states, float64, 4096 / 32768 / 131072 runs (tolerance 1e-6); its limit
#             covers the NVRTC compiles of both builds (the sparse LU's is the long one)
#   f32_100   100 states, float32, the same run counts (tolerance 1e-4)
#   f64_40    40 states (the largest size with a dense LU for C++ systems), float64,
#             32768 runs: the size crossover, with f64_100
# Errors are against kvaerno5 with the sparse LU in float64 at a 1e-3 times tighter
# tolerance on the GPU. Logs under $OUT (default out/krylov); summary.txt has every table.
# Carry .deps as the other sessions do (toml++ for a configure).
#   bash bench/gpu/krylov_session.sh
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/krylov}
BUILD=${BUILD:-$ROOT/build-h200}
SCRATCH=${SCRATCH:-/tmp/cubie-krylov}
START=$(date +%s)
DEADLINE=$((START + ${SESSION_SECONDS:-230}))
mkdir -p "$OUT" "$SCRATCH"
for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done
export CUBIE_CACHE_DIR=$SCRATCH/cache
source "$ROOT/bench/gpu/session_case.sh"  # note, left, session_case

note "krylov session: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)"
if [[ ! -f $BUILD/build.ninja ]]; then
  # No build yet: configure as stiff_session.sh does (the build then takes most of the call).
  args=(-S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCUBIE_ENABLE_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90
    -DCUBIE_CPU_ARCH=native -DCUBIE_BUILD_PYTHON=OFF)
  source "$ROOT/bench/gpu/toml_shim.sh"
  toml_shim "$BUILD" args
  cmake "${args[@]}" >"$OUT/configure.log" 2>&1
  note "configure: rc=$?"
fi
timeout $(($(left) - 150)) ninja -C "$BUILD" krylov_bench >"$OUT/build.log" 2>&1
note "build krylov_bench: rc=$? ($(($(date +%s) - START)) s)"
bench=$BUILD/bench/krylov_bench
[[ -x $bench ]] || { note "no $bench: stopping"; exit 1; }

# run LABEL LIMIT ARGS...: one krylov_bench call, its table and compile times into the summary.
case_summary() {
  cat "$OUT/$1.log"
  grep -iE 'compil|cache' "$OUT/$1.err" | sed 's/^/stderr: /'
}
run() { session_case "$1" "$2" "$bench" --backend cuda --cache "$SCRATCH/cache" "${@:3}"; }

M=(--methods kvaerno5,radau_iia_5 --solvers direct,gmres,bicgstab --reps 2)
run f64_100 150 --cells 50 "${M[@]}" --precisions float64 --runs 4096,32768,131072
run f32_100 50 --cells 50 "${M[@]}" --precisions float32 --runs 4096,32768,131072
run f64_40 30 --cells 20 "${M[@]}" --precisions float64 --runs 32768
note "done in $(($(date +%s) - START)) s"
