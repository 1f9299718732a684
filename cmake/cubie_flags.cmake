# Compiler flags: what cubie's own targets build with, and what an installed cubie hands to
# the programs that link it.
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

# What a consumer's translation units need, exported with cubie::cubie ON PURPOSE: a C++
# system is integrated by cubie's header-only loop compiled in the consumer's own files
# (make_system), so its results depend on these flags. With them a C++ system contracts
# the same products into FMAs as cubie's tests and as model files compiled at run time;
# --expt-relaxed-constexpr is needed for nvcc to compile cubie's headers at all.
# -fno-tree-sink is GCC's; other compilers do not get it.
set(CUBIE_CONSUMER_COMPILE_OPTIONS
  "$<$<COMPILE_LANGUAGE:CXX>:-ffp-contract=fast;-fno-math-errno;$<$<CXX_COMPILER_ID:GNU>:-fno-tree-sink>>"
  "$<$<COMPILE_LANGUAGE:CUDA>:--fmad=true;--expt-relaxed-constexpr;-Xcompiler=-fno-math-errno,-ffp-contract=fast>")

# The CPU instruction set cubie was built for (-march=${CUBIE_CPU_ARCH}): exported as the
# opt-in target cubie::cpu_arch, never pushed onto consumers. Linking it gives a consumer
# the same SIMD width and FMA instructions as the installed library and its model files
# (without it, x86-64's baseline has no FMA: same code, other rounding, narrower packs).
# -Wno-psabi silences GCC's note on passing SIMD packs by value.
add_library(cubie_cpu_arch INTERFACE)
set_target_properties(cubie_cpu_arch PROPERTIES EXPORT_NAME cpu_arch)
target_compile_options(cubie_cpu_arch INTERFACE "$<$<COMPILE_LANGUAGE:CXX>:${CUBIE_HOST_ARCH_FLAGS};-Wno-psabi>")

# cubie_flags: every target of this build (library, command, tests, benchmarks), never
# exported: the consumer options, the instruction set, and warnings.
add_library(cubie_flags INTERFACE)
target_compile_options(cubie_flags INTERFACE ${CUBIE_CONSUMER_COMPILE_OPTIONS}
  "$<$<COMPILE_LANGUAGE:CXX>:-Wall;-Wextra>"
  "$<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wno-psabi>")
target_link_libraries(cubie_flags INTERFACE cubie_cpu_arch)
