// cubie/backends/cpu/simd_width.hpp
// Runs per SIMD pack on this build's CPU: registers_per_pack_for(states) vector registers'
// worth (AVX-512: 16 floats a register, AVX/AVX2: 8, SSE: 4), set by -march and by the
// system's number of states. Part of the model cache key via -march.
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
// That gain is for few states: from 8 states on, a run's stages are already 8 or more
// independent chains, and a second register per state only doubles the code (and 30-60%
// of a model file's compile time) and the spills. One register is then as fast or faster
// (AVX-512, issue 14 in bench/RESULTS.md): Lorenz-96 classical_rk4 with 8 / 16 / 32 states
// takes 0.88 / 0.70 / 0.57 of the two-register time, the 28-state Pleiades with
// dormand_prince_54 0.48; with 4 states two registers are still 1.4-1.65x faster.
// Defining CUBIE_CPU_REGISTERS_PER_PACK fixes the count for every system.
#if defined(CUBIE_CPU_REGISTERS_PER_PACK)
inline constexpr int registers_per_pack = CUBIE_CPU_REGISTERS_PER_PACK;
constexpr int registers_per_pack_for(int /*n_states*/) { return CUBIE_CPU_REGISTERS_PER_PACK; }
#else
inline constexpr int registers_per_pack = 2;  ///< for systems of fewer than 8 states
inline constexpr int many_states = 8;
constexpr int registers_per_pack_for(int n_states) { return n_states >= many_states ? 1 : registers_per_pack; }
#endif

/// Runs per pack for a system of fewer than 8 states.
template <class V>
inline constexpr int simd_lanes = registers_per_pack * native_vector_bytes / static_cast<int>(sizeof(V));

/// Runs per pack for a system of NStates states: what the CPU entries of a system use.
template <class V, int NStates>
inline constexpr int simd_lanes_for =
    registers_per_pack_for(NStates) * native_vector_bytes / static_cast<int>(sizeof(V));

}  // namespace cubie::cpu
