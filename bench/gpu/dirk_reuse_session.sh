#!/usr/bin/env bash
# bench/gpu/dirk_reuse_session.sh
# Before/after of the DIRKs' J and factor reuse on the GPU (issue 9, branch dirk-reuse) in ONE
# device call of under 6 minutes, from an existing build (bash bench/gpu/h200_session.sh build
# makes build-h200; this script builds only stiff_bench there, incrementally). Each GPU thread
# holds one run, so its dirk_stepper keeps J and the factors of I/(h gamma) - J across steps
# (dirk_stepper.hpp); the kernels are compiled by NVRTC at run time, so "before" is the same
# binary with --nvrtc-option -DCUBIE_DIRK_KEEP_FACTORS=0 (J and a factorisation at every step,
# as before the branch; the controller's deadband [1, 1.2] stays in both).
# Cases (float64, tolerance 1e-6, kvaerno5 and l_stable_sdirk_4, final state checked on 4 runs
# against rodas5p at 1e-10 on the CPU, as bench/RESULTS.md's stiff tables):
#   POLLU 2^20 runs (k1 swept): kept, every step
#   ring modulator 2^13 runs (Cs swept; 60,000-140,000 steps a run): kept, every step
# Logs under $OUT (default out/dirk-reuse); summary.txt has every table.
#   bash bench/gpu/dirk_reuse_session.sh
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/session_case.sh"  # session_begin/_build, note, left, session_case
session_begin dirk-reuse 330

note "dirk reuse session: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)"
session_build 150 stiff_bench
bench=$BUILD/bench/stiff_bench
[[ -x $bench ]] || { note "no $bench: stopping"; exit 1; }

EVERY=(--nvrtc-option -DCUBIE_DIRK_KEEP_FACTORS=0)
case_summary() { grep -E '^ *(kvaerno5|l_stable_sdirk_4|rodas5p)|^pollu|^ring' "$OUT/$1.log"; }
run() { session_case "$1" "$2" "$bench" --backend cuda --no-cvode --check 4 --precisions float64 --cache "$SCRATCH/cache" --methods kvaerno5,l_stable_sdirk_4 "${@:3}"; }

P=(--problems pollu --pollu-runs 1048576 --reps 3)
R=(--problems ring --ring-runs 8192 --reps 1)
run pollu_kept 60 "${P[@]}"
run pollu_every 60 "${P[@]}" "${EVERY[@]}"
run ring_kept 75 "${R[@]}"
run ring_every 75 "${R[@]}" "${EVERY[@]}"
note "done in $(($(date +%s) - START)) s"
