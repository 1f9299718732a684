#!/usr/bin/env bash
# bench/gpu/auto_goal_session.sh
# Issue 9 item 6, measured cleanly: algorithm = "auto" (two passes) against dormand_prince_54
# and rodas5p on the Van der Pol sweep mu = logspace(-1, 3) at 2^20 runs, float64 and float32,
# non-stiff (mu <= 1), mixed and stiff (mu >= 100; dopri54 left out there, ~500x rodas5p), both
# second-pass launches (auto2: CUBIE_AUTO_SECOND_LAUNCH=always, auto2c: counted). Each sweep
# uses auto_switch_bench --interleaved: one Solver and one reused SolveResult per row, a warm-up
# solve each, then ROUNDS rounds solving every row once in turn (rotated order); per row the
# median [min, max] of the caller's time, the solve's wall time and the kernels' time, and per
# auto row the median of the per-round ratio auto / better single method, for the whole solve
# and for the kernels alone (whether auto loses in its kernels or on the host). The non-stiff
# end is run again in one chunk (--min-chunks 1: kernels' time is then one kernel's, not a sum
# of overlapping chunks): auto's first pass against dopri54's kernel. Last, the non-stiff end with
# the entry test squared (CUBIE_STIFFNESS_SQUARED_TEST=1, an NVRTC definition).
# Runs from a built tree (the lead's build-h200); builds auto_switch_bench if it is missing; first
# runs auto_switch_gpu_test's two-pass tests when built (at most 25 s).
#   bash bench/gpu/chain.sh 'autogoal 150 bash bench/gpu/auto_goal_session.sh'
# ROUNDS (default 11), RUNS (1048576), DURATION (100), CAP (seconds per bench call, 40), TOTAL
# (145: no bench call runs past this many seconds of the session; a cut call keeps the sweeps
# it finished).
# $OUT/summary.txt: every table and the ratio lines; rows.csv: the ilv csv lines; logs.tar.gz: the logs.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/auto_goal}
BUILD=${BUILD:-$ROOT/build-h200}
SCRATCH=${SCRATCH:-/tmp/cubie-auto-goal}
RUNS=${RUNS:-1048576}
DURATION=${DURATION:-100}
ROUNDS=${ROUNDS:-11}
CAP=${CAP:-40}
TOTAL=${TOTAL:-145}
mkdir -p "$OUT" "$SCRATCH"
note() { printf '%s\n' "$*" | tee -a "$OUT/summary.txt"; }
for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done
export CUBIE_CACHE_DIR=$SCRATCH/cache
start=$SECONDS
if [[ ! -x $BUILD/bench/auto_switch_bench ]]; then
  cmake --build "$BUILD" --target auto_switch_bench -j "$(nproc)" >"$OUT/build.log" 2>&1 ||
    { note "build of auto_switch_bench failed (build.log)"; tail -20 "$OUT/build.log"; exit 1; }
fi
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader | tee -a "$OUT/summary.txt"
note "auto goal session: $(date -u '+%Y-%m-%d %H:%M UTC'), $RUNS runs, duration $DURATION, $ROUNDS interleaved rounds"
# The GPU tests this branch touched (the first pass's statistics) and counted's byte identity,
# when the build has them (a full build of main does).
if [[ -x $BUILD/tests/batch/auto_switch_gpu_test ]]; then
  timeout 25 "$BUILD/tests/batch/auto_switch_gpu_test" \
    --gtest_filter='AutoSwitchGpu.TwoPassesMatchOneKernelAndTheCpu:AutoSwitchGpu.SecondPassLaunchedOnItsCountChangesNoBit' \
    >"$OUT/auto_switch_gpu_test.log" 2>&1 && note "auto_switch_gpu_test (two filters): passed" ||
    { note "auto_switch_gpu_test (two filters): FAILED"; grep -E "Failure|FAILED|expected|Which is" "$OUT/auto_switch_gpu_test.log" | head -20 | tee -a "$OUT/summary.txt"; }
fi
: >"$OUT/rows.csv"
bench() {  # tag, then bench arguments
  local tag=$1 cap=$CAP left=$((TOTAL - SECONDS + start))
  shift
  ((left < cap)) && cap=$left
  ((cap < 3)) && { note "bench $tag: skipped (the session's $TOTAL s are spent)"; return; }
  timeout "$cap" "$BUILD/bench/auto_switch_bench" --backend cuda --runs "$RUNS" --duration "$DURATION" \
    --interleaved "$ROUNDS" --cache "$SCRATCH/cache" --tag "$tag" "$@" >"$OUT/bench_$tag.log" 2>&1
  note "bench $tag (exit $?, ${SECONDS}s into the session):"
  grep -v '^ilv,' "$OUT/bench_$tag.log" | tee -a "$OUT/summary.txt" >/dev/null
  grep '^ilv,' "$OUT/bench_$tag.log" >>"$OUT/rows.csv"
}
for prec in float64 float32; do
  flag=""
  [[ $prec == float32 ]] && flag=--float
  # shellcheck disable=SC2086
  bench "${prec}" $flag --sweeps nonstiff,mixed --methods auto2,dopri54,rodas5p
  # shellcheck disable=SC2086
  bench "${prec}_stiff" $flag --sweeps stiff --methods auto2,rodas5p
  # shellcheck disable=SC2086
  bench "${prec}_one" $flag --min-chunks 1 --sweeps nonstiff --methods auto2,dopri54
done
# The entry test squared (CUBIE_STIFFNESS_SQUARED_TEST=1: no division or square root per step;
# offline the f64 first pass's step loop 812 -> 765 instructions, f32 545 -> 522): its own NVRTC
# compiles (the options are part of the cache key), the non-stiff end only.
for prec in float64 float32; do
  flag=""
  [[ $prec == float32 ]] && flag=--float
  # shellcheck disable=SC2086
  CUBIE_NVRTC_OPTIONS=-DCUBIE_STIFFNESS_SQUARED_TEST=1 bench "${prec}_squared" $flag --sweeps nonstiff --methods auto2,dopri54
done
note ""
note "auto / better single method, medians of per-round ratios (caller's time | kernels' time);"
note "columns: ilv,tag,prec,sweep,row,caller_med,caller_min,caller_max,wall_med,kernel_med,kernel_min,kernel_max,host_med,chunks,regs,blocks,2nd_pass,ratio,kernel_ratio,first_regs,first_blocks (auto: regs/blocks are the second pass's kernel)"
awk -F, '$5 ~ /^auto/ { printf "  %-16s %-8s %-9s %-7s %6.3f | %6.3f   (caller %.4f s, kernels %.4f s, host %.4f s, %d runs handed on; first pass %s regs %s blocks/SM)\n", $2, $3, $4, $5, $18, $19, $6, $10, $13, $17, $20, $21 }' \
  "$OUT/rows.csv" | tee -a "$OUT/summary.txt"
note "session done in $((SECONDS - start)) s"
(cd "$OUT" && tar -czf logs.tar.gz --remove-files ./*.log) || note "packing the logs failed"
