#!/usr/bin/env bash
# bench/gpu/auto_two_pass_session.sh
# Issue 9 item 6 on an H200, one device call of under 4 minutes once the targets are built:
# algorithm = "auto" (two passes, the default on CUDA: an explicit kernel, then auto over the
# runs whose stiffness test fired; integrate/continuation.hpp) against dormand_prince_54 and
# rodas5p on the Van der Pol sweep mu = logspace(-1, 3) (examples/van_der_pol.toml, NVRTC,
# initial and final states), float64 and float32: the non-stiff end (mu <= 1), the mixed sweep
# and the stiff end (mu >= 100; dopri54 is left out there, ~500x rodas5p). Every method runs
# in the default chunking (pipelined: whole waves per chunk) and in one chunk
# (--min-chunks 1); summary.txt ends with a table of each method in the default chunking and
# at its best chunking (the faster of the two), and auto over the better single method both
# ways. Four diagnostics: the non-stiff end with pinned results (downloads straight into the
# result: no staging ring, no host copy); auto with its second pass launched on the count of
# runs handed on (CUBIE_AUTO_SECOND_LAUNCH=counted: none, no launch) in both chunkings; float32
# auto in one kernel in both chunkings (no second launch per chunk); and float32 auto's first
# pass built for 9
# resident blocks per multiprocessor (CUBIE_FIRST_PASS_MIN_BLOCKS=9: 56 registers and 12 B of
# local traffic per step, where ptxas's 64 give 8 blocks against dopri54's 9).
# Before the sweeps: auto_switch_gpu_test, auto_two_pass_test and auto_chunk_cut_test.
# Needs a build with CUDA that has the targets auto_switch_bench, auto_switch_gpu_test,
# auto_two_pass_test and auto_chunk_cut_test (the lead's build-h200):
#   BUILD=$PWD/build-h200 STAGE=build bash bench/gpu/auto_two_pass_session.sh   (builds them)
#   BUILD=$PWD/build-h200 bash bench/gpu/auto_two_pass_session.sh
#   BUILD=$PWD/build-h200 STAGE=all bash bench/gpu/auto_two_pass_session.sh     (both, one call)
# Logs under $OUT (default out/auto_two_pass): summary.txt (every row and the tables), rows.csv
# and logs.tar.gz (each call's log, packed: the device tool returns at most 8 files).
# RUNS (default 1048576), DURATION (100), REPEAT (2), CAP (seconds per bench call, 40).
# Each row shows the kernels' time (CUDA events summed over chunks: chunks on three streams
# overlap, so in the default chunking it may exceed the wall time), the chunks, registers and
# blocks per multiprocessor (auto: the second pass's kernel), the copies' times, the setup
# before the first chunk, the time spent waiting for a staging-ring slot and the megabytes
# downloaded.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/auto_two_pass}
BUILD=${BUILD:-$ROOT/build-h200}
SCRATCH=${SCRATCH:-/tmp/cubie-auto-two-pass}
RUNS=${RUNS:-1048576}
DURATION=${DURATION:-100}
REPEAT=${REPEAT:-2}
CAP=${CAP:-40}
mkdir -p "$OUT" "$SCRATCH"
note() { printf '%s\n' "$*" | tee -a "$OUT/summary.txt"; }
for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done
export CUBIE_CACHE_DIR=$SCRATCH/cache

if [[ ${STAGE:-run} == build || ${STAGE:-run} == all ]]; then
  cmake --build "$BUILD" --target auto_switch_bench auto_switch_gpu_test auto_two_pass_test auto_chunk_cut_test \
    -j "$(nproc)" >"$OUT/build.log" 2>&1 || { note "build failed (build.log)"; tail -20 "$OUT/build.log"; exit 1; }
  note "built: $(date -u '+%H:%M UTC')"
  [[ $STAGE == build ]] && exit 0
fi

start=$SECONDS
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader | tee -a "$OUT/summary.txt"
note "auto two-pass session: $(date -u '+%Y-%m-%d %H:%M UTC'), $RUNS runs, duration $DURATION, best of $REPEAT"
for t in auto_switch_gpu_test auto_two_pass_test auto_chunk_cut_test; do
  timeout 25 "$BUILD/tests/batch/$t" >"$OUT/$t.log" 2>&1 && note "$t: passed" || note "$t: FAILED ($t.log)"
done
grep -E "tolerance scales|handed|SKIP" "$OUT/auto_switch_gpu_test.log" | tee -a "$OUT/summary.txt"

bench() {  # tag, then bench arguments
  local tag=$1
  shift
  timeout "$CAP" "$BUILD/bench/auto_switch_bench" --backend cuda --runs "$RUNS" --duration "$DURATION" \
    --repeat "$REPEAT" --cache "$SCRATCH/cache" --tag "$tag" "$@" >"$OUT/bench_$tag.log" 2>&1
  note "bench $tag (exit $?, ${SECONDS}s into the session):"
  grep -v '^csv,' "$OUT/bench_$tag.log" | tee -a "$OUT/summary.txt" >/dev/null
  grep '^csv,' "$OUT/bench_$tag.log" >>"$OUT/rows.csv"
}
: >"$OUT/rows.csv"
for prec in float64 float32; do
  flag=""
  [[ $prec == float32 ]] && flag=--float
  for chunking in default one; do
    more=""
    [[ $chunking == one ]] && more="--min-chunks 1"
    # shellcheck disable=SC2086
    bench "${prec}_${chunking}" $flag $more --sweeps nonstiff,mixed --methods auto2,dopri54,rodas5p
    # shellcheck disable=SC2086
    bench "${prec}_${chunking}_stiff" $flag $more --sweeps stiff --methods auto2,rodas5p
  done
  # shellcheck disable=SC2086
  bench "${prec}_pinned" $flag --sweeps nonstiff --methods auto2,dopri54 --pinned-results
  # The second pass launched once each chunk's count is on the host, over those runs only,
  # and not at all for a chunk that handed none on (CUBIE_AUTO_SECOND_LAUNCH=counted).
  # shellcheck disable=SC2086
  CUBIE_AUTO_SECOND_LAUNCH=counted bench "${prec}_counted" $flag --sweeps nonstiff,mixed,stiff --methods auto2
  # shellcheck disable=SC2086
  CUBIE_AUTO_SECOND_LAUNCH=counted bench "${prec}_counted_one" $flag --min-chunks 1 --sweeps nonstiff,mixed,stiff \
    --methods auto2
done
# Control for the float32 non-stiff end: auto in one kernel (CUBIE_AUTO_PASSES=1: no second
# launch, the same outputs) in both chunkings. If it loses as much to chunking as two passes
# do, the per-chunk cost is not the second pass's.
bench float32_auto1_default --float --sweeps nonstiff --methods auto1
bench float32_auto1_one --float --min-chunks 1 --sweeps nonstiff --methods auto1
# float32, auto's first pass at 9 blocks per multiprocessor (its own NVRTC compiles of auto's
# two kernels: the options are part of the cache key; hence the longer cap).
CUBIE_NVRTC_OPTIONS=-DCUBIE_FIRST_PASS_MIN_BLOCKS=9 CAP=90 bench float32_p1mb9 --float --sweeps nonstiff,mixed,stiff --methods auto2
CUBIE_NVRTC_OPTIONS=-DCUBIE_FIRST_PASS_MIN_BLOCKS=9 bench float32_p1mb9_one --float --min-chunks 1 \
  --sweeps nonstiff,mixed,stiff --methods auto2

# The tables: csv,tag,precision,sweep,method,wall,kernel,chunks,regs,blocks,h2d,d2h,setup,MB,...
note ""
note "Seconds per solve (best of $REPEAT); default = default chunking, best = the faster of default and one chunk;"
note "auto / single = auto over the better of dopri54 and rodas5p, both in the default chunking, then both at their best."
awk -F, '
  $2 ~ /^float(32|64)_(default|one)(_stiff)?$/ {
    split($2, t, "_"); c = t[2]; k = $3 "," $4 "," $5
    w[k "," c] = $6 + 0; seen[$3 "," $4] = 1
  }
  function get(k, c) { return (k "," c) in w ? w[k "," c] : "" }
  function best(k,   a, b) { a = get(k, "default"); b = get(k, "one"); if (a == "") return b; if (b == "") return a; return a < b ? a : b }
  function fmt(x) { return x == "" ? "     -" : sprintf("%6.4f", x) }
  function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "    -" : sprintf("%5.2f", a / b) }
  END {
    printf "%-8s %-9s | %-15s | %-15s | %-15s | %-13s | %-13s\n", "prec", "sweep", "auto def/best", "dopri54 def/best", "rodas5p def/best", "auto/single def", "auto/single best"
    n = split("float64 float32", P, " "); m = split("nonstiff mixed stiff", S, " ")
    for (i = 1; i <= n; ++i) for (j = 1; j <= m; ++j) {
      p = P[i]; s = S[j]; if (!((p "," s) in seen)) continue
      a = p "," s ",auto2"; d = p "," s ",dopri54"; r = p "," s ",rodas5p"
      sd = get(d, "default"); rd = get(r, "default"); single_def = (sd == "" ? rd : (rd == "" || sd < rd ? sd : rd))
      sb = best(d); rb = best(r); single_best = (sb == "" ? rb : (rb == "" || sb < rb ? sb : rb))
      printf "%-8s %-9s | %s %s | %s %s  | %s %s  | %s         | %s\n", p, s, fmt(get(a, "default")), fmt(best(a)),
             fmt(sd), fmt(sb), fmt(rd), fmt(rb), ratio(get(a, "default"), single_def), ratio(best(a), single_best)
    }
  }' "$OUT/rows.csv" | tee -a "$OUT/summary.txt"
note ""
note "Diagnostics (wall s, kernel s, chunks, h2d s, d2h s, setup s, ring wait s, MB down):"
awk -F, '$2 ~ /pinned|p1mb9|auto1|counted/ || ($2 ~ /^float(32|64)_(default|one)$/ && $4 == "nonstiff") {
  printf "  %-22s %-9s %-8s %8.4f %8.4f %4d %8.4f %8.4f %8.4f %8.4f %8.1f\n", $2, $4, $5, $6, $7, $8, $11, $12, $13, $18, $14 }' \
  "$OUT/rows.csv" | tee -a "$OUT/summary.txt"
note "session done in $((SECONDS - start)) s"
# The device tool brings back at most 8 files: the logs go into one archive beside
# summary.txt and rows.csv (under bench/gpu/chain.sh, which packs the folder again, too).
(cd "$OUT" && tar -czf logs.tar.gz --remove-files ./*.log) || note "packing the logs failed"
