#!/usr/bin/env bash
# bench/gpu/stiff_kernel_report.sh
# Offline (no GPU): the Rodas5P kernels NVRTC builds at run time for POLLU and the ring
# modulator, float64 and float32, compiled here the same way (bench/gpu/model_kernel_source
# writes the source, bench/gpu/nvrtc_offline.py compiles it with cubie's NVRTC options for
# sm_90), then registers, stack frame and the step loop's local-memory traffic read from the
# SASS (bench/gpu/kernel_local_memory.py). Variants: the defaults, the earlier build
# (CUBIE_IMPLICIT_MIN_BLOCKS=0, CUBIE_DEVICE_INLINE_RUN=0) and register caps 168 and 128
# (CUBIE_IMPLICIT_MIN_BLOCKS=3, 4); the LU factors' shared-memory slices: lu0, lu16, lu32 values
# per thread (CUBIE_SHARED_LU_VALUES; the default takes 48 where the kernel takes them at all);
# div: divisions by run constants kept (CUBIE_RECIPROCAL_DIVISION=0; the default multiplies by
# the reciprocal in NVRTC kernels); main: both of those off (main's kernel before ring-f64).
# "before" sets all four old values (the kernel of e3c04ff). block128: CUBIE_SPLIT_BLOCK=0, every
# kernel in blocks of 128 (the ring modulator in float64: 48 of 67 factor values in shared
# memory; the default gives it a block of 64 and all 67). divrcp: LU pivots and the Rosenbrock
# error scales by IEEE division (CUBIE_FAST_RECIPROCAL=0; the default takes the branch-free
# reciprocal of core/math.hpp on GPUs); nochain: every Rosenbrock stage point, solution and error
# summed from the increments (CUBIE_ROSENBROCK_POINT_CHAIN=0); prev: both (the kernel of
# 9df376a, ring-f64-2's start, up to single); single: the shared factor values one per access
# (CUBIE_SHARED_LU_PAIRS=0; the default loads two per LDS.128); unfused: f, J and df/dt at a
# step's start from three generated members (CUBIE_FUSED_JACOBIAN=0; the default on GPUs calls
# rhs_jacobian_sparse, one body sharing their subexpressions); normdiv: the error norm divides,
# the LU pivots keep the branch-free reciprocal (CUBIE_FAST_NORM_RECIPROCAL=0); minb5/minb6: at least 5 or 6 resident blocks (with the ring
# modulator's block of 64: 204 or 168 registers). block: the kernel's threads per block
# (.maxntid in the PTX, from __launch_bounds__; the launch uses it).
# ctl64: the step controller's log2/exp2 by the double library functions
# (CUBIE_FAST_CONTROLLER_LOG=0; the default takes the hardware's float approximations);
# tt0/tt1/tt2: the terms of t alone (the ring's sines) at every stage (CUBIE_STAGE_TIME_TERMS=0),
# at the distinct stage times all at the step's start (1) or each before its first stage (2);
# the default picks 2 where the run's state fits the registers (the ring in float32), else 0.
# sincos0: sin(x) and cos(x) of one x in the generated Jacobian bodies (f and df/dt of a
# forcing) by sin and cos apart (CUBIE_SINCOS=0; the default takes CUDA's sincos on GPUs).
# fastexp: double exp without a branch (CUBIE_FAST_EXP=1, core/math.hpp exp_branch_free).
# LDS/STS and shared_B: the shared-memory loads and stores of the step loop and their bytes.
# cycles: one warp's cycles per pass through the step loop, replayed from the SASS's encoded
# stalls and scoreboards in program order (bench/gpu/sass_latency.py: a latency lower bound).
#   bash bench/gpu/stiff_kernel_report.sh [BUILD_DIR]    (default build; needs target model_kernel_source)
#   MODELS=ring_modulator PRECISIONS=float64 VARIANT_LIST="default lu0" bash bench/gpu/stiff_kernel_report.sh
# Needs libnvrtc (CUDA toolkit), cuobjdump and nvdisasm (toolkit, or pip install
# nvidia-cuda-cuobjdump nvidia-cuda-nvdisasm).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${1:-$ROOT/build}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cmake --build "$BUILD" --target model_kernel_source >/dev/null
declare -A VARIANTS=(
  [default]=""
  [before]="-DCUBIE_IMPLICIT_MIN_BLOCKS=0 -DCUBIE_DEVICE_INLINE_RUN=0 -DCUBIE_SHARED_LU_VALUES=0 -DCUBIE_RECIPROCAL_DIVISION=0"
  [minb3]="-DCUBIE_IMPLICIT_MIN_BLOCKS=3"
  [minb4]="-DCUBIE_IMPLICIT_MIN_BLOCKS=4"
  [lu0]="-DCUBIE_SHARED_LU_VALUES=0"
  [lu16]="-DCUBIE_SHARED_LU_VALUES=16"
  [lu32]="-DCUBIE_SHARED_LU_VALUES=32"
  [div]="-DCUBIE_RECIPROCAL_DIVISION=0"
  [main]="-DCUBIE_SHARED_LU_VALUES=0 -DCUBIE_RECIPROCAL_DIVISION=0"
  [block128]="-DCUBIE_SPLIT_BLOCK=0"
  [divrcp]="-DCUBIE_FAST_RECIPROCAL=0"
  [nochain]="-DCUBIE_ROSENBROCK_POINT_CHAIN=0"
  [prev]="-DCUBIE_FAST_RECIPROCAL=0 -DCUBIE_ROSENBROCK_POINT_CHAIN=0 -DCUBIE_SHARED_LU_PAIRS=0 -DCUBIE_FUSED_JACOBIAN=0"
  [unfused]="-DCUBIE_FUSED_JACOBIAN=0"
  [normdiv]="-DCUBIE_FAST_NORM_RECIPROCAL=0"
  [single]="-DCUBIE_SHARED_LU_PAIRS=0"
  [minb5]="-DCUBIE_IMPLICIT_MIN_BLOCKS=5"
  [minb6]="-DCUBIE_IMPLICIT_MIN_BLOCKS=6"
  [ctl64]="-DCUBIE_FAST_CONTROLLER_LOG=0"
  [tt0]="-DCUBIE_STAGE_TIME_TERMS=0"
  [tt1]="-DCUBIE_STAGE_TIME_TERMS=1"
  [tt2]="-DCUBIE_STAGE_TIME_TERMS=2"
  [sincos0]="-DCUBIE_SINCOS=0"
  [fastexp]="-DCUBIE_FAST_EXP=1"
  [tt2sc0]="-DCUBIE_STAGE_TIME_TERMS=2 -DCUBIE_SINCOS=0"
)
printf '%-16s %-8s %-8s %5s %5s %7s %8s %6s %6s %6s %6s %9s %6s %6s %9s %7s\n' model prec variant block regs stack_B loop_ins fp64 fp32 LDL STL local_B LDS STS shared_B cycles
for model in ${MODELS:-pollu ring_modulator}; do
  for prec in ${PRECISIONS:-float64 float32}; do
    "$BUILD/bench/model_kernel_source" "$ROOT/examples/stiff/$model.toml" rodas5p "$prec" >"$WORK/k.cu"
    for v in ${VARIANT_LIST:-before main default block128 minb3 minb4 lu0 lu16 lu32 div}; do
      opts=()
      for o in ${VARIANTS[$v]}; do opts+=("--option=$o"); done
      python3 "$ROOT/bench/gpu/nvrtc_offline.py" "$WORK/k.cu" --include "$ROOT/include" --cubin "$WORK/k.cubin" \
        --ptx "$WORK/k.ptx" "${opts[@]}" >/dev/null
      block=$(grep -o -m1 'maxntid [0-9]*' "$WORK/k.ptx" | grep -o '[0-9]*$' || echo -)
      python3 "$ROOT/bench/gpu/kernel_local_memory.py" "$WORK/k.cubin" --json "$WORK/k.json" >/dev/null
      python3 "$ROOT/bench/gpu/sass_latency.py" "$WORK/k.cubin" --json "$WORK/lat.json" >/dev/null
      python3 - "$WORK/k.json" "$model" "$prec" "$v" "$block" "$WORK/lat.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
(_, e), = r.items()
s = e.get("step_loop", {})
lat = json.load(open(sys.argv[6]))
cycles = next(iter(lat.values()))["cycles"] if lat else "-"
print("%-16s %-8s %-8s %5s %5s %7s %8s %6s %6s %6s %6s %9s %6s %6s %9s %7s" % (sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], e["registers"],
      e["stack_bytes"], s.get("all"), s.get("fp64"), s.get("fp32"), s.get("ldl"), s.get("stl"),
      s.get("ldl_bytes", 0) + s.get("stl_bytes", 0), s.get("lds", 0), s.get("sts", 0),
      s.get("lds_bytes", 0) + s.get("sts_bytes", 0), cycles))
PY
    done
  done
done
