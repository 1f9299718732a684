#!/usr/bin/env bash
# bench/gpu/first_solve_options.sh
# Issue 11, B1's first solve: each way of moving a GPU solve's host copies, measured in fresh
# processes in one call (about 2-3 minutes of measurements; a build of this branch's changes
# into $BUILD first, about a minute on 16 cores when $BUILD was built from main):
#   old            CUBIE_HOST_STAGING=pinned CUBIE_REGISTER_FROM=2M: pinned staging as before
#                  this branch (input staging blocks under 2 MiB by cudaHostAlloc)
#   pinned         CUBIE_HOST_STAGING=pinned: the same, blocks from 256 KiB registered
#   first_pageable the default: an executor's first solve (host traffic <= 256 MiB) uploads
#                  straight from the prepared inputs and downloads straight into the pageable
#                  result, its pages populated on the copy threads first; pinned from the second
#   first_nopop    first_pageable without the populate (CUBIE_POPULATE_RESULTS=0)
#   pageable       every solve through pageable memory (the steady column says what that costs)
# for B1 (rk4, 4,194,304 and 16,777,216 runs, final state) with pageable results (the memory
# settings' default, what `cubie run` and Python use) and pinned results (memory.pinned_results),
# and B3 (101 saves, 5.1 GB; old, first_pageable, and pageable once) both ways, REPS fresh
# processes each (default 3), medians of first,
# second and steady (the median of 5 after the first) per case; then host_memory_bench --gib 1
# for the host's floors (first touch, registration); then `cubie run` B1 in fresh processes,
# old against the default (CLI=0 skips it); PYTHON_OVERHEAD=1 adds issue 12's Python overhead.
# BUDGET (default 230 s) bounds the call: cases left when it runs out are skipped, so build
# first (`h200_session.sh build`, or ninja cubie_gpu_bench host_memory_bench cubie_cli).
#
#   BUILD=$PWD/build-h200 bash bench/gpu/first_solve_options.sh     ($OUT gets summary.txt, logs.tar.gz)
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/first-solve-options}
BUILD=${BUILD:-$ROOT/build-first-solve}
SCRATCH=${SCRATCH:-/tmp/cubie-first-solve-options}
REPS=${REPS:-3}
BUDGET=${BUDGET:-230}  # seconds for the whole call; cases left when it runs out are skipped
LOG=$SCRATCH/logs
rm -rf "$LOG"
mkdir -p "$OUT" "$LOG"
SUMMARY=$OUT/summary.txt
: >"$SUMMARY"
START=$(date +%s)
note() { printf '%s\n' "$*" | tee -a "$SUMMARY"; }
for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done
export PATH
cd "$ROOT"
note "first-solve options: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)"
note "$(git log -1 --format='commit %h %s' 2>/dev/null | cut -c1-110)"

# ---- build (this branch's changes into an existing build dir, or a fresh one) ----------------
source "$ROOT/bench/gpu/toml_shim.sh"
if ! h200_build "$ROOT" "$BUILD" "$LOG" cubie_gpu_bench host_memory_bench; then
  tar -czf "$OUT/logs.tar.gz" -C "$SCRATCH" logs
  exit 1
fi
B=$BUILD/bench/gpu/cubie_gpu_bench
H=$BUILD/bench/host_memory_bench
[[ -x $B ]] || B=$(find "$BUILD" -name cubie_gpu_bench -type f -perm -u+x | head -1)
[[ -x $H ]] || H=$(find "$BUILD" -name host_memory_bench -type f -perm -u+x | head -1)
T0=$(date +%s)

declare -A CONFIG=(
  [old]="CUBIE_HOST_STAGING=pinned CUBIE_REGISTER_FROM=2M"
  [pinned]="CUBIE_HOST_STAGING=pinned"
  [first_pageable]=""
  [first_nopop]="CUBIE_POPULATE_RESULTS=0"
  [pageable]="CUBIE_HOST_STAGING=pageable"
)
ORDER=(old pinned first_pageable first_nopop pageable)
left() { echo $((BUDGET - ($(date +%s) - START))); }
# B1 first (the goal), every configuration and rep interleaved so drift hits all alike; B3 after.
for only in B1 B3; do
  for rep in $(seq 1 "$REPS"); do
    for cfg in "${ORDER[@]}"; do
      for mode in pageable pinned; do
        # B3's traffic (5.1 GB) is over the first_pageable bound: there pinned, first_pageable
        # and first_nopop are one path (old differs only in small blocks). Through pageable
        # memory on every solve it downloads 5.1 GB through the driver's staging: once will do.
        if [[ $only == B3 ]]; then
          [[ $cfg == pinned || $cfg == first_nopop ]] && continue
          [[ $cfg == pageable && $rep -gt 1 ]] && continue
        fi
        (($(left) < 25)) && { note "skipped $only $cfg $mode rep $rep: budget spent"; continue; }
        flag=()
        [[ $mode == pageable ]] && flag=(--pageable)
        name=${only}_${mode}_${cfg}_${rep}
        env ${CONFIG[$cfg]} timeout 60 "$B" --only "$only" --reps 5 "${flag[@]}" >"$LOG/$name.log" 2>&1
        echo "$name rc=$?" >>"$LOG/rcs.txt"
      done
    done
  done
done
note "measurements took $(($(date +%s) - T0)) s"
if (($(left) > 20)); then
  timeout "$(($(left) - 5))" "$H" --gib 1 >"$LOG/host_memory.log" 2>&1
  note "---- host_memory_bench --gib 1"
  note "$(grep -E 'first touch, (4 KiB|huge) pages, [0-9]+ threads, round 2|^register|then cudaHostRegister|^cudaHostAlloc [0-9]+ [MK]iB|pinned_host_resource' "$LOG/host_memory.log")"
fi

note "---- medians over $REPS fresh processes (ms); pinned/pageable = where results are kept; goal B1: first <= 1.5 x steady"
python3 - "$LOG" "${ORDER[@]}" <<'PY' | tee -a "$SUMMARY"
import glob, os, re, statistics, sys
log, order = sys.argv[1], sys.argv[2:]
rows = {}
for f in glob.glob(os.path.join(log, "B*_*.log")):
    only, mode, rest = os.path.basename(f)[:-4].split("_", 2)
    cfg = rest.rsplit("_", 1)[0]
    header = None
    for line in open(f):
        if line.startswith("case "):
            header = line.split()
            continue
        if header is None or not line.startswith(("B1 rk4 dt=1/1024 final", "B3 rk4")):
            continue
        cols = line.split()
        i = next(k for k, c in enumerate(cols) if c.isdigit() and int(c) >= 65536)
        n, first, steady = int(cols[i]), float(cols[i + 1]), float(cols[i + 2])
        pin_mb, pin_ms, second = float(cols[-4]), float(cols[-3]), float(cols[-1])
        rows.setdefault((only, n, mode, cfg), []).append((first, steady, second, pin_mb, pin_ms))
print(f"{'case':30s} {'config':15s} {'reps':>4s} {'first':>8s} {'2nd':>8s} {'steady':>8s} {'1st/st':>7s} {'1.5x st':>8s} {'pin MB':>7s} {'pin ms':>7s}")
for key in sorted(rows, key=lambda k: (k[0], k[1], k[2], order.index(k[3]) if k[3] in order else 99)):
    only, n, mode, cfg = key
    v = rows[key]
    med = [statistics.median(x[j] for x in v) for j in range(5)]
    print(f"{only} N={n:<10d} {mode:9s}  {cfg:15s} {len(v):4d} {med[0]:8.2f} {med[2]:8.2f} {med[1]:8.2f} "
          f"{med[0] / med[1]:7.2f} {1.5 * med[1]:8.2f} {med[3]:7.1f} {med[4]:7.2f}")
PY
grep -v 'rc=0' "$LOG/rcs.txt" | tee -a "$SUMMARY" >/dev/null
# `cubie run` B1 in fresh processes (CLI=0 skips it): the model compiled once into the cache,
# then old against the default, twice each (in-memory results: a first solve every time).
if [[ ${CLI:-1} == 1 ]] && (($(left) > 40)); then
  t0=$(date +%s)
  ninja -C "$BUILD" -j "$(nproc)" cubie_cli >"$LOG/build_cli.log" 2>&1
  note "build cubie_cli: rc=$? in $(($(date +%s) - t0)) s"
  CUBIE=$BUILD/apps/cubie/cubie
  export CUBIE_CACHE_DIR=$SCRATCH/cache
  source "$ROOT/bench/gpu/cubie_run_case.sh"
  LZ=$ROOT/examples/bench_lorenz.toml
  rk4=(--set solver.algorithm=classical_rk4 --set solver.dt=0.0009765625)
  B1=(--set 'sweep.rho={linspace=[0,21,4194304]}')
  note "---- cubie run B1 (rk4, 4,194,304 runs, in memory), fresh processes"
  cubie_run_case compile "" "$LZ" "${rk4[@]}" --set 'sweep.rho={linspace=[0,21,1024]}'
  for rep in 1 2; do
    for cfg in old first_pageable; do
      (($(left) < 15)) && break
      (
        [[ -n ${CONFIG[$cfg]} ]] && export ${CONFIG[$cfg]}
        cubie_run_case "B1-$cfg-$rep" "" "$LZ" "${rk4[@]}" "${B1[@]}"
      )
    done
  done
fi

# Issue 12 beside it (PYTHON_OVERHEAD=1; about 2 minutes more, with a build of _core): the
# Python call against Solver::solve at B1 size, interleaved pairs, with the result pool.
if [[ ${PYTHON_OVERHEAD:-0} == 1 ]]; then
  t0=$(date +%s)
  ninja -C "$BUILD" -j "$(nproc)" _core >"$LOG/build_core.log" 2>&1
  note "build _core: rc=$? in $(($(date +%s) - t0)) s"
  PYTHONPATH=$BUILD/python timeout 240 python3 bench/python/python_overhead.py --runs 4194304 --backend cuda \
    --repeats 21 --skip-scipy >"$LOG/python_overhead.log" 2>&1
  note "---- python_overhead.py --runs 4194304 --backend cuda --repeats 21 --skip-scipy (rc=$?)"
  note "$(grep -E '^\|' "$LOG/python_overhead.log")"
fi
note "total $(($(date +%s) - START)) s"
tar -czf "$OUT/logs.tar.gz" -C "$SCRATCH" logs
