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
# "before" sets all four old values (the kernel of e3c04ff).
# LDS/STS and shared_B: the shared-memory loads and stores of the step loop and their bytes.
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
)
printf '%-16s %-8s %-8s %5s %7s %8s %6s %6s %6s %6s %9s %6s %6s %9s\n' model prec variant regs stack_B loop_ins fp64 fp32 LDL STL local_B LDS STS shared_B
for model in ${MODELS:-pollu ring_modulator}; do
  for prec in ${PRECISIONS:-float64 float32}; do
    "$BUILD/bench/model_kernel_source" "$ROOT/examples/stiff/$model.toml" rodas5p "$prec" >"$WORK/k.cu"
    for v in ${VARIANT_LIST:-before main default minb3 minb4 lu0 lu16 lu32 div}; do
      opts=()
      for o in ${VARIANTS[$v]}; do opts+=("--option=$o"); done
      python3 "$ROOT/bench/gpu/nvrtc_offline.py" "$WORK/k.cu" --include "$ROOT/include" --cubin "$WORK/k.cubin" \
        "${opts[@]}" >/dev/null
      python3 "$ROOT/bench/gpu/kernel_local_memory.py" "$WORK/k.cubin" --json "$WORK/k.json" >/dev/null
      python3 - "$WORK/k.json" "$model" "$prec" "$v" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
(_, e), = r.items()
s = e.get("step_loop", {})
print("%-16s %-8s %-8s %5s %7s %8s %6s %6s %6s %6s %9s %6s %6s %9s" % (sys.argv[2], sys.argv[3], sys.argv[4], e["registers"],
      e["stack_bytes"], s.get("all"), s.get("fp64"), s.get("fp32"), s.get("ldl"), s.get("stl"),
      s.get("ldl_bytes", 0) + s.get("stl_bytes", 0), s.get("lds", 0), s.get("sts", 0),
      s.get("lds_bytes", 0) + s.get("sts_bytes", 0)))
PY
    done
  done
done
