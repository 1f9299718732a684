#!/usr/bin/env bash
# bench/gpu/ring_f64_session.sh
# The ring modulator in float64 on the GPU (issue 8), in ONE chain item of at most 200 s, from
# an existing build (BUILD, default build-h200, made by `bash bench/gpu/h200_session.sh build`;
# only stiff_bench is rebuilt there, incrementally: build it beforehand when the headers
# changed, or the build eats the cases' time).
# Changes to the Rodas5P kernel NVRTC builds at run time are switched by NVRTC definitions, so
# every variant is the same binary. Earlier ones (branches ring-f64, ring-block64, ring-f64-2,
# ring-latency; measured on the H200 2026-12-04 16:23 and 17:48 UTC, bench/RESULTS.md): the LU
# factors in shared-memory slices, reciprocal divisions, factor pairs per LDS.128, the point
# chain, the fused f/J/df/dt, the controller's float log2/exp2; any of them =0 still selects the
# older form through --nvrtc-option.
# This session (branch ring-sines), three cuts (sines and exps):
# - sincos: sin(x) and cos(x) of one x in a generated Jacobian body (the fused f/J/df/dt at a
#   step's start needs sin(w t) and cos(w t) of both inputs) by one CUDA sincos (core/math.hpp
#   CUBIE_SINCOS, default on in device code; before: CUBIE_SINCOS=0). Offline, float64: one
#   warp's step 17,953 -> 17,544 cycles (-2.3%), local traffic unchanged.
# - stage-time terms (rosenbrock_stepper.hpp CUBIE_STAGE_TIME_TERMS; codegen.cpp time_terms /
#   rhs_with_time_terms): sin(w1 t) and sin(w2 t) at Rodas5P's 5 distinct stage times instead
#   of 7 evaluations. Default on GPUs where the run's state fits the registers: the ring in
#   float32 (offline 9,982 -> 8,815 cycles); off in float64, where the terms kept across
#   stages spill (tt2: 17,239 cycles but 3.9 KB local traffic per step against 1.7).
#   The values are rhs's bit for bit: tt0/tt2 give the same steps and errors.
#   MODELS=ring_modulator PRECISIONS="float64 float32" VARIANT_LIST="default sincos0 tt0 tt2" bash bench/gpu/stiff_kernel_report.sh
# - a branch-free double exp (core/math.hpp exp_branch_free, CUBIE_FAST_EXP=1; default 0, as it
#   changes results in the last bits): offline 17,544 -> 16,738 cycles (-4.6%), +454
#   instructions per step; the 2^17 goal's best candidate.
# Cases, rodas5p, final state, tolerances as bench/RESULTS.md (float64 1e-6, float32 1e-5), in
# order of priority, each with its own time limit (what does not fit SESSION_SECONDS is skipped
# and says so), each table appended to $OUT/summary.txt as soon as it ends:
#   ring 2^17 float64 default, before (CUBIE_SINCOS=0, CUBIE_STAGE_TIME_TERMS=0: this
#   branch's start) and fastexp (1 timed solve each); ring 2^20 float64 default and before
#   (first solve only); POLLU 2^20 float64 (1 timed solve: the guard; no sin, cos or t, so only
#   fastexp would change its kernel, and POLLU has no exp); ring 2^17 float32 default and
#   before; ring 2^20 float64 fastexp; ring 2^17 float64 tt2 (tt2 must give the default's bits:
#   steps and errors equal). Errors: 4 runs against rodas5p on the CPU at rtol 1e-10.
# About 190 s from a built stiff_bench (each 2^17 float64 case 15-25 s: an NVRTC compile of
# 10-15 s, the CPU reference and 2 s per solve; 2^20 about 30 s); SESSION_SECONDS (default 190,
# inside a chain item of 200 s) caps it, skipping the last cases.
#   bash bench/gpu/chain.sh 'ring-sines 200 bash bench/gpu/ring_f64_session.sh'
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/ring-f64}
BUILD=${BUILD:-$ROOT/build-h200}
SCRATCH=${SCRATCH:-/tmp/cubie-ring-f64}
START=$(date +%s)
DEADLINE=$((START + ${SESSION_SECONDS:-190}))
mkdir -p "$OUT" "$SCRATCH"
for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done
export CUBIE_CACHE_DIR=$SCRATCH/cache
source "$ROOT/bench/gpu/session_case.sh"  # note, left, session_case

note "ring f64 session: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1), $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)"
if [[ ! -f $BUILD/build.ninja ]]; then
  note "no configured build at $BUILD: run 'bash bench/gpu/h200_session.sh build' first (or set BUILD)"
  exit 1
fi
timeout $(($(left) - 120)) ninja -C "$BUILD" stiff_bench >"$OUT/build.log" 2>&1
note "build stiff_bench: rc=$? ($(($(date +%s) - START)) s)"
bench=$BUILD/bench/stiff_bench
[[ -x $bench ]] || { note "no $bench: stopping"; exit 1; }
# The switches need this branch's generator inside stiff_bench (libcubie_models): without it
# every variant would silently measure the same kernel.
grep -q rhs_with_time_terms "$bench" || { note "stiff_bench predates the stage-time terms (build it): stopping"; exit 1; }

# run LABEL LIMIT ARGS...: one stiff_bench call, its table into the summary.
case_summary() { grep -E '^ *rodas5p|^pollu|^ring' "$OUT/$1.log"; }
run() { session_case "$1" "$2" "$bench" --backend cuda --no-cvode --cache "$SCRATCH/cache" "${@:3}"; }

R17=(--problems ring --ring-runs 131072 --methods rodas5p)
R20=(--problems ring --ring-runs 1048576 --methods rodas5p --precisions float64)
opts() { local o; for o in "$@"; do printf -- '--nvrtc-option\n%s\n' "$o"; done; }
mapfile -t BEFORE < <(opts -DCUBIE_SINCOS=0 -DCUBIE_STAGE_TIME_TERMS=0)
mapfile -t TT2 < <(opts -DCUBIE_STAGE_TIME_TERMS=2)
mapfile -t FASTEXP < <(opts -DCUBIE_FAST_EXP=1)
run ring17_f64_default 35 "${R17[@]}" --precisions float64 --reps 1 --check 4
run ring17_f64_before 30 "${R17[@]}" --precisions float64 --reps 1 --check 4 "${BEFORE[@]}"
run ring17_f64_fastexp 35 "${R17[@]}" --precisions float64 --reps 1 --check 4 "${FASTEXP[@]}"
run ring20_f64_default 40 "${R20[@]}" --reps 0 --check 4
run ring20_f64_before 35 "${R20[@]}" --reps 0 --check 4 "${BEFORE[@]}"
run pollu20_f64_default 30 --problems pollu --pollu-runs 1048576 --methods rodas5p --precisions float64 --reps 1 --check 4
run ring17_f32_default 25 "${R17[@]}" --precisions float32 --reps 1 --check 4
run ring17_f32_before 20 "${R17[@]}" --precisions float32 --reps 1 --check 4 "${BEFORE[@]}"
run ring20_f64_fastexp 40 "${R20[@]}" --reps 0 --check 4 "${FASTEXP[@]}"
run ring17_f64_tt2 25 "${R17[@]}" --precisions float64 --reps 0 --check 4 "${TT2[@]}"
note "done in $(($(date +%s) - START)) s"
