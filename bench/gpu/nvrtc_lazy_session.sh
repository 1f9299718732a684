#!/usr/bin/env bash
# bench/gpu/nvrtc_lazy_session.sh
# Issue 14 on the GPU machine, one device call (about 4 minutes with cubie built; the
# build of cubie_cli, when needed, under 300 s more): the cold `cubie run` of the standard
# models with each loop path's NVRTC program built on first need (this tree's default: an
# adaptive run compiles and loads one program, a fixed-step run whose solve takes the
# fixed-count path compiles that one beside the general one) against every fixed-count
# program built at once (CUBIE_FIXED_COUNT=now: the build before, same binary and
# headers). Cases interleaved, lazy then eager, each in a fresh compile cache
# (bench/models/model_compile_times.sh: cold compile_ms, wall and cpu seconds of the cold
# `cubie run`, then the fastest of REPS warm runs' solve_ms: each warm run is a fresh process
# loading its modules from the cache, the small-solve cost the lazy build should cut).
#
#   bash bench/gpu/nvrtc_lazy_session.sh            (device tool; BUILD default build-h200)
#   REPS=3 CASES="lorenz pleiades_dop853" bash bench/gpu/nvrtc_lazy_session.sh
#
# $OUT/summary.txt grows line by line (each case under a 150 s limit, the call under 560 s);
# $OUT holds three files (summary.txt, build.log, stderr.log): under the device tool's 8.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/nvrtc-lazy}
BUILD=${BUILD:-$ROOT/build-h200}
CUBIE=$BUILD/apps/cubie/cubie
REPS=${REPS:-2}
CASES=${CASES:-lorenz lorenz96_rk4 lorenz96_dopri54 pleiades_dopri54 pleiades_dop853}
mkdir -p "$OUT"
REPORT=$OUT/summary.txt
START=$(date +%s)
note() { printf '%s\n' "$*" | tee -a "$REPORT"; }
left() { echo $((560 - ($(date +%s) - START))); }
for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done

note "nvrtc_lazy_session: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)," \
  "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null), $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)"
if [[ ! -f $BUILD/build.ninja ]]; then
  timeout 120 cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
    >"$OUT/build.log" 2>&1 || { note "configure failed: $(tail -5 "$OUT/build.log" | tr '\n' ' ')"; exit 2; }
fi
timeout 300 ninja -C "$BUILD" -j "$(nproc)" cubie_cli >>"$OUT/build.log" 2>&1 ||
  { note "build failed or timed out: $(tail -5 "$OUT/build.log" | tr '\n' ' ')"; exit 2; }
note "cubie_cli up to date after $(($(date +%s) - START)) s"

# GPU-sized sweeps, as bench/gpu/nvrtc_split_session.sh (the 15:11 UTC figures in RESULTS).
export SWEEP_L96="sweep.F={linspace=[0,16,65536]}" SWEEP_PLEIADES="sweep.m1={linspace=[0.5,2,1024]}"
note "mode: lazy = fixed-count programs on first need (default); eager = CUBIE_FIXED_COUNT=now"
note "$(printf '%-5s %-18s %-20s %-8s %11s %8s %8s %8s %9s %10s %7s %5s' mode case method precision compile_ms wall_s cpu_s pch_ms pch_cpu_s solve_ms failed units)"
for name in $CASES; do
  for mode in lazy eager; do
    limit=150
    (($(left) < 30)) && { note "   (time up: $name $mode and the rest skipped)"; break 2; }
    (($(left) < limit)) && limit=$(left)
    fixed=""
    [[ $mode == eager ]] && fixed=now
    line=$(CUBIE_FIXED_COUNT=$fixed BACKEND=cuda CASES=$name timeout "$limit" \
      bash "$ROOT/bench/models/model_compile_times.sh" "$CUBIE" "$REPS" 2>"$OUT/case.err" | tail -1)
    if [[ -n $line && $line == "$name "* ]]; then
      note "$(printf '%-5s %s' "$mode" "$line")"
    else
      note "$(printf '%-5s %-18s failed or timed out (limit %s s): %s' "$mode" "$name" "$limit" "$(tail -3 "$OUT/case.err" | tr '\n' ' ')")"
    fi
    # One log for every case: the device tool brings back at most 8 files from $OUT.
    { echo "== $name $mode"; cat "$OUT/case.err"; } >>"$OUT/stderr.log"
    rm -f "$OUT/case.err"
  done
done
note "done in $(($(date +%s) - START)) s"
