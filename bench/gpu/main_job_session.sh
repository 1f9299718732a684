#!/usr/bin/env bash
# bench/gpu/main_job_session.sh
# Issue 11's measurements on the H200 in one session: the host floors of a first solve
# (first touch, copies into fresh pages, pinning, disk write rate), the engine's first and
# steady solves with pinned and with pageable results (B1-B3), and what a user runs:
# `cubie run` in a fresh process, with and without --out, for B1, B2, B3, a dense dopri54
# case, Lorenz-96 (32 states) and Pleiades (28 states). Carry .deps (toml++).
#
#   bash bench/gpu/main_job_session.sh      ($OUT gets summary.txt and logs.tar.gz)
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/main-job}
BUILD=$ROOT/build-main-job
LOG=$BUILD/logs
SCRATCH=${SCRATCH:-/tmp/cubie-main-job}
mkdir -p "$OUT" "$LOG" "$SCRATCH"
START=$(date +%s)
note() { printf '%s\n' "$*" | tee -a "$LOG/summary.txt"; }
for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done
note "main-job session: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null)"
note "host: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), THP $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null), defrag $(cat /sys/kernel/mm/transparent_hugepage/defrag 2>/dev/null)"

source "$ROOT/bench/gpu/toml_shim.sh"
h200_cmake_args "$ROOT" "$BUILD" args -DCUBIE_BUILD_TESTS=OFF
t0=$(date +%s)
cmake "${args[@]}" >"$LOG/configure.log" 2>&1 && ninja -C "$BUILD" cubie_cli cubie_gpu_bench host_memory_bench >"$LOG/build.log" 2>&1
note "build: rc=$? in $(($(date +%s) - t0)) s"
CUBIE=$BUILD/apps/cubie/cubie
export CUBIE_CACHE_DIR=$SCRATCH/cache

note "---- host floors (host_memory_bench --gib 5)"
timeout 120 "$BUILD/bench/host_memory_bench" --gib 5 2>&1 | tee -a "$LOG/summary.txt" >/dev/null
sync
t0=$(date +%s%N)
dd if=/dev/zero of="$SCRATCH/dd.bin" bs=64M count=48 conv=fdatasync 2>"$LOG/dd.log"
t1=$(date +%s%N)
note "disk write (dd 3 GiB, conv=fdatasync): $(awk -v ns=$((t1 - t0)) 'BEGIN{printf "%.2f GB/s", 3.221225472 / (ns / 1e9)}') ($(tail -1 "$LOG/dd.log"))"
rm -f "$SCRATCH/dd.bin"
df -h "$SCRATCH" | tail -1 | tee -a "$LOG/summary.txt" >/dev/null

for mode in pinned pageable; do
  flag=(); [[ $mode == pageable ]] && flag=(--pageable)
  note "---- engine, $mode results (cubie_gpu_bench --only B1,B2,B3 --reps 5 ${flag[*]})"
  timeout 240 "$BUILD/bench/gpu/cubie_gpu_bench" --only B1,B2,B3 --reps 5 "${flag[@]}" >"$LOG/bench_$mode.log" 2>&1
  sed -n '/^case /,$p' "$LOG/bench_$mode.log" | tee -a "$LOG/summary.txt" >/dev/null
done

# `cubie run` in fresh processes: the model compiled once first (cache), then each case timed
# as a whole process (wall) with the solve's own JSON timings.
LZ=$ROOT/examples/bench_lorenz.toml
rk4=(--set solver.algorithm=classical_rk4 --set solver.dt=0.0009765625)
source "$ROOT/bench/gpu/cubie_run_case.sh"
run_case() { cubie_run_case "$@"; }  # run_case NAME OUTFILE ARGS...
note "---- cubie run (fresh process each)"
run_case compile-lorenz-rk4 "" "$LZ" "${rk4[@]}" --set 'sweep.rho={linspace=[0,21,1024]}'
run_case compile-lorenz-dopri "" "$LZ" --set 'sweep.rho={linspace=[0,21,1024]}'
B1=(--set 'sweep.rho={linspace=[0,21,4194304]}')
B2=(--set 'sweep.rho={linspace=[0,21,16777216]}')
D100=(--set 'sweep.rho={linspace=[0,21,1048576]}' --set solver.save_every=0.01)
B3=(--set 'sweep.rho={linspace=[0,21,4194304]}' --set solver.save_every=0.01)
for res in true false; do
  P=(--set memory.pinned_results=$res)
  run_case "B1-mem-pinned=$res" "" "$LZ" "${rk4[@]}" "${B1[@]}" "${P[@]}"
  run_case "B2-mem-pinned=$res" "" "$LZ" "${B2[@]}" "${P[@]}"
  run_case "D100-mem-pinned=$res" "" "$LZ" "${D100[@]}" "${P[@]}"
  run_case "B3-mem-pinned=$res" "" "$LZ" "${rk4[@]}" "${B3[@]}" "${P[@]}"
done
run_case B1-h5 "$SCRATCH/b1.h5" "$LZ" "${rk4[@]}" "${B1[@]}"
run_case B2-h5 "$SCRATCH/b2.h5" "$LZ" "${B2[@]}"
run_case D100-h5 "$SCRATCH/d100.h5" "$LZ" "${D100[@]}"
run_case B3-h5 "$SCRATCH/b3.h5" "$LZ" "${rk4[@]}" "${B3[@]}"
run_case compile-l96 "" "$ROOT/examples/lorenz96.toml" --set 'sweep.F={linspace=[0,16,1024]}'
run_case L96-1M "" "$ROOT/examples/lorenz96.toml"
run_case L96-1M-again "" "$ROOT/examples/lorenz96.toml"
run_case compile-pleiades "" "$ROOT/examples/pleiades.toml" --set 'sweep.m1={linspace=[0.5,2,1024]}'
run_case pleiades-1M "" "$ROOT/examples/pleiades.toml"
run_case pleiades-1M-again "" "$ROOT/examples/pleiades.toml"

note "total $(($(date +%s) - START)) s"
cp "$LOG/summary.txt" "$OUT/summary.txt"
tar -czf "$OUT/logs.tar.gz" -C "$LOG" . 2>/dev/null
