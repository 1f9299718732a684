// cubie/core/x86_vector_ops.hpp
// The few x86 instructions core/simd.hpp asks for by name (ptest; float <-> double and
// int32 -> int64 lane conversions between 256-bit registers), as GCC builtins.
//
// Why not <immintrin.h>: it declares every intrinsic of every x86 extension, and parsing
// it took 0.29 s of the 0.37 s it takes to parse a model file's headers (a quarter of the
// whole compile of the Lorenz model, issue 14 in bench/RESULTS.md). The builtins are what
// its inline functions call, so the code is the same instruction for instruction.
// Compilers other than GCC get <immintrin.h> and the intrinsics.
#pragma once

#if defined(__AVX__) || defined(__SSE4_1__)
#if !defined(__GNUC__) || defined(__clang__)
#include <immintrin.h>
#define CUBIE_X86_WITH_INTRINSICS 1
#endif

namespace cubie::simd::x86 {

typedef long long i64x2 __attribute__((vector_size(16)));
typedef long long i64x4 __attribute__((vector_size(32)));
typedef int i32x4 __attribute__((vector_size(16)));
typedef int i32x8 __attribute__((vector_size(32)));
typedef float f32x4 __attribute__((vector_size(16)));
typedef float f32x8 __attribute__((vector_size(32)));
typedef double f64x4 __attribute__((vector_size(32)));

#define CUBIE_X86_INLINE [[gnu::always_inline]] inline

#if defined(__SSE4_1__)
/// No bit set (ptest).
CUBIE_X86_INLINE bool all_zero(i64x2 x) {
#if defined(CUBIE_X86_WITH_INTRINSICS)
  return _mm_testz_si128(reinterpret_cast<__m128i>(x), reinterpret_cast<__m128i>(x));
#else
  return __builtin_ia32_ptestz128(x, x);
#endif
}
#endif

#if defined(__AVX__)
/// No bit set (vptest).
CUBIE_X86_INLINE bool all_zero(i64x4 x) {
#if defined(CUBIE_X86_WITH_INTRINSICS)
  return _mm256_testz_si256(reinterpret_cast<__m256i>(x), reinterpret_cast<__m256i>(x));
#else
  return __builtin_ia32_ptestz256(x, x);
#endif
}
#endif

#if defined(__AVX2__)
/// Lanes 0-3 of 8 floats as 4 doubles (vcvtps2pd).
CUBIE_X86_INLINE f64x4 widen_low(f32x8 x) {
#if defined(CUBIE_X86_WITH_INTRINSICS)
  return reinterpret_cast<f64x4>(_mm256_cvtps_pd(_mm256_castps256_ps128(reinterpret_cast<__m256>(x))));
#else
  return __builtin_ia32_cvtps2pd256(__builtin_ia32_ps_ps256(x));
#endif
}

/// Lanes 4-7 of 8 floats as 4 doubles (vextractf128, vcvtps2pd).
CUBIE_X86_INLINE f64x4 widen_high(f32x8 x) {
#if defined(CUBIE_X86_WITH_INTRINSICS)
  return reinterpret_cast<f64x4>(_mm256_cvtps_pd(_mm256_extractf128_ps(reinterpret_cast<__m256>(x), 1)));
#else
  return __builtin_ia32_cvtps2pd256(__builtin_ia32_vextractf128_ps256(x, 1));
#endif
}

/// Lanes 0-3 of 8 int32 as 4 int64, sign-extended (vpmovsxdq).
CUBIE_X86_INLINE i64x4 widen_low(i32x8 x) {
#if defined(CUBIE_X86_WITH_INTRINSICS)
  return reinterpret_cast<i64x4>(_mm256_cvtepi32_epi64(_mm256_castsi256_si128(reinterpret_cast<__m256i>(x))));
#else
  return __builtin_ia32_pmovsxdq256(__builtin_ia32_si_si256(x));
#endif
}

/// Lanes 4-7 of 8 int32 as 4 int64, sign-extended (vextracti128, vpmovsxdq).
CUBIE_X86_INLINE i64x4 widen_high(i32x8 x) {
#if defined(CUBIE_X86_WITH_INTRINSICS)
  return reinterpret_cast<i64x4>(_mm256_cvtepi32_epi64(_mm256_extracti128_si256(reinterpret_cast<__m256i>(x), 1)));
#else
  return __builtin_ia32_pmovsxdq256(
      reinterpret_cast<i32x4>(__builtin_ia32_extract128i256(reinterpret_cast<i64x4>(x), 1)));
#endif
}

/// 4 + 4 doubles as 8 floats, a's lanes first (vcvtpd2ps twice, vinsertf128).
CUBIE_X86_INLINE f32x8 narrow(f64x4 a, f64x4 b) {
#if defined(CUBIE_X86_WITH_INTRINSICS)
  const __m128 lo = _mm256_cvtpd_ps(reinterpret_cast<__m256d>(a));
  const __m128 hi = _mm256_cvtpd_ps(reinterpret_cast<__m256d>(b));
  return reinterpret_cast<f32x8>(_mm256_insertf128_ps(_mm256_castps128_ps256(lo), hi, 1));
#else
  const f32x4 lo = __builtin_ia32_cvtpd2ps256(a);
  const f32x4 hi = __builtin_ia32_cvtpd2ps256(b);
  return __builtin_ia32_vinsertf128_ps256(__builtin_ia32_ps256_ps(lo), hi, 1);
#endif
}

/// The low 32 bits of each of 4 + 4 int64 lanes, in order, a's first (vshufps, vpermpd):
/// for masks, whose lanes are 0 or -1.
CUBIE_X86_INLINE i32x8 narrow_masks(i64x4 a, i64x4 b) {
#if defined(CUBIE_X86_WITH_INTRINSICS)
  const __m256 x = _mm256_shuffle_ps(reinterpret_cast<__m256>(a), reinterpret_cast<__m256>(b), 0x88);
  return reinterpret_cast<i32x8>(_mm256_permute4x64_pd(reinterpret_cast<__m256d>(x), 0xD8));
#else
  const f32x8 x = __builtin_ia32_shufps256(reinterpret_cast<f32x8>(a), reinterpret_cast<f32x8>(b), 0x88);
  return reinterpret_cast<i32x8>(__builtin_ia32_permdf256(reinterpret_cast<f64x4>(x), 0xD8));
#endif
}
#endif

#undef CUBIE_X86_INLINE

}  // namespace cubie::simd::x86
#endif
