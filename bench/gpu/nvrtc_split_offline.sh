#!/usr/bin/env bash
# bench/gpu/nvrtc_split_offline.sh
# Issue 14, on a machine without a GPU (NVRTC runs on the CPU): the NVRTC compile of each
# standard model's kernel as one program holding both loop paths (integrate_kernel, the build
# before the split) against the two programs the model compiler now builds, one per path
# (integrate_path_kernel: the general loop; the fixed-count path), which it compiles on
# parallel threads. Per program: CPU seconds (user + system of the whole NVRTC call: front end,
# NVVM, ptxas), NVRTC's own phase times (-time; wall ms, so they inflate with the machine's
# load), registers and spill stores. "split wall" is the larger of the two path programs: the
# compile's wall time with two free cores.
#
#   bash bench/gpu/nvrtc_split_offline.sh [BUILD]     (BUILD default build: bench/model_kernel_source)
#   CASES="pleiades:dop853" bash bench/gpu/nvrtc_split_offline.sh    (MODEL:METHOD pairs, float32)
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${1:-$ROOT/build}
SRCGEN=$BUILD/bench/model_kernel_source
CASES=${CASES:-"lorenz:dopri54 lorenz96:rk4 lorenz96:dopri54 pleiades:dopri54 pleiades:dop853"}
[[ -x $SRCGEN ]] || { echo "no $SRCGEN: build the target model_kernel_source" >&2; exit 2; }
scratch=$(mktemp -d "${TMPDIR:-/tmp}/cubie-nvrtc-split.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

echo "NVRTC offline for sm_90, one program per loop path against one holding both; $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(nproc) cores"
printf '%-18s %-12s %7s %8s %8s %8s %5s %7s %7s\n' case program cpu_s fe_ms nvvm_ms ptxas_ms regs spill_B load
for c in $CASES; do
  model=${c%%:*}
  method=${c##*:}
  declare -A cpu=()
  for paths in both general fixed_count; do
    src=$scratch/$model.$method.$paths.cu
    "$SRCGEN" "$ROOT/examples/$model.toml" "$method" float32 0 "$paths" >"$src" || { echo "$c: no source"; continue 2; }
    rm -f "$scratch/time.csv"
    /usr/bin/time -f '%U %S' -o "$scratch/t" python3 "$ROOT/bench/gpu/nvrtc_offline.py" "$src" --include "$ROOT/include" \
      --cubin "$scratch/k.cubin" --option=-Xptxas=-v --option=-time="$scratch/time.csv" >"$scratch/log" 2>&1 ||
      { echo "$c $paths: NVRTC failed: $(tail -3 "$scratch/log" | tr '\n' ' ')"; continue; }
    read -r u s <"$scratch/t"
    cpu[$paths]=$(python3 -c "print(f'{$u + $s:.2f}')")
    phase() { grep "$1" "$scratch/time.csv" | tail -1 | cut -d, -f3 | tr -d ' '; }
    printf '%-18s %-12s %7s %8s %8s %8s %5s %7s %7s\n' "$model:$method" "$paths" "${cpu[$paths]}" "$(phase Frontend)" \
      "$(phase NVVM)" "$(phase PTX)" "$(grep -o 'Used [0-9]* registers' "$scratch/log" | head -1 | grep -o '[0-9]*')" \
      "$(grep -o '[0-9]* bytes spill stores' "$scratch/log" | head -1 | grep -o '^[0-9]*')" "$(cut -d' ' -f1 /proc/loadavg)"
  done
  if [[ -n ${cpu[both]:-} && -n ${cpu[general]:-} && -n ${cpu[fixed_count]:-} ]]; then
    printf '%-18s %-12s %7s   (split cpu %s s; split wall = the larger path program, %.0f%% of both)\n' "$model:$method" "split wall" \
      "$(python3 -c "print(max(${cpu[general]}, ${cpu[fixed_count]}))")" "$(python3 -c "print(f'{${cpu[general]} + ${cpu[fixed_count]}:.2f}')")" \
      "$(python3 -c "print(100 * max(${cpu[general]}, ${cpu[fixed_count]}) / ${cpu[both]})")"
  fi
  unset cpu
done
