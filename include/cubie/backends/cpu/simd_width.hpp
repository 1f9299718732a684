// cubie/backends/cpu/simd_width.hpp
// Runs per SIMD pack on this build's CPU: one vector register's worth (AVX-512: 16
// floats, AVX/AVX2: 8, SSE: 4), set by -march. Part of the model cache key via -march.
#pragma once

namespace cubie::cpu {

#if defined(__AVX512F__)
inline constexpr int native_vector_bytes = 64;
#elif defined(__AVX__)
inline constexpr int native_vector_bytes = 32;
#else
inline constexpr int native_vector_bytes = 16;
#endif

// Registers per pack: one run's steps form a serial chain of dependent FMAs, so a
// pack spanning several registers gives the core independent work to overlap.
#ifndef CUBIE_CPU_REGISTERS_PER_PACK
#define CUBIE_CPU_REGISTERS_PER_PACK 1
#endif
inline constexpr int registers_per_pack = CUBIE_CPU_REGISTERS_PER_PACK;

template <class V>
inline constexpr int simd_lanes = registers_per_pack * native_vector_bytes / static_cast<int>(sizeof(V));

}  // namespace cubie::cpu
