#!/usr/bin/env bash
# bench/gpu/ring_f64_session.sh
# The ring modulator in float64 on the GPU (issue 8; branch ring-f64, 2026-12-04), in ONE
# device call of under 5 minutes, from an existing build (BUILD, default build-h200, made by
# `bash bench/gpu/h200_session.sh build`; only stiff_bench is rebuilt there, incrementally).
# Changes to the Rodas5P kernel NVRTC builds at run time, each switched by an NVRTC
# definition, so every variant is the same binary. Earlier ones (branches ring-f64,
# ring-block64, ring-f64-2; measured on the H200 2026-12-04 16:23 UTC, bench/RESULTS.md): the
# LU factors in shared-memory slices (CUBIE_SHARED_LU_VALUES, CUBIE_SPLIT_BLOCK), reciprocal
# divisions (CUBIE_RECIPROCAL_DIVISION, CUBIE_FAST_RECIPROCAL), factor pairs per LDS.128
# (CUBIE_SHARED_LU_PAIRS), the point chain (CUBIE_ROSENBROCK_POINT_CHAIN), the fused f/J/df/dt
# (CUBIE_FUSED_JACOBIAN); any of them =0 still selects the older form through
# --nvrtc-option. Branch ring-latency adds three cuts of ONE run's latency per step (at 2^17
# the time is the slowest run's 149,600 steps times one warp's step latency: the section "the
# ring modulator's 2^17 time is one run's latency"). Of its cuts only the step controller's
# log2/exp2 by the hardware's float approximations stays (core/math.hpp controller_log2/exp2;
# ctl64: CUBIE_FAST_CONTROLLER_LOG=0, the double library functions). The sparse LU's scaled
# rows and latest-last back substitution were measured on the H200 at 17:48 UTC to gain
# nothing on the ring (2.09 s at 2^17 either way) and slow POLLU 2^20 (float64 +10%, float32
# +60%), and branch ring-speed removed them from the generator (bench/RESULTS.md, issue 8).
# Offline figures for each (registers, stack, instructions, local and shared bytes per step,
# and one warp's cycles per step replayed from the SASS by bench/gpu/sass_latency.py):
#   MODELS=ring_modulator PRECISIONS=float64 VARIANT_LIST="default ctl64" bash bench/gpu/stiff_kernel_report.sh
# Cases, rodas5p, final state, tolerances as bench/RESULTS.md (float64 1e-6, float32 1e-5), in
# order of priority, each with its own time limit (what does not fit SESSION_SECONDS is skipped
# and says so), each table appended to $OUT/summary.txt as soon as it ends:
#   ring 2^17 float64 default (2 timed solves), ring 2^20 float64 default (first solve only;
#   the default's kernel, cached), POLLU 2^20 float64 and float32 default (3 timed solves:
#   the guard), ctl64 (2^17, 1), ring 2^15 float64 default (2: one wave of blocks, so 2^15
#   against 2^17 shows latency against throughput), ring 2^17 float32 (1).
# The variants differ by rounding only (steps per run within a few tenths of a percent).
# Takes about 3 minutes from a built stiff_bench (each 2^17 float64 case about 20-30 s: an
# NVRTC compile of 10-15 s, the CPU reference and 2 s per solve; 2^20 about 25 s; POLLU float64
# compiles take longer); SESSION_SECONDS (default 190, inside a chain item of 200 s) caps it, skipping the last cases.
# Logs under $OUT (default out/ring-f64); summary.txt has every table.
#   BUILD=$PWD/build-h200 bash bench/gpu/ring_f64_session.sh
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
mapfile -t CTL64 < <(opts -DCUBIE_FAST_CONTROLLER_LOG=0)
run ring17_f64_default 45 "${R17[@]}" --precisions float64 --reps 2
run ring20_f64_default 45 --problems ring --ring-runs 1048576 --methods rodas5p --precisions float64 --reps 0
run pollu20_default 40 "${P[@]}" --reps 3
run ring17_f64_ctl64 30 "${R17[@]}" --precisions float64 --reps 0 "${CTL64[@]}"
run ring15_f64_default 25 --problems ring --ring-runs 32768 --methods rodas5p --precisions float64 --reps 2
run ring17_f32_default 25 "${R17[@]}" --precisions float32 --reps 1
note "done in $(($(date +%s) - START)) s"
