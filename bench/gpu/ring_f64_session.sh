#!/usr/bin/env bash
# bench/gpu/ring_f64_session.sh
# The ring modulator in float64 on the GPU (issue 8; branch ring-f64, 2026-12-04), in ONE
# device call of under 5 minutes, from an existing build (BUILD, default build-h200, made by
# `bash bench/gpu/h200_session.sh build`; only stiff_bench is rebuilt there, incrementally).
# Changes to the Rodas5P kernel NVRTC builds at run time, each switched by an NVRTC
# definition, so every variant is the same binary (branch ring-f64-2 adds the last four):
#   - the LU factors in per-thread slices of static shared memory (integrate/
#     shared_factor_slices.hpp): all 67 of the ring modulator's factor values per thread in a
#     block of 64 threads (CUBIE_SPLIT_BLOCK=0: the block of 128 with 48 values);
#   - divisions by values fixed for the run as products with the reciprocal
#     (core/math.hpp divide_by_invariant; CUBIE_RECIPROCAL_DIVISION=0 divides);
#   - the LU pivots' and the error scales' reciprocals without the IEEE division's slow-path
#     branch (core/math.hpp reciprocal; CUBIE_FAST_RECIPROCAL=0 divides);
#   - the shared factor values two per access, LDS.128 (CUBIE_SHARED_LU_PAIRS=0: one);
#   - Rodas5P's last stage points, solution and error from the previous point and increment
#     (rosenbrock_stepper.hpp; CUBIE_ROSENBROCK_POINT_CHAIN=0 sums them from every increment);
#   - f, J and df/dt at a step's start from one generated body that shares their exp and sin
#     (rhs_jacobian_sparse; CUBIE_FUSED_JACOBIAN=0: three members, each with its own).
#   default:  all of them
#   prev:     -DCUBIE_FAST_RECIPROCAL=0 -DCUBIE_ROSENBROCK_POINT_CHAIN=0 -DCUBIE_SHARED_LU_PAIRS=0
#             -DCUBIE_FUSED_JACOBIAN=0 (the kernel of 9df376a: 2.62 s at 11:58 UTC)
#   divrcp:   -DCUBIE_FAST_RECIPROCAL=0;  single: -DCUBIE_SHARED_LU_PAIRS=0;
#   nochain:  -DCUBIE_ROSENBROCK_POINT_CHAIN=0;  unfused: -DCUBIE_FUSED_JACOBIAN=0
#   minb6:    -DCUBIE_IMPLICIT_MIN_BLOCKS=6 (168 registers: 12 resident warps per SM instead of
#             8, 2.7x the local traffic; 5 gives the same kernel)
#   before:   -DCUBIE_SHARED_LU_VALUES=0 -DCUBIE_RECIPROCAL_DIVISION=0 plus prev's three (main of
#             the morning: 5.94 s)
# Offline figures for each (registers, stack, instructions, local and shared bytes per step):
#   MODELS=ring_modulator PRECISIONS=float64 VARIANT_LIST="default prev divrcp single nochain unfused minb6" bash bench/gpu/stiff_kernel_report.sh
# Cases, rodas5p, final state, tolerances as bench/RESULTS.md (float64 1e-6, float32 1e-5), in
# order of priority, each with its own time limit (what does not fit SESSION_SECONDS is skipped
# and says so), each table appended to $OUT/summary.txt as soon as it ends:
#   ring 2^17 float64: default (2 timed solves), prev (1), ring 2^20 float64 default (first
#     solve only; its kernel is the default's, cached), divrcp, unfused, single, nochain (1
#     each), POLLU 2^20 float64 and float32 default (3 timed solves), prev and divrcp (float64,
#     3 each: offline, the branch-free reciprocals raise POLLU float64's local traffic by 19%),
#     ring 2^17 float32 (1), minb6, before (1 each)
# default and single must agree to the bit (same steps, same errors); the others differ by
# rounding only (steps per run within a few tenths of a percent).
# Takes 5-7 minutes (each 2^17 float64 case about 20-30 s: an NVRTC compile of 10-15 s, the
# check and 2-3 s per solve; the 2^20 case about 20-30 s; POLLU float64 compiles take longer);
# SESSION_SECONDS (default 400) caps it, skipping the last cases.
# Logs under $OUT (default out/ring-f64); summary.txt has every table.
#   BUILD=$PWD/build-h200 bash bench/gpu/ring_f64_session.sh
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/ring-f64}
BUILD=${BUILD:-$ROOT/build-h200}
SCRATCH=${SCRATCH:-/tmp/cubie-ring-f64}
START=$(date +%s)
DEADLINE=$((START + ${SESSION_SECONDS:-400}))
mkdir -p "$OUT" "$SCRATCH"
for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done
export CUBIE_CACHE_DIR=$SCRATCH/cache
source "$ROOT/bench/gpu/session_case.sh"  # note, left, session_case

note "ring f64 session: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1), $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)"
if [[ ! -f $BUILD/build.ninja ]]; then
  note "no configured build at $BUILD: run 'bash bench/gpu/h200_session.sh build' first (or set BUILD)"
  exit 1
fi
timeout $(($(left) - 150)) ninja -C "$BUILD" stiff_bench >"$OUT/build.log" 2>&1
note "build stiff_bench: rc=$? ($(($(date +%s) - START)) s)"
bench=$BUILD/bench/stiff_bench
[[ -x $bench ]] || { note "no $bench: stopping"; exit 1; }

# run LABEL LIMIT ARGS...: one stiff_bench call, its table into the summary.
case_summary() { grep -E '^ *rodas5p|^pollu|^ring' "$OUT/$1.log"; }
run() { session_case "$1" "$2" "$bench" --backend cuda --no-cvode --check 4 --cache "$SCRATCH/cache" "${@:3}"; }

R17=(--problems ring --ring-runs 131072 --methods rodas5p)
P=(--problems pollu --pollu-runs 1048576 --methods rodas5p)
opts() { local o; for o in "$@"; do printf -- '--nvrtc-option\n%s\n' "$o"; done; }
mapfile -t PREV < <(opts -DCUBIE_FAST_RECIPROCAL=0 -DCUBIE_ROSENBROCK_POINT_CHAIN=0 -DCUBIE_SHARED_LU_PAIRS=0 \
  -DCUBIE_FUSED_JACOBIAN=0)
mapfile -t UNFUSED < <(opts -DCUBIE_FUSED_JACOBIAN=0)
mapfile -t DIVRCP < <(opts -DCUBIE_FAST_RECIPROCAL=0)
mapfile -t SINGLE < <(opts -DCUBIE_SHARED_LU_PAIRS=0)
mapfile -t NOCHAIN < <(opts -DCUBIE_ROSENBROCK_POINT_CHAIN=0)
mapfile -t MINB6 < <(opts -DCUBIE_IMPLICIT_MIN_BLOCKS=6)
mapfile -t BEFORE < <(opts -DCUBIE_SHARED_LU_VALUES=0 -DCUBIE_RECIPROCAL_DIVISION=0 -DCUBIE_FAST_RECIPROCAL=0 \
  -DCUBIE_ROSENBROCK_POINT_CHAIN=0 -DCUBIE_SHARED_LU_PAIRS=0 -DCUBIE_FUSED_JACOBIAN=0)
run ring17_f64_default 60 "${R17[@]}" --precisions float64 --reps 2
run ring17_f64_prev 45 "${R17[@]}" --precisions float64 --reps 0 "${PREV[@]}"
run ring20_f64_default 75 --problems ring --ring-runs 1048576 --methods rodas5p --precisions float64 --reps 0
run ring17_f64_divrcp 40 "${R17[@]}" --precisions float64 --reps 0 "${DIVRCP[@]}"
run ring17_f64_unfused 40 "${R17[@]}" --precisions float64 --reps 0 "${UNFUSED[@]}"
run ring17_f64_single 40 "${R17[@]}" --precisions float64 --reps 0 "${SINGLE[@]}"
run ring17_f64_nochain 40 "${R17[@]}" --precisions float64 --reps 0 "${NOCHAIN[@]}"
run pollu20_default 40 "${P[@]}" --reps 3
run pollu20_f64_prev 40 "${P[@]}" --precisions float64 --reps 3 "${PREV[@]}"
run pollu20_f64_divrcp 40 "${P[@]}" --precisions float64 --reps 3 "${DIVRCP[@]}"
run ring17_f32_default 30 "${R17[@]}" --precisions float32 --reps 1
run ring17_f64_minb6 40 "${R17[@]}" --precisions float64 --reps 0 "${MINB6[@]}"
run ring17_f64_before 45 "${R17[@]}" --precisions float64 --reps 0 "${BEFORE[@]}"
note "done in $(($(date +%s) - START)) s"
