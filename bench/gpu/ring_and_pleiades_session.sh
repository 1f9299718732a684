#!/usr/bin/env bash
# bench/gpu/ring_and_pleiades_session.sh
# A short H200 session: B1-B3 with pinned and with pageable results (the staging ring's
# path) after the ring's copies went parallel, `cubie run` first solves of B2 and B3 both
# ways, and Pleiades diagnostics (1,024 runs of dopri54 and cash_karp54 with a step budget,
# per-run status, steps and where runs stopped). Carry .deps (toml++).
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/ring}
BUILD=$ROOT/build-main-job
LOG=$BUILD/logs-ring
SCRATCH=${SCRATCH:-/tmp/cubie-ring}
mkdir -p "$OUT" "$LOG" "$SCRATCH"
note() { printf '%s\n' "$*" | tee -a "$LOG/summary.txt"; }
for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done
START=$(date +%s)
note "ring/pleiades session: $(date -u '+%Y-%m-%d %H:%M UTC')"
source "$ROOT/bench/gpu/toml_shim.sh"
h200_cmake_args "$ROOT" "$BUILD" args -DCUBIE_BUILD_TESTS=OFF
cmake "${args[@]}" >"$LOG/configure.log" 2>&1 && ninja -C "$BUILD" cubie_cli cubie_gpu_bench >"$LOG/build.log" 2>&1
note "build: rc=$?"
CUBIE=$BUILD/apps/cubie/cubie
export CUBIE_CACHE_DIR=$SCRATCH/cache
for mode in pinned pageable; do
  flag=(); [[ $mode == pageable ]] && flag=(--pageable)
  note "---- engine, $mode results"
  timeout 150 "$BUILD/bench/gpu/cubie_gpu_bench" --only B1,B2,B3 --reps 5 "${flag[@]}" >"$LOG/bench_$mode.log" 2>&1
  sed -n '/^case /,$p' "$LOG/bench_$mode.log" | grep -v "steps per run" | tee -a "$LOG/summary.txt" >/dev/null
done
LZ=$ROOT/examples/bench_lorenz.toml
rk4=(--set solver.algorithm=classical_rk4 --set solver.dt=0.0009765625)
timed() {  # timed NAME ARGS...: a fresh cubie process, its wall time and JSON timings
  local name=$1
  shift
  local t0 t1
  t0=$(date +%s%N)
  timeout 150 "$CUBIE" run "$@" --backend cuda --json >"$LOG/$name.json" 2>"$LOG/$name.err"
  local rc=$?
  t1=$(date +%s%N)
  note "$(printf '%-30s rc=%d wall %7.0f ms ' "$name" $rc "$(awk -v ns=$((t1 - t0)) 'BEGIN{print ns/1e6}')")$(python3 -c "
import json
try:
    d=json.load(open('$LOG/$name.json')); t=d['timings_ms']
    print('solve %.1f write %.1f kernel %.1f d2h %.1f wait %.1f failed %s' % (t['solve'], t['write'], t['kernel'], t['d2h'], t['staging_wait'], d['failed']['by_status']))
except Exception as e: print('no JSON', open('$LOG/$name.err').read()[-200:])
")"
}
timed warm "$LZ" --set 'sweep.rho={linspace=[0,21,1024]}'
timed warm-rk4 "$LZ" "${rk4[@]}" --set 'sweep.rho={linspace=[0,21,1024]}'
for res in true false; do
  timed "B2-pinned=$res" "$LZ" --set 'sweep.rho={linspace=[0,21,16777216]}' --set memory.pinned_results=$res
  timed "B3-pinned=$res" "$LZ" "${rk4[@]}" --set 'sweep.rho={linspace=[0,21,4194304]}' --set solver.save_every=0.01 \
    --set memory.pinned_results=$res
done
PL=$ROOT/examples/pleiades.toml
for m in dormand_prince_54 cash_karp_54; do
  rm -f "$SCRATCH/pl_$m.h5"
  timed "pleiades-1024-$m" "$PL" --set 'sweep.m1={linspace=[0.5,2,1024]}' --set solver.algorithm=$m \
    --set solver.max_steps=200000 --out "$SCRATCH/pl_$m.h5"
  python3 - "$SCRATCH/pl_$m.h5" <<'PY' 2>&1 | tee -a "$LOG/summary.txt" >/dev/null
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1])
s, a, r, t, dt = (f[k][:] for k in ("status", "steps_accepted", "steps_rejected", "t_reached", "dt_last"))
m = f["inputs/parameters"][0]
print("  steps: mean %.0f, median %.0f, max %d; failed %d" % (a.mean() + r.mean(), np.median(a + r), (a + r).max(), (s != 0).sum()))
for i in np.argsort(a + r)[-8:]:
    print("  run %4d m1 %.6f status %4d acc %7d rej %6d t_reached %.9f dt_last %.3e" % (i, m[i], s[i], a[i], r[i], t[i], dt[i]))
PY
done
timed pleiades-1M-cash-karp "$PL" --set solver.algorithm=cash_karp_54 --set solver.max_steps=200000
timed pleiades-1M-dopri "$PL" --set solver.max_steps=200000
timed L96-1M "$ROOT/examples/lorenz96.toml"
note "total $(($(date +%s) - START)) s"
cp "$LOG/summary.txt" "$OUT/summary.txt"
