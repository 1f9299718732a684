#!/usr/bin/env bash
# bench/gpu/nvrtc_compile_session.sh
# NVRTC compile time of the standard models on the GPU machine (issue 14), in one device
# call of about two minutes, from the build the lead already has (BUILD, default build-h200):
#  1. `cubie run --backend cuda` cold compiles (a fresh cache per case) and warm solves of
#     Pleiades dopri54 and dop853 (64 runs), Lorenz-96 rk4 and dopri54 (65,536 runs), with
#     this tree's headers, and with the baseline's when .baseline/include exists
#     (CUBIE_INCLUDE_DIR: the same binary compiling the older kernel code, so the solve
#     times compare the two); then Pleiades with ptxas's -Ofc=mid (CUBIE_NVRTC_OPTIONS);
#  2. while time is left (110 s in all), NVRTC alone on this tree's Pleiades dop853 kernel
#     source (bench/gpu/model_kernel_source) with option variants: default, -Xptxas -Ofc=mid
#     and min (ptxas's fast-compile levels), -Ofc=mid (NVRTC's, the whole pipeline),
#     -split-compile=0, --extra-device-vectorization.
#
#   mkdir -p .baseline && git archive BASE_REV include | tar -x -C .baseline   (optional; BASE_REV:
#     a commit whose batch_args matches the build, e.g. main just before this change merged)
#   bash bench/gpu/nvrtc_compile_session.sh      (device tool: carry .baseline)
#
# $OUT gets summary.txt. Times are wall seconds of single compiles on an idle host.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT=${OUT:-$ROOT/out/nvrtc-compile}
BUILD=${BUILD:-$ROOT/build-h200}
CUBIE=$BUILD/apps/cubie/cubie
SRCGEN=$BUILD/bench/model_kernel_source
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/cubie-nvrtc.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
mkdir -p "$OUT"
REPORT=$OUT/summary.txt
START=$(date +%s)
note() { printf '%s\n' "$*" | tee -a "$REPORT"; }
for d in /usr/local/cuda/bin; do [[ -d $d ]] && PATH=$PATH:$d; done

note "nvrtc_compile_session: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)"
if [[ ! -x $CUBIE ]]; then
  note "no cubie at $CUBIE: build first (bash bench/gpu/h200_session.sh build), or set BUILD"
  exit 2
fi
sides=(new)
[[ -f $ROOT/.baseline/include/cubie/integrate/system.hpp ]] && sides=(base new)

# 1. cubie run, cold NVRTC compile then warm solves, per header set.
export SWEEP_L96="sweep.F={linspace=[0,16,65536]}" SWEEP_PLEIADES="sweep.m1={linspace=[0.5,2,64]}"
for side in "${sides[@]}"; do
  inc=$ROOT/include
  [[ $side == base ]] && inc=$ROOT/.baseline/include
  note "== cubie run --backend cuda, headers: $side ($inc)"
  CUBIE_INCLUDE_DIR=$inc BACKEND=cuda CASES="pleiades_dop853 pleiades_dopri54 lorenz96_dopri54 lorenz96_rk4" \
    timeout 150 bash "$ROOT/bench/models/model_compile_times.sh" "$CUBIE" 3 2>&1 | tee -a "$REPORT"
done
# ptxas's fast-compile level "mid" (about -35% of ptxas time on the dop853 kernel offline):
# its compile and solve times, against the default above.
note "== cubie run --backend cuda, this tree's headers, CUBIE_NVRTC_OPTIONS=-Xptxas=-Ofc=mid"
CUBIE_NVRTC_OPTIONS=-Xptxas=-Ofc=mid BACKEND=cuda CASES="pleiades_dop853 pleiades_dopri54" \
  timeout 100 bash "$ROOT/bench/models/model_compile_times.sh" "$CUBIE" 3 2>&1 | tee -a "$REPORT"

# 2. NVRTC alone on the dop853 kernel: PTX (front end + NVVM) and CUBIN (+ ptxas), option variants.
if [[ -x $SRCGEN ]] && "$SRCGEN" "$ROOT/examples/pleiades.toml" dop853 float32 >"$SCRATCH/k853.cu"; then
  note "== NVRTC alone, Pleiades dop853 float32 kernel (wall s; bench/gpu/nvrtc_offline.py)"
  for side in new; do
    inc=$ROOT/include
    for opts in "" "--option=-Xptxas=-Ofc=mid" "--option=-Xptxas=-Ofc=min" "--option=-Ofc=mid" \
      "--option=-split-compile=0" "--option=--extra-device-vectorization"; do
      (($(date +%s) - START > 110)) && { note "   (time up: the other variants skipped)"; break 2; }
      t0=$(date +%s.%N)
      if python3 "$ROOT/bench/gpu/nvrtc_offline.py" "$SCRATCH/k853.cu" --include "$inc" --cubin "$SCRATCH/k.cubin" \
        --option=-Xptxas=-v $opts >"$SCRATCH/log" 2>&1; then
        t1=$(date +%s.%N)
        regs=$(grep -o 'Used [0-9]* registers' "$SCRATCH/log" | head -1)
        spill=$(grep -o '[0-9]* bytes spill stores' "$SCRATCH/log" | head -1)
        ptxas=$(grep -o 'Compile time = [0-9.]* ms' "$SCRATCH/log" | head -1)
        note "$(printf '%-5s %-40s cubin %6.2f s  (ptxas: %s; %s, %s)' "$side" "${opts:-default}" "$(python3 -c "print($t1 - $t0)")" "$ptxas" "$regs" "$spill")"
      else
        note "$side ${opts:-default}: NVRTC failed: $(tail -3 "$SCRATCH/log" | tr '\n' ' ')"
      fi
    done
  done
else
  note "no $SRCGEN (the bench target model_kernel_source): NVRTC-alone timings skipped"
fi
note "done in $(($(date +%s) - START)) s"
