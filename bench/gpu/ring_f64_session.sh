#!/usr/bin/env bash
# bench/gpu/ring_f64_session.sh
# The ring modulator in float64 on the GPU (issue 8; branch ring-f64, 2026-12-04), in ONE
# device call of under 5 minutes, from an existing build (BUILD, default build-h200, made by
# `bash bench/gpu/h200_session.sh build`; only stiff_bench is rebuilt there, incrementally).
# Two changes to the Rodas5P kernel NVRTC builds at run time, each switched by an NVRTC
# definition, so every variant is the same binary:
#   - the LU factors in per-thread slices of static shared memory (integrate/
#     shared_factor_slices.hpp): 48 of the ring modulator's 67 factor values per thread (48 KB
#     per block of 128) instead of local memory; CUBIE_SHARED_LU_VALUES=0/16/32 for fewer;
#   - divisions by values fixed for the run (constants, Cs) as products with the reciprocal
#     (core/math.hpp divide_by_invariant, generated code): CUBIE_RECIPROCAL_DIVISION=0 divides.
#   default:   both
#   before:    -DCUBIE_SHARED_LU_VALUES=0 -DCUBIE_RECIPROCAL_DIVISION=0 (main before this branch;
#              same SASS as main's kernel)
#   lu48_only: -DCUBIE_RECIPROCAL_DIVISION=0 (shared factors, divisions kept)
#   recip_only: -DCUBIE_SHARED_LU_VALUES=0 (reciprocals, factors in local memory)
#   lu32:      -DCUBIE_SHARED_LU_VALUES=32 (with reciprocals)
# Offline figures for each (registers, stack, local and shared bytes per step), no GPU:
#   MODELS=ring_modulator PRECISIONS=float64 VARIANT_LIST="main default lu0 lu32 div" bash bench/gpu/stiff_kernel_report.sh
# Cases, rodas5p, final state, tolerances as bench/RESULTS.md (float64 1e-6, float32 1e-5), in
# order of priority (each with its own time limit; what does not fit SESSION_SECONDS is skipped
# and says so):
#   ring 2^17 float64: default (2 timed solves), before (1; was 6.37 s at 08:58 UTC),
#     lu48_only, recip_only, lu32 (1 each)
#   POLLU 2^20 float64 and float32, default (3 timed solves; its float64 kernel takes no shared
#     slices; 68.6 ms and 22.6 ms at 08:58 UTC)
#   ring 2^17 float32, default (1; takes the reciprocals only: 1.23 s at 08:58 UTC)
#   ring 2^20 float64, default (first solve only; 67.8 s at 08:58 UTC), if time is left
# Variants with the same CUBIE_RECIPROCAL_DIVISION must agree to the bit (same steps per run,
# same errors): the factors are the same numbers wherever they are kept.
# Logs under $OUT (default out/ring-f64); summary.txt has every table.
#   BUILD=$PWD/build-h200 bash bench/gpu/ring_f64_session.sh
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/ring-f64}
BUILD=${BUILD:-$ROOT/build-h200}
SCRATCH=${SCRATCH:-/tmp/cubie-ring-f64}
START=$(date +%s)
DEADLINE=$((START + ${SESSION_SECONDS:-285}))
mkdir -p "$OUT" "$SCRATCH"
for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done
export CUBIE_CACHE_DIR=$SCRATCH/cache
note() { printf '%s\n' "$*" | tee -a "$OUT/summary.txt"; }
left() { echo $((DEADLINE - $(date +%s))); }

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
run() {
  local label=$1 limit=$2
  shift 2
  local l
  l=$(left)
  ((limit > l)) && limit=$l
  if ((limit < 15)); then
    note "== $label: SKIPPED (no time left)"
    return
  fi
  note "== $label ($(date -u +%H:%M:%S), limit ${limit} s): stiff_bench $*"
  timeout "$limit" "$bench" --backend cuda --no-cvode --check 4 --cache "$SCRATCH/cache" "$@" >"$OUT/$label.log" 2>&1
  local rc=$?
  grep -E '^ *rodas5p|^pollu|^ring' "$OUT/$label.log" | sed 's/^/   /' | tee -a "$OUT/summary.txt" >/dev/null
  ((rc != 0)) && note "   rc=$rc $( ((rc == 124)) && echo '(timeout)') $(grep -v '^cubie: ' "$OUT/$label.log" | tail -2 | tr '\n' ' ')"
}

R17=(--problems ring --ring-runs 131072 --methods rodas5p)
P=(--problems pollu --pollu-runs 1048576 --methods rodas5p)
NO_SHARED=(--nvrtc-option -DCUBIE_SHARED_LU_VALUES=0)
NO_RECIP=(--nvrtc-option -DCUBIE_RECIPROCAL_DIVISION=0)
run ring17_f64_default 60 "${R17[@]}" --precisions float64 --reps 2
run ring17_f64_before 45 "${R17[@]}" --precisions float64 --reps 0 "${NO_SHARED[@]}" "${NO_RECIP[@]}"
run ring17_f64_lu48_only 40 "${R17[@]}" --precisions float64 --reps 0 "${NO_RECIP[@]}"
run ring17_f64_recip_only 40 "${R17[@]}" --precisions float64 --reps 0 "${NO_SHARED[@]}"
run pollu20_default 40 "${P[@]}" --reps 3
run ring17_f32_default 30 "${R17[@]}" --precisions float32 --reps 1
run ring17_f64_lu32 35 "${R17[@]}" --precisions float64 --reps 0 --nvrtc-option -DCUBIE_SHARED_LU_VALUES=32
run ring20_f64_default 110 --problems ring --ring-runs 1048576 --methods rodas5p --precisions float64 --reps 0
note "done in $(($(date +%s) - START)) s"
