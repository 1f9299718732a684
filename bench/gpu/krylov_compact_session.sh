#!/usr/bin/env bash
# bench/gpu/krylov_compact_session.sh
# Which part of the compact large-system GPU code (issue 9; core/execution_space.hpp) makes
# radau_iia_5 + GMRES at 100 states slow and radau + BiCGSTAB at 32 states fail: the same
# Brusselator cases built with sets of its parts on from 32 states (krylov_compact_bench,
# bench/CMakeLists.txt's CUBIE_KRYLOV_COMPACT_*_CASES), each against the band LU in its own
# kernel. Variants (the label after the method):
#   loops      the steppers' loops over the states by 4 (CUBIE_COMPACT_LOOPS_STATES)
#   kloops     the Krylov solvers' loops by 4 (CUBIE_KRYLOV_LOOPS_BY_4; without it nvcc unrolls
#              most of them fully, as before the compact code)
#   rhs        the implicit steppers' rhs out of line (CUBIE_RHS_OUT_OF_LINE_STATES)
#   jvp        the Krylov solvers' Jacobian-vector products out of line (CUBIE_JVP_OUT_OF_LINE_STATES)
#   a+b        those parts together
#   compact    loops+rhs+jvp (what -DCUBIE_LARGE_SYSTEM_STATES=32 gives now)
#   all        loops+kloops+rhs+jvp (the compact code that ran on 2026-12-04 21:03)
#   unrolled   none (the default build's code)
# status is the OR of the runs' status bits (4 linear solver iterations, 128 breakdown, 8 step
# too small, ...); steps / newton / linear per run say whether a slow row does more iterations
# or slower ones.
#
# Made for ONE item of bench/gpu/chain.sh on a machine whose main build is done (build-h200):
#   bash bench/gpu/chain.sh 'kcompact 240 bash bench/gpu/krylov_compact_session.sh'
# Stages, most important first, each under its own limit:
#   build   `ninja krylov_compact_bench krylov_compact_slow_bench` (14 nvcc units of 20-60 s and
#           2 g++ references; the slow bench's one unit, 100 states loops+kloops+rhs, about 130 s
#           on the 2-core development VM), until BUILD_RESERVE (default 100) s before the end; the
#           first bench links as soon as its units are done
#   s32     32 states, radau_iia_5: unrolled, all, compact, kloops, loops, rhs, jvp; direct /
#           bicgstab / gmres, 65536 runs, t in [0, 10] (S32_LIMIT, default 25 s)
#   s32_dirk  the same for kvaerno5 (the DIRK stepper and newton.hpp): unrolled, all, loops,
#           rhs (S32_DIRK_LIMIT, default 15 s)
#   s100_V  100 states, radau_iia_5, variant V (all, compact, loops+kloops+jvp,
#           loops+kloops+rhs), 16384 runs, t in [0, DURATION_100] (default 0.1: 7% of the CPU's GMRES iterations over [0, 10]; "all" took over
#           85 s for t in [0, 10]), the warm-up solve only (its kernel_s is clean of the module
#           load), GMRES last (S100_LIMIT, default 15 s each: session_case skips a stage given less than 15 s)
# Logs under $OUT (default out/krylov_compact): summary.txt has every table.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/session_case.sh"  # session_begin, session_build, note, session_case
session_begin krylov_compact 235

note "krylov_compact session: $(date -u '+%Y-%m-%d %H:%M:%S UTC'), $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1), $(nproc) cores, $(git -C "$SESSION_ROOT" rev-parse --short HEAD 2>/dev/null), build $BUILD"
bench=$BUILD/bench/krylov_compact_bench
slow=$BUILD/bench/krylov_compact_slow_bench  # 100 states loops+kloops+rhs: its nvcc unit takes ~2 min
session_build "${BUILD_RESERVE:-100}" krylov_compact_bench krylov_compact_slow_bench
awk -F'\t' 'NR > 1 && $4 ~ /krylov_cxx/ { printf "   %6.1f s  %s\n", ($2 - $1) / 1000, $4 }' "$BUILD/.ninja_log" \
  2>/dev/null | sort -rn | head -16 | tee -a "$OUT/summary.txt" >/dev/null
[[ -x $bench ]] || { note "no $bench: stopping"; exit 1; }
"$bench" --list >"$OUT/systems.txt" 2>&1
[[ -x $slow ]] || note "no $slow (its build did not finish): the loops+kloops+rhs rows at 100 states are left out"

stage() { session_case "$1" "$2" "$bench" --backend cuda --precisions float64 "${@:3}"; }
SOLVERS=(--solvers direct,bicgstab,gmres)
stage s32 "${S32_LIMIT:-25}" --cells 16 --methods radau_iia_5 --variants unrolled,all,compact,kloops,loops,rhs,jvp \
  "${SOLVERS[@]}" --runs 65536 --reps 1
stage s32_dirk "${S32_DIRK_LIMIT:-15}" --cells 16 --methods kvaerno5 --variants unrolled,all,loops,rhs "${SOLVERS[@]}" \
  --runs 65536 --reps 1
for v in all compact loops+kloops+jvp loops+kloops+rhs; do
  [[ $v == loops+kloops+rhs ]] && { [[ -x $slow ]] || continue; bench=$slow; }
  stage "s100_$v" "${S100_LIMIT:-15}" --cells 50 --methods radau_iia_5 --variants "$v" "${SOLVERS[@]}" --runs 16384 \
    --reps 0 --duration "${DURATION_100:-0.1}" --ref-runs 8
done
note "done in $(($(date +%s) - START)) s"
