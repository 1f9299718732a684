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
# This session (branch ring-sines): the stage-time terms (rosenbrock_stepper.hpp
# CUBIE_STAGE_TIME_TERMS; codegen.cpp time_terms / rhs_with_time_terms): the ring's sin(w1 t)
# and sin(w2 t) at Rodas5P's 5 distinct stage times instead of 7 evaluations, either all at
# the step's start (tt1) or each before its first stage (tt2); the default (0) calls rhs at
# every stage. The values are rhs's bit for bit, so tt1/tt2 must give the default's steps and
# errors exactly. Offline (bench/RESULTS.md, "stage-time sines"): tt2 -269 cycles of one
# warp's step (-1.5%) but 3.9 KB of local traffic per step against 1.7; tt1 +2,800 cycles and
# 8.3 KB: the kernel sits at 255 registers and the terms kept across stages spill.
#   MODELS=ring_modulator PRECISIONS=float64 VARIANT_LIST="default tt1 tt2" bash bench/gpu/stiff_kernel_report.sh
# Cases, rodas5p, final state, float64 at rtol = atol = 1e-6, in order of priority, each with its
# own time limit (what does not fit SESSION_SECONDS is skipped and says so), each table appended
# to $OUT/summary.txt as soon as it ends:
#   ring 2^17 default, tt2 (1 timed solve each), tt1 (first solve only); ring 2^20 default, tt2
#   (first solve only); POLLU 2^20 float64 (1 timed solve: the guard; POLLU has no terms of t,
#   so its kernel is the default's whatever the switch).
# About 150 s from a built stiff_bench (each 2^17 case 20-25 s: an NVRTC compile of 10-15 s,
# the CPU reference and 2 s per solve; 2^20 about 30 s); SESSION_SECONDS (default 190, inside a
# chain item of 200 s) caps it.
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
# The switch needs this branch's generator inside stiff_bench (libcubie_models): without it
# tt1/tt2 would silently measure the default.
grep -q rhs_with_time_terms "$bench" || { note "stiff_bench predates the stage-time terms (build it): stopping"; exit 1; }

# run LABEL LIMIT ARGS...: one stiff_bench call, its table into the summary.
case_summary() { grep -E '^ *rodas5p|^pollu|^ring' "$OUT/$1.log"; }
run() { session_case "$1" "$2" "$bench" --backend cuda --no-cvode --check 4 --cache "$SCRATCH/cache" "${@:3}"; }

R17=(--problems ring --ring-runs 131072 --methods rodas5p --precisions float64)
R20=(--problems ring --ring-runs 1048576 --methods rodas5p --precisions float64)
opts() { local o; for o in "$@"; do printf -- '--nvrtc-option\n%s\n' "$o"; done; }
mapfile -t TT1 < <(opts -DCUBIE_STAGE_TIME_TERMS=1)
mapfile -t TT2 < <(opts -DCUBIE_STAGE_TIME_TERMS=2)
run ring17_f64_default 35 "${R17[@]}" --reps 1
run ring17_f64_tt2 35 "${R17[@]}" --reps 1 "${TT2[@]}"
run ring17_f64_tt1 30 "${R17[@]}" --reps 0 "${TT1[@]}"
run ring20_f64_default 40 "${R20[@]}" --reps 0
run ring20_f64_tt2 40 "${R20[@]}" --reps 0 "${TT2[@]}"
run pollu20_f64_default 30 --problems pollu --pollu-runs 1048576 --methods rodas5p --precisions float64 --reps 1
note "done in $(($(date +%s) - START)) s"
