#!/usr/bin/env bash
# bench/gpu/cold_compile_reps.sh
# Issue 14 item 1 on the GPU machine, one chain item of at most 150 s: the cold `cubie run`
# (NVRTC, fresh compile cache each time) of Lorenz, Lorenz-96 (dopri54) and Pleiades
# (dopri54 and dop853), REPEATS rounds with the cases interleaved, so each figure has a
# spread instead of one sample (the 2026-12-04 H200 figures were one sample each). Each
# case is bench/models/model_compile_times.sh with one warm solve (solve_ms) after the cold
# compile. Builds nothing but cubie_cli, and only when it is missing.
#
#   bash bench/gpu/chain.sh 'cold-compile 150 bash bench/gpu/cold_compile_reps.sh'
#   REPEATS=2 CASES="lorenz pleiades_dop853" bash bench/gpu/cold_compile_reps.sh
#
# $OUT/summary.txt: one row per case and round, then min/median/max of compile_ms and
# wall_s per case.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/cold-compile}
BUILD=${BUILD:-$ROOT/build-h200}
CUBIE=$BUILD/apps/cubie/cubie
REPEATS=${REPEATS:-3}
BUDGET=${BUDGET:-145}
CASES=${CASES:-lorenz lorenz96_dopri54 pleiades_dopri54 pleiades_dop853}
mkdir -p "$OUT"
REPORT=$OUT/summary.txt
ROWS=$OUT/rows.txt
: >"$ROWS"
START=$(date +%s)
note() { printf '%s\n' "$*" | tee -a "$REPORT"; }
left() { echo $((BUDGET - ($(date +%s) - START))); }
for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done

note "cold_compile_reps: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)," \
  "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null), $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)"
if [[ ! -x $CUBIE ]]; then
  timeout "$(left)" cmake --build "$BUILD" --target cubie_cli >"$OUT/build.log" 2>&1 ||
    { note "build of cubie_cli failed or timed out: $(tail -5 "$OUT/build.log" | tr '\n' ' ')"; exit 2; }
fi
export SWEEP_L96="sweep.F={linspace=[0,16,65536]}" SWEEP_PLEIADES="sweep.m1={linspace=[0.5,2,1024]}"
note "$(printf '%-5s %-18s %-20s %-8s %11s %8s %8s %8s %9s %10s %7s %5s' round case method precision compile_ms wall_s cpu_s pch_ms pch_cpu_s solve_ms failed units)"
for ((r = 1; r <= REPEATS; r++)); do
  for name in $CASES; do
    limit=$(left)
    ((limit < 10)) && { note "   (time up: round $r $name and the rest skipped)"; break 2; }
    line=$(BACKEND=cuda CASES=$name timeout "$limit" \
      bash "$ROOT/bench/models/model_compile_times.sh" "$CUBIE" 1 2>"$OUT/case.err" | tail -1)
    if [[ -n $line && $line == "$name "* ]]; then
      note "$(printf '%-5s %s' "$r" "$line")"
      printf '%s\n' "$line" >>"$ROWS"
    else
      note "$(printf '%-5s %-18s failed or timed out (limit %s s): %s' "$r" "$name" "$limit" "$(tail -3 "$OUT/case.err" | tr '\n' ' ')")"
    fi
  done
done
note "per case (min / median / max over the rounds):"
python3 - "$ROWS" <<'PY' | tee -a "$REPORT"
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) >= 6:
        rows.setdefault(f[0], []).append((float(f[3]), float(f[4])))
for case, v in rows.items():
    c = sorted(x[0] for x in v); w = sorted(x[1] for x in v)
    print(f"  {case:18s} compile_ms {c[0]:.0f} / {statistics.median(c):.0f} / {c[-1]:.0f}"
          f"   wall_s {w[0]:.2f} / {statistics.median(w):.2f} / {w[-1]:.2f}   (n={len(v)})")
PY
note "done after $(($(date +%s) - START)) s"
