#!/usr/bin/env bash
# bench/gpu/stiff_f64_session.sh
# Before/after of the GPU stiff kernels' local-memory fixes (branch gpu-f64, 2026-12-04) in ONE
# device call of under 5 minutes, from an existing build (bash bench/gpu/h200_session.sh build
# makes build-h200 with stiff_bench and cubie_gpu_bench; this script builds only those two
# targets there, incrementally, if they are older than the sources). The Rodas5P kernels are
# compiled by NVRTC at run time, so "before" is the same binary with the earlier kernel build
# selected by NVRTC definitions (integrate_kernel.cuh, execution_space.hpp):
#   after:  the defaults (implicit kernels ask for one resident block: 255 registers; the run
#           loop inlined into the kernel on the device)
#   before: --nvrtc-option -DCUBIE_IMPLICIT_MIN_BLOCKS=0 --nvrtc-option -DCUBIE_DEVICE_INLINE_RUN=0
#           (the code of main at e3c04ff: POLLU float64 got 32 registers and a 12.7 KB stack)
#   minb3/minb4: -DCUBIE_IMPLICIT_MIN_BLOCKS=3 / 4 (168 / 128 registers, more resident warps,
#           more local memory): whether occupancy bought with local memory pays.
# Offline figures for each variant (registers, stack, local bytes per step):
#   bash bench/gpu/stiff_kernel_report.sh
# Cases, rodas5p, final state, tolerances as bench/RESULTS.md (float64 1e-6, float32 1e-5):
#   POLLU 2^20 runs: after (both precisions), before (float64; float32 was 11.0 ms and its
#     kernel barely changes)
#   ring modulator 2^17 runs: after (both precisions), before (float64)
#   ring modulator 2^20 runs, float64: after (before did not finish in 150 s on 2026-12-04)
#   DRV (driven oscillator, spline against sin(t), N = 4,194,304): after (before in RESULTS.md:
#     rk4 float32 1.968x)
#   then, while time is left: POLLU float64 with minb3 and minb4, ring 2^17 float32 before.
# Logs under $OUT (default out/stiff-f64); summary.txt has every table. Carry .deps as the
# other sessions do (toml++ for a configure).
#   bash bench/gpu/stiff_f64_session.sh
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/session_case.sh"  # session_begin/_build, note, left, session_case
session_begin stiff-f64 290

note "stiff f64 session: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)"
session_build 120 stiff_bench cubie_gpu_bench
bench=$BUILD/bench/stiff_bench
[[ -x $bench ]] || { note "no $bench: stopping"; exit 1; }

BEFORE=(--nvrtc-option -DCUBIE_IMPLICIT_MIN_BLOCKS=0 --nvrtc-option -DCUBIE_DEVICE_INLINE_RUN=0)
# run LABEL LIMIT ARGS...: one stiff_bench call, its table into the summary.
case_summary() { grep -E '^ *rodas5p|^pollu|^ring' "$OUT/$1.log"; }
run() { session_case "$1" "$2" "$bench" --backend cuda --no-cvode --check 4 --cache "$SCRATCH/cache" "${@:3}"; }

P=(--problems pollu --pollu-runs 1048576 --methods rodas5p)
R17=(--problems ring --ring-runs 131072 --methods rodas5p)
run pollu_after 60 "${P[@]}" --reps 3
run pollu64_before 40 "${P[@]}" --precisions float64 --reps 2 "${BEFORE[@]}"
run ring17_after 70 "${R17[@]}" --reps 1
run ring17_before64 45 "${R17[@]}" --precisions float64 --reps 0 "${BEFORE[@]}"
run ring20_after64 110 --problems ring --ring-runs 1048576 --methods rodas5p --precisions float64 --reps 0
if (($(left) > 40)); then
  note "== DRV ($(date -u +%H:%M:%S)): cubie_gpu_bench --only DRV --reps 5"
  timeout 40 "$BUILD/bench/gpu/cubie_gpu_bench" --only DRV --reps 5 >"$OUT/drv.log" 2>&1
  note "   rc=$?"
  sed -n '/^case /,$p' "$OUT/drv.log" | sed 's/^/   /' | tee -a "$OUT/summary.txt" >/dev/null
fi
run pollu64_minb3 30 "${P[@]}" --precisions float64 --reps 2 --nvrtc-option -DCUBIE_IMPLICIT_MIN_BLOCKS=3
run pollu64_minb4 30 "${P[@]}" --precisions float64 --reps 2 --nvrtc-option -DCUBIE_IMPLICIT_MIN_BLOCKS=4
run ring17_before32 30 "${R17[@]}" --precisions float32 --reps 0 "${BEFORE[@]}"
note "done in $(($(date +%s) - START)) s"
