#!/usr/bin/env bash
# bench/models/model_compile_times.sh
# Cold-cache compile time and solve time of `cubie run` for the standard model files
# (issue 14): each case compiles into a fresh CUBIE_CACHE_DIR (the compile a user waits
# for after editing a model), then solves REPS more times from that cache; the solve time
# is the fastest of those. Prints one table row per case.
#
#   bash bench/models/model_compile_times.sh [CUBIE_BINARY] [REPS]
#     CUBIE_BINARY  default build/apps/cubie/cubie
#     REPS          warm solves per case, default 3
#   CASES="lorenz pleiades_dop853" bash bench/models/model_compile_times.sh   (a subset)
#   BACKEND=cuda bash bench/models/model_compile_times.sh                     (NVRTC)
#
# Columns: compile_ms is `timings_ms.compile` of the cold run (key, generated source,
# compiler, load); wall_s the whole cold `cubie run`, process start to exit; cpu_s the
# user + system time of the cold run and its compiler (what the machine spent, less
# sensitive to other load than wall time); solve_ms `timings_ms.solve`, fastest warm run.
# pch_ms (host compiler only) is the same compile again in a fresh cache folder that holds
# only the precompiled header the cold run built (what a user waits for after editing the
# model: every compile but the very first in a cache folder); pch_cpu_s its cpu time.
# units: the programs (CUBINs, shared objects) the cold run built into its cache folder.
set -euo pipefail
set -f  # the --set values hold [ ]: no pathname expansion
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CUBIE=${1:-$ROOT/build/apps/cubie/cubie}
REPS=${2:-3}
BACKEND=${BACKEND:-cpu}
EX=$ROOT/examples

# name | model file | --set options (space-separated, no spaces inside one). The sweeps
# are CPU-sized; SWEEP_L96 and SWEEP_PLEIADES replace them (a GPU run wants more runs).
L96='sweep.F={linspace=[0,16,4096]}'
PL='sweep.m1={linspace=[0.5,2,64]}'
[[ -n ${SWEEP_L96:-} ]] && L96=$SWEEP_L96
[[ -n ${SWEEP_PLEIADES:-} ]] && PL=$SWEEP_PLEIADES
declare -A MODEL SETS
MODEL[lorenz]=$EX/lorenz.toml
SETS[lorenz]=""
MODEL[lorenz96_rk4]=$EX/lorenz96.toml
SETS[lorenz96_rk4]="$L96"
MODEL[lorenz96_dopri54]=$EX/lorenz96.toml
SETS[lorenz96_dopri54]="$L96 solver.algorithm=dopri54 solver.atol=1e-5 solver.rtol=1e-5"
MODEL[pleiades_dopri54]=$EX/pleiades.toml
SETS[pleiades_dopri54]="$PL"
MODEL[pleiades_dop853]=$EX/pleiades.toml
SETS[pleiades_dop853]="$PL solver.algorithm=dop853"
# dop853 with the controller it had by default until 2026-12-04 (pi; now i, as Hairer's code).
MODEL[pleiades_dop853_pi]=$EX/pleiades.toml
SETS[pleiades_dop853_pi]="$PL solver.algorithm=dop853 solver.step_controller=pi"
MODEL[pleiades_vern7]=$EX/pleiades.toml
SETS[pleiades_vern7]="$PL solver.algorithm=vern7"
CASES=${CASES:-lorenz lorenz96_rk4 lorenz96_dopri54 pleiades_dopri54 pleiades_dop853}

if [[ ! -x $CUBIE ]]; then
  echo "no cubie binary at $CUBIE (build the target cubie_cli, or pass its path)" >&2
  exit 2
fi
if [[ $BACKEND == cuda ]]; then
  # A GPU run compiles only the GPU kernels (cubie run --backend cuda); the host compiler
  # is not involved, so cpu_s is NVRTC's time.
  precision_note="NVRTC"
else
  precision_note="host compiler"
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/cubie-compile-times.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# json FIELD < file: one number from the summary (timings_ms.X or failed.count).
json() {
  python3 -c 'import json,sys
d = json.load(sys.stdin)
for k in sys.argv[1].split("."): d = d[k]
print(d)' "$1"
}

echo "cubie run --backend $BACKEND, cold cache ($precision_note), then $REPS warm solves"
echo "binary: $CUBIE"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores; $(date -u '+%Y-%m-%d %H:%M UTC')"
printf '%-18s %-20s %-8s %11s %8s %8s %8s %9s %10s %7s %5s\n' case method precision compile_ms wall_s cpu_s pch_ms pch_cpu_s solve_ms failed units
for name in $CASES; do
  model=${MODEL[$name]:?unknown case $name}
  args=(run "$model" --backend "$BACKEND" --json)
  for s in ${SETS[$name]}; do args+=(--set "$s"); done
  cache=$scratch/$name
  mkdir -p "$cache"
  out=$scratch/$name.json
  # %e wall, %U/%S user/system of cubie and the compiler it waited for.
  CUBIE_CACHE_DIR=$cache /usr/bin/time -f '%e %U %S' -o "$scratch/time" "$CUBIE" "${args[@]}" >"$out"
  read -r wall usr sys <"$scratch/time"
  units=$( (compgen -G "$cache/*.cubin" || true; compgen -G "$cache/*.so" || true) | wc -l)  # programs the cold run built
  compile_ms=$(json timings_ms.compile <"$out")
  failed=$(json failed.count <"$out")
  method=$(json algorithm <"$out")
  precision=$(json precision <"$out")
  pch_ms=-
  pch_cpu=-
  if [[ $BACKEND != cuda ]] && compgen -G "$cache/*.pch.hpp.gch" >/dev/null; then
    # The edit-and-rerun compile: a fresh folder with only the precompiled header.
    edited=$scratch/$name.pch
    mkdir -p "$edited"
    while read -r f; do cp "$f" "$edited"/; done < <(compgen -G "$cache/*.pch.*")  # set -f: no globs
    CUBIE_CACHE_DIR=$edited /usr/bin/time -f '%e %U %S' -o "$scratch/time" "$CUBIE" "${args[@]}" >"$out"
    read -r _ pusr psys <"$scratch/time"
    pch_ms=$(json timings_ms.compile <"$out")
    pch_cpu=$(python3 -c "print(f'{$pusr + $psys:.2f}')")
    pch_ms=$(python3 -c "print(round($pch_ms))")
  fi
  best=""
  for ((i = 0; i < REPS; ++i)); do
    CUBIE_CACHE_DIR=$cache "$CUBIE" "${args[@]}" >"$out"
    s=$(json timings_ms.solve <"$out")
    best=$(python3 -c "import sys; a=[float(x) for x in sys.argv[1:] if x]; print(min(a))" "$s" "$best")
  done
  printf '%-18s %-20s %-8s %11.0f %8.2f %8.2f %8s %9s %10.1f %7s %5s\n' "$name" "$method" "$precision" "$compile_ms" "$wall" \
    "$(python3 -c "print($usr + $sys)")" "$pch_ms" "$pch_cpu" "$best" "$failed" "$units"
done
