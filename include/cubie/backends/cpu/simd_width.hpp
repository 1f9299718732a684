// cubie/backends/cpu/simd_width.hpp
// Runs per SIMD pack on this build's CPU: registers_per_pack vector registers' worth
// (AVX-512: 16 floats a register, AVX/AVX2: 8, SSE: 4), set by -march. Part of the
// model cache key via -march.
#pragma once

namespace cubie::cpu {

#if defined(__AVX512F__)
inline constexpr int native_vector_bytes = 64;
#elif defined(__AVX__)
inline constexpr int native_vector_bytes = 32;
#else
inline constexpr int native_vector_bytes = 16;
#endif

// Registers per pack: one run's steps form a serial chain of dependent FMAs (about 48
// cycles per Lorenz RK4 step on Zen 3 against 20 cycles of issue), so a pack spanning
// two registers gives the core two independent chains to overlap: 1.5x (RK4) and 1.45x
// (DP54) for the Lorenz ensemble on AVX2 (bench/RESULTS.md); three spill the 16 ymm
// registers. The pack is an array of native registers (core/simd.hpp), never one wider
// vector type, and results are bit-identical for any count.
// g++ -O3's late code sinking (-ftree-sink) once reordered a system's observable
// expressions differently in different translation units, so FMA contraction fused a
// different product and a model file no longer matched the same system in C++ to the
// bit (tests/models/compile_cpu_test.cpp); the host flags now carry -fno-tree-sink
// (cmake/cubie_flags.cmake, also for run-time compiled models), so 2 is the default.
#ifndef CUBIE_CPU_REGISTERS_PER_PACK
#define CUBIE_CPU_REGISTERS_PER_PACK 2
#endif
inline constexpr int registers_per_pack = CUBIE_CPU_REGISTERS_PER_PACK;

template <class V>
inline constexpr int simd_lanes = registers_per_pack * native_vector_bytes / static_cast<int>(sizeof(V));

}  // namespace cubie::cpu
