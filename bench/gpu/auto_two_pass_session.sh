#!/usr/bin/env bash
# bench/gpu/auto_two_pass_session.sh
# Issue 9 item 6 on an H200, one device call of under 4 minutes: algorithm = "auto" in one
# kernel (CUBIE_AUTO_PASSES=1, the path before) and in two passes (the default on CUDA: an
# explicit kernel, then auto over the runs whose stiffness test fired; integrate/continuation.hpp)
# against dormand_prince_54 and rodas5p on the Van der Pol sweep mu = logspace(-1, 3)
# (examples/van_der_pol.toml, NVRTC, final state only), float64 and float32: the mixed sweep,
# its non-stiff and stiff ends, and the mixed sweep shuffled. dormand_prince_54 runs on the
# mixed sweep and the non-stiff end only (on the stiff end it is ~500x rodas5p: the better
# single method there is rodas5p); then auto in chunks of 32,768 runs (the passes of one chunk
# overlapping the next chunk's on other streams). Before the sweeps: the GPU tests of auto (two passes
# against one kernel and the CPU, chunked == unchunked) and the CPU two-pass test.
# Needs a build with CUDA that has the targets auto_switch_bench, auto_switch_gpu_test and
# auto_two_pass_test (the lead's build-h200):
#   BUILD=$PWD/build-h200 bash bench/gpu/auto_two_pass_session.sh
# BUILD=... STAGE=build builds those targets first (minutes; a separate call).
# Logs under $OUT (default out/auto_two_pass); summary.txt holds every row.
# RUNS (default 262144), DURATION (100), REPEAT (2), CAP (seconds per bench call, 40: nine calls of a few seconds each and the tests stay under 4 minutes).
# Each row also shows the kernels' time, the chunks, and the (second pass's) kernel registers
# and resident blocks per multiprocessor; the *_one_chunk calls run every solve as one chunk.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/auto_two_pass}
BUILD=${BUILD:-$ROOT/build-h200}
SCRATCH=${SCRATCH:-/tmp/cubie-auto-two-pass}
RUNS=${RUNS:-262144}
DURATION=${DURATION:-100}
REPEAT=${REPEAT:-2}
CAP=${CAP:-40}
mkdir -p "$OUT" "$SCRATCH"
note() { printf '%s\n' "$*" | tee -a "$OUT/summary.txt"; }
for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done
export CUBIE_CACHE_DIR=$SCRATCH/cache

if [[ ${STAGE:-run} == build ]]; then
  cmake --build "$BUILD" --target auto_switch_bench auto_switch_gpu_test auto_two_pass_test -j "$(nproc)" \
    >"$OUT/build.log" 2>&1 || { note "build failed (build.log)"; exit 1; }
  note "built: $(date -u '+%H:%M UTC')"
  exit 0
fi

start=$SECONDS
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader | tee -a "$OUT/summary.txt"
note "auto two-pass session: $(date -u '+%Y-%m-%d %H:%M UTC'), $RUNS runs, duration $DURATION, best of $REPEAT"
for t in auto_switch_gpu_test auto_two_pass_test; do
  timeout 25 "$BUILD/tests/batch/$t" >"$OUT/$t.log" 2>&1 && note "$t: passed" || note "$t: FAILED ($t.log)"
done
grep -E "tolerance scales|handed|SKIP" "$OUT/auto_switch_gpu_test.log" | tee -a "$OUT/summary.txt"

bench() {  # label, then bench arguments
  local label=$1
  shift
  timeout "$CAP" "$BUILD/bench/auto_switch_bench" --backend cuda --runs "$RUNS" --duration "$DURATION" \
    --repeat "$REPEAT" --cache "$SCRATCH/cache" "$@" >"$OUT/bench_$label.log" 2>&1
  note "bench $label (exit $?, ${SECONDS}s into the session):"
  tee -a "$OUT/summary.txt" <"$OUT/bench_$label.log" >/dev/null
}
for prec in float64 float32; do
  flag=""
  [[ $prec == float32 ]] && flag=--float
  bench "${prec}_mixed" $flag --sweeps mixed,nonstiff --methods auto1,auto2,rodas5p,dopri54
  bench "${prec}_stiff" $flag --sweeps stiff,shuffled --methods auto1,auto2,rodas5p
done
# One chunk per solve (--min-chunks 1: no pipelining cut): each row's "kernel s" is then the
# kernels' own time, not summed over chunks that overlap on three streams, so wall - kernel is
# what the solve costs besides the kernels (transfers, staging, the host).
for prec in float64 float32; do
  flag=""
  [[ $prec == float32 ]] && flag=--float
  bench "${prec}_one_chunk" $flag --sweeps nonstiff,mixed --methods auto1,auto2,rodas5p,dopri54 --min-chunks 1
  bench "${prec}_one_chunk_stiff" $flag --sweeps stiff --methods auto1,auto2,rodas5p --min-chunks 1
done
# Chunks of 32,768 runs: a chunk's second pass overlaps the next chunk's first pass on
# another stream (one chunk runs the passes back to back, the tail of the first idling SMs).
CAP=25 bench float64_chunked --sweeps mixed,stiff --methods auto1,auto2 --max-chunk-runs 32768
note "session done in $((SECONDS - start)) s"
