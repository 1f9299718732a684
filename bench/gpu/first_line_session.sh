#!/usr/bin/env bash
# bench/gpu/first_line_session.sh
# Issue 11, part 5 on the H200: how soon `cubie run` shows a status line, and the time of each
# preparation phase, for 10^8 runs (bench_lorenz, final state only) on the GPU, in memory and
# streamed to HDF5. On main this took 24 s to the first progress line. Each status text is
# timed from process start on a pseudo-terminal (bench/host/first_status_line.py). About 3
# minutes with the build. Carry .deps (toml++) where the machine lacks it.
#
#   bash bench/gpu/first_line_session.sh      ($OUT gets summary.txt)
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/first-line}
BUILD=$ROOT/build-first-line
SCRATCH=${SCRATCH:-/tmp/cubie-first-line}
mkdir -p "$OUT" "$SCRATCH"
note() { printf '%s\n' "$*" | tee -a "$OUT/summary.txt"; }
for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done
note "first-line session: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null)"

source "$ROOT/bench/gpu/toml_shim.sh"
h200_cmake_args "$ROOT" "$BUILD" args -DCUBIE_BUILD_TESTS=OFF -DCUBIE_BUILD_BENCH=OFF
t0=$(date +%s)
cmake "${args[@]}" >"$OUT/configure.log" 2>&1 && ninja -C "$BUILD" cubie_cli >"$OUT/build.log" 2>&1
note "build: rc=$? in $(($(date +%s) - t0)) s"
CUBIE=$BUILD/apps/cubie/cubie
export CUBIE_CACHE_DIR=$SCRATCH/cache
LZ=$ROOT/examples/bench_lorenz.toml
big=(--backend cuda --set 'sweep.rho={linspace=[0,21,100000000]}')

"$CUBIE" run "$LZ" --backend cuda --quiet >/dev/null 2>&1  # compile once: the cases below hit the cache
note "---- cubie check (the plan)"
"$CUBIE" check "$LZ" "${big[@]:2}" 2>&1 | grep -E '^(runs|output|host memory)' | tee -a "$OUT/summary.txt" >/dev/null
for out in "" "$SCRATCH/big.h5"; do
  rm -f "$SCRATCH"/big*.h5
  o=(); [[ -n $out ]] && o=(--out "$out")
  note "---- cubie run, 10^8 runs on cuda ${out:+--out big.h5}${out:-in memory}"
  timeout 300 python3 "$ROOT/bench/host/first_status_line.py" "$CUBIE" run "$LZ" "${big[@]}" "${o[@]}" 2>&1 |
    grep -v '^ *[0-9.]* s  \[#' | tee -a "$OUT/summary.txt" >/dev/null
done
rm -f "$SCRATCH"/big*.h5
