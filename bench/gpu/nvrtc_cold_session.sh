#!/usr/bin/env bash
# bench/gpu/nvrtc_cold_session.sh
# Issue 14 on the GPU machine, one device call (about 4 minutes with cubie built; the build of
# cubie_cli, when needed, under 300 s more): the cold `cubie run` of the standard models through
# NVRTC, this tree's default ("A") against the same binary with one environment switch set
# ("B", for before/after in one build). Cases interleaved, A then B, each in a fresh compile
# cache (bench/models/model_compile_times.sh: cold compile_ms, wall and cpu seconds of the cold
# `cubie run`, then the fastest of REPS warm runs' solve_ms; each warm run is a fresh process
# loading its modules from the cache). Repeat a case name in CASES for more cold samples.
#
#   bash bench/gpu/nvrtc_cold_session.sh                 (device tool; BUILD default build-h200)
#   B_ENV=CUBIE_FIXED_COUNT=now   (default) every fixed-count program built at once
#   B_ENV=CUBIE_NVRTC_SPLIT=0     one program holding both loop paths
#   B_ENV="CUBIE_NVRTC_OPTIONS=-Xptxas -Ofc=mid"   extra NVRTC options
#   B_ENV=                        A alone (no B runs)
#   REPS=3 CASES="lorenz pleiades_dop853 pleiades_dop853" bash bench/gpu/nvrtc_cold_session.sh
#
# $OUT/summary.txt grows line by line (each case under a 150 s limit, the call under 560 s);
# $OUT holds three files (summary.txt, build.log, stderr.log): under the device tool's 8.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/nvrtc-cold}
BUILD=${BUILD:-$ROOT/build-h200}
CUBIE=$BUILD/apps/cubie/cubie
REPS=${REPS:-2}
CASES=${CASES:-lorenz lorenz96_rk4 lorenz96_dopri54 pleiades_dopri54 pleiades_dop853}
B_ENV=${B_ENV-CUBIE_FIXED_COUNT=now}
mkdir -p "$OUT"
REPORT=$OUT/summary.txt
START=$(date +%s)
note() { printf '%s\n' "$*" | tee -a "$REPORT"; }
left() { echo $((560 - ($(date +%s) - START))); }
for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done

note "nvrtc_cold_session: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)," \
  "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null), $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)"
if [[ ! -f $BUILD/build.ninja ]]; then
  timeout 120 cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
    >"$OUT/build.log" 2>&1 || { note "configure failed: $(tail -5 "$OUT/build.log" | tr '\n' ' ')"; exit 2; }
fi
timeout 300 ninja -C "$BUILD" -j "$(nproc)" cubie_cli >>"$OUT/build.log" 2>&1 ||
  { note "build failed or timed out: $(tail -5 "$OUT/build.log" | tr '\n' ' ')"; exit 2; }
note "cubie_cli up to date after $(($(date +%s) - START)) s"

# GPU-sized sweeps: Lorenz-96 65,536 runs; Pleiades 1,024, so that its solve fills part of the
# GPU (64 runs measure one warp's latency).
export SWEEP_L96="sweep.F={linspace=[0,16,65536]}" SWEEP_PLEIADES="sweep.m1={linspace=[0.5,2,1024]}"
modes="A"
[[ -n $B_ENV ]] && modes="A B"
note "mode: A = this tree's defaults${B_ENV:+; B = $B_ENV}"
note "$(printf '%-4s %-18s %-20s %-8s %11s %8s %8s %8s %9s %10s %7s %5s' mode case method precision compile_ms wall_s cpu_s pch_ms pch_cpu_s solve_ms failed units)"
for name in $CASES; do
  for mode in $modes; do
    limit=150
    (($(left) < 30)) && { note "   (time up: $name $mode and the rest skipped)"; break 2; }
    (($(left) < limit)) && limit=$(left)
    env_b=()
    [[ $mode == B ]] && env_b=("$B_ENV")
    line=$(env "${env_b[@]}" BACKEND=cuda CASES=$name timeout "$limit" \
      bash "$ROOT/bench/models/model_compile_times.sh" "$CUBIE" "$REPS" 2>"$OUT/case.err" | tail -1)
    if [[ -n $line && $line == "$name "* ]]; then
      note "$(printf '%-4s %s' "$mode" "$line")"
    else
      note "$(printf '%-4s %-18s failed or timed out (limit %s s): %s' "$mode" "$name" "$limit" "$(tail -3 "$OUT/case.err" | tr '\n' ' ')")"
    fi
    # One log for every case: the device tool brings back at most 8 files from $OUT.
    { echo "== $name $mode"; cat "$OUT/case.err"; } >>"$OUT/stderr.log"
    rm -f "$OUT/case.err"
  done
done
note "done in $(($(date +%s) - START)) s"
