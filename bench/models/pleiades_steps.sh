#!/usr/bin/env bash
# bench/models/pleiades_steps.sh
# Step totals and solve time of the Pleiades sweep (examples/pleiades.toml, m1 over
# linspace(0.5, 2, RUNS), rtol = atol = 1e-5, t in [0, 3]) per method and precision, with each
# method's default controller: what a close encounter costs each explicit method (issue 14).
# One line per case: accepted and rejected steps over all runs, failed runs, the most trials
# one run took (a GPU warp waits for its slowest run), and the solve time (timings_ms.solve).
#
#   bash bench/models/pleiades_steps.sh [CUBIE_BINARY] [RUNS] [extra --set options...]
#   METHODS="dop853 vern7" PRECISIONS=float32 bash bench/models/pleiades_steps.sh build/apps/cubie/cubie 1024
# Needs h5py (the counts come from the result file).
set -euo pipefail
set -f
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CUBIE=${1:-$ROOT/build/apps/cubie/cubie}
RUNS=${2:-64}
shift $(($# < 2 ? $# : 2))
METHODS=${METHODS:-dopri54 dop853 vern7}
PRECISIONS=${PRECISIONS:-float32 float64}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/cubie-pleiades-steps.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export CUBIE_CACHE_DIR=${CUBIE_CACHE_DIR:-$scratch/cache}
extra=()
for s in "$@"; do extra+=(--set "$s"); done
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores," \
  "load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC'); $CUBIE; runs $RUNS; extra: $*"
printf '%-8s %-8s %10s %9s %6s %10s %9s\n' method prec accepted rejected failed max_trials solve_ms
for method in $METHODS; do
  for prec in $PRECISIONS; do
    out=$scratch/$method-$prec.h5
    "$CUBIE" run "$ROOT/examples/pleiades.toml" --backend cpu --json --set "sweep.m1={linspace=[0.5,2,$RUNS]}" \
      --set solver.algorithm="$method" --set precision="$prec" \
      --set 'solver.output_types=["state","iteration_counters"]' "${extra[@]}" --out "$out" >"$scratch/run.json" 2>"$scratch/run.err"
    python3 - "$out" "$scratch/run.json" "$method" "$prec" <<'PY'
import h5py, json, sys
import numpy as np
f = h5py.File(sys.argv[1])
a = f["steps_accepted"][:].astype(np.int64)
r = f["steps_rejected"][:].astype(np.int64)
s = f["status"][:]
solve = json.load(open(sys.argv[2]))["timings_ms"]["solve"]
print("%-8s %-8s %10d %9d %6d %10d %9.0f" % (sys.argv[3], sys.argv[4], a.sum(), r.sum(), (s != 0).sum(), (a + r).max(), solve))
PY
    rm -f "$out"
  done
done
