# Compiler flags shared by every cubie target.
#
# Floating-point contraction is fixed, not left to the build type: FMA on, on the CPU
# (-ffp-contract=fast with an FMA-capable -march) and on the GPU (nvcc --fmad=true).
# Run-time compiled models use the same flags (see models/), so a model file and the
# same system written in C++ produce bit-identical results on one machine.
# -fno-math-errno lets sqrt vectorise across SIMD lanes; nothing else is relaxed.
# -fno-tree-sink: GCC's code-sinking pass moves a product next to a later use in one
# translation unit and not in another, so a different pair fuses into an FMA (seen on an
# AVX-512 host: a model file's observable 1 ulp off the same C++ system in 13% of values).
# Without it, where FMAs form depends only on the expression, at no measurable cost.
set(CUBIE_HOST_FP_FLAGS -ffp-contract=fast -fno-math-errno -fno-tree-sink)
set(CUBIE_HOST_ARCH_FLAGS)
if(CUBIE_CPU_ARCH)
  set(CUBIE_HOST_ARCH_FLAGS -march=${CUBIE_CPU_ARCH})
endif()

add_library(cubie_flags INTERFACE)
target_compile_options(cubie_flags INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:${CUBIE_HOST_FP_FLAGS} ${CUBIE_HOST_ARCH_FLAGS} -Wall -Wextra -Wno-psabi>
  $<$<COMPILE_LANGUAGE:CUDA>:--fmad=true --expt-relaxed-constexpr -Xcompiler=-fno-math-errno,-ffp-contract=fast,-Wno-psabi>)
