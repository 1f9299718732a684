#!/usr/bin/env bash
# bench/gpu/nvrtc_split_session.sh
# Issue 14 on the GPU machine, one device call (about 4 minutes with cubie built, 6-8 with the
# build): the NVRTC compile time and the solve time of the standard models' kernels built one
# program per loop path (the general loop; the fixed-count path), compiled on parallel threads
# (this tree's default), against one program holding both paths in one kernel
# (CUBIE_NVRTC_SPLIT=0: the build before the split, same binary and headers). Cases run
# interleaved, split then one-program, each in a fresh compile cache (bench/models/
# model_compile_times.sh: cold compile_ms, wall and cpu seconds of the cold `cubie run`, then the
# fastest of 3 warm solves). Lorenz-96 rk4 saves only its end state: it runs the fixed-count
# path, so its solve times the fixed-count kernel; the other cases run the general loop.
#
#   bash bench/gpu/nvrtc_split_session.sh           (device tool; BUILD default build-h200)
#
# BUILD's cubie_cli is brought up to date first (configured when BUILD has no build.ninja; 300 s at most).
# $OUT/summary.txt grows line by line (each case under a 150 s limit, the call under 560 s).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/nvrtc-split}
BUILD=${BUILD:-$ROOT/build-h200}
CUBIE=$BUILD/apps/cubie/cubie
mkdir -p "$OUT"
REPORT=$OUT/summary.txt
START=$(date +%s)
note() { printf '%s\n' "$*" | tee -a "$REPORT"; }
left() { echo $((560 - ($(date +%s) - START))); }
for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done

note "nvrtc_split_session: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null)," \
  "$(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)"
# cubie_cli brought up to date (this tree's sources; quick when the lead's build is current).
if [[ ! -f $BUILD/build.ninja ]]; then
  timeout 120 cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 \
    >"$OUT/build.log" 2>&1 || { note "configure failed: $(tail -5 "$OUT/build.log" | tr '\n' ' ')"; exit 2; }
fi
timeout 300 ninja -C "$BUILD" -j "$(nproc)" cubie_cli >>"$OUT/build.log" 2>&1 ||
  { note "build failed or timed out: $(tail -5 "$OUT/build.log" | tr '\n' ' ')"; exit 2; }
note "cubie_cli up to date after $(($(date +%s) - START)) s"

# GPU-sized sweeps: Lorenz-96 as the H200 sessions before; Pleiades with 1,024 runs, so that its
# solve fills part of the GPU (64 runs measured one warp's latency).
export SWEEP_L96="sweep.F={linspace=[0,16,65536]}" SWEEP_PLEIADES="sweep.m1={linspace=[0.5,2,1024]}"
note "mode: split = one program per loop path on parallel threads (default); one = CUBIE_NVRTC_SPLIT=0"
note "$(printf '%-5s %-18s %-20s %-8s %11s %8s %8s %8s %9s %10s %7s %5s' mode case method precision compile_ms wall_s cpu_s pch_ms pch_cpu_s solve_ms failed units)"
for name in lorenz lorenz96_rk4 lorenz96_dopri54 pleiades_dopri54 pleiades_dop853; do
  for mode in split one; do
    limit=150
    (($(left) < 30)) && { note "   (time up: $name $mode and the rest skipped)"; break 2; }
    (($(left) < limit)) && limit=$(left)
    split=1
    [[ $mode == one ]] && split=0
    line=$(CUBIE_NVRTC_SPLIT=$split BACKEND=cuda CASES=$name timeout "$limit" \
      bash "$ROOT/bench/models/model_compile_times.sh" "$CUBIE" 3 2>"$OUT/$name.$mode.err" | tail -1)
    if [[ -n $line && $line == "$name "* ]]; then
      note "$(printf '%-5s %s' "$mode" "$line")"
    else
      note "$(printf '%-5s %-18s failed or timed out (limit %s s): %s' "$mode" "$name" "$limit" "$(tail -3 "$OUT/$name.$mode.err" | tr '\n' ' ')")"
    fi
  done
done
note "done in $(($(date +%s) - START)) s"
