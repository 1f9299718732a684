// cubie/core/math.hpp
// Scalar math for float and double with one name per function, mapped to the CUDA
// device functions under nvcc/NVRTC and to the C library on the host. SIMD packs add
// their own overloads in simd.hpp. Generated model code calls these names unqualified.
#pragma once
#include "execution_space.hpp"
#include "scalar_traits.hpp"

#if CUBIE_HAS_HOST_STDLIB()
#include <cmath>
#endif

namespace cubie::math {

// Masks for plain scalars are bool; SIMD packs define their own mask types.
CUBIE_HD CUBIE_FORCEINLINE constexpr bool any(bool m) { return m; }
CUBIE_HD CUBIE_FORCEINLINE constexpr bool all(bool m) { return m; }
CUBIE_HD CUBIE_FORCEINLINE constexpr bool none(bool m) { return !m; }
CUBIE_HD CUBIE_FORCEINLINE constexpr bool mask_and(bool a, bool b) { return a && b; }
CUBIE_HD CUBIE_FORCEINLINE constexpr bool mask_or(bool a, bool b) { return a || b; }
CUBIE_HD CUBIE_FORCEINLINE constexpr bool mask_not(bool a) { return !a; }

template <class T>
CUBIE_HD CUBIE_FORCEINLINE constexpr T select(bool m, T a, T b) { return m ? a : b; }

// ifelse() of the model language: both branches are evaluated, as on a SIMD lane.
template <class T>
CUBIE_HD CUBIE_FORCEINLINE constexpr T ifelse(bool m, T a, T b) { return m ? a : b; }

// x / d in generated model code where d is the same for the whole run (numbers, constants,
// parameters and what is computed from them alone). With CUBIE_RECIPROCAL_DIVISION it is
// x * (1 / d): the compiler folds the reciprocal of constants and computes that of parameters
// once, where an IEEE division costs a reciprocal, Newton steps and a slow-path branch on GPUs
// (198 of them per Rodas5P step of the ring modulator, 4.1k of its 12.0k instructions;
// bench/RESULTS.md, issue 8). It rounds differently from the division by up to an ulp, so it
// is the default for run-time GPU kernels (NVRTC) only: on the host, model code rounds as the
// same expressions written by hand in C++. -DCUBIE_RECIPROCAL_DIVISION=0 (an NVRTC option) keeps
// the division on the GPU too.
#ifndef CUBIE_RECIPROCAL_DIVISION
#define CUBIE_RECIPROCAL_DIVISION CUBIE_IS_NVRTC()
#endif
template <class T>
CUBIE_HD CUBIE_FORCEINLINE T divide_by_invariant(const T& x, const T& d) {
#if CUBIE_RECIPROCAL_DIVISION
  return x * (T(1.0) / d);
#else
  return x / d;
#endif
}

// 1 / x where the caller tolerates an ulp: the LU pivots of generated sparse factorisations
// (model code) and the Rosenbrock stepper's error norm. On GPUs an IEEE division is a
// reciprocal estimate, Newton steps and a range check that branches to a slow path; the
// branch and its reconvergence region cost more than the arithmetic (15 pivots and 15 error
// scales per Rodas5P step of the ring modulator; bench/RESULTS.md, issue 8). With
// CUBIE_FAST_RECIPROCAL (default: device code) float and double take the hardware estimate
// (rcp.approx.ftz) and Newton steps without the branch: within an ulp or two of 1 / x, exact
// for 0 (inf), inf (0) and NaN, subnormal inputs flushed to zero (their reciprocal is inf),
// results below the normal range flushed to zero. Elsewhere (the host, SIMD packs, or
// -DCUBIE_FAST_RECIPROCAL=0 as an NVRTC option) it is T(1) / x.
#ifndef CUBIE_FAST_RECIPROCAL
#define CUBIE_FAST_RECIPROCAL (CUBIE_IS_DEVICE_PASS() || CUBIE_IS_NVRTC())
#endif
template <class T>
CUBIE_HD CUBIE_FORCEINLINE T reciprocal(const T& x) {
  return T(1) / x;
}
CUBIE_HD CUBIE_FORCEINLINE double reciprocal(double x) {
#if (CUBIE_IS_DEVICE_PASS() || CUBIE_IS_NVRTC()) && CUBIE_FAST_RECIPROCAL
  double r;
  asm("rcp.approx.ftz.f64 %0, %1;" : "=d"(r) : "d"(x));
  // r (1 + e + e^2), e = 1 - x r: the estimate's error cubed, then one Newton step.
  double e = ::fma(-x, r, 1.0);
  const double r1 = ::fma(r, ::fma(e, e, e), r);
  e = ::fma(-x, r1, 1.0);
  const double r2 = ::fma(r1, e, r1);
  // e is NaN only where x is 0, inf or NaN, whose estimate is already exact.
  return e != e ? r : r2;
#else
  return 1.0 / x;
#endif
}
CUBIE_HD CUBIE_FORCEINLINE float reciprocal(float x) {
#if (CUBIE_IS_DEVICE_PASS() || CUBIE_IS_NVRTC()) && CUBIE_FAST_RECIPROCAL
  float r;
  asm("rcp.approx.ftz.f32 %0, %1;" : "=f"(r) : "f"(x));
  const float e = ::fmaf(-x, r, 1.0f);
  const float r1 = ::fmaf(r, e, r);
  return e != e ? r : r1;
#else
  return 1.0f / x;
#endif
}

// exp(x) in double without a branch (CUBIE_FAST_EXP=1 in device code; default 0: CUDA's exp,
// whose overflow/underflow slow path is a branch region in every call, 4 per f of the ring
// modulator): k = rint(x / ln 2), r = x - k ln 2 in two parts, e^r by its Taylor polynomial of
// degree 13 (|r| <= 0.347: truncation below 5e-18 relative), times 2^k as two powers of two
// (so that k = 1024 overflows to inf and k < -1022 rounds into the subnormals); x clamped to
// [-745.2, 709.8] first, NaN passed through by a select. 0.86 ulp at worst in 4 million points
// on the host (glibc's exp 0.51). Offline, the ring's float64 step: -806 of 17,544 cycles,
// +454 instructions (bench/RESULTS.md, issue 8, branch ring-sines).
#ifndef CUBIE_FAST_EXP
#define CUBIE_FAST_EXP 0
#endif
CUBIE_HD CUBIE_FORCEINLINE double exp_branch_free(double x) {
  const double xc = ::fmin(::fmax(x, -745.2), 709.8);
  const double k = ::rint(xc * 1.4426950408889634);
  double r = ::fma(-k, 6.93147180369123816490e-01, xc);  // ln 2, high part (exact times k)
  r = ::fma(-k, 1.90821492927058770002e-10, r);           // ln 2, low part
  double q = 1.0 / 6227020800.0;                          // 1/13!
  q = ::fma(q, r, 1.0 / 479001600.0);
  q = ::fma(q, r, 1.0 / 39916800.0);
  q = ::fma(q, r, 1.0 / 3628800.0);
  q = ::fma(q, r, 1.0 / 362880.0);
  q = ::fma(q, r, 1.0 / 40320.0);
  q = ::fma(q, r, 1.0 / 5040.0);
  q = ::fma(q, r, 1.0 / 720.0);
  q = ::fma(q, r, 1.0 / 120.0);
  q = ::fma(q, r, 1.0 / 24.0);
  q = ::fma(q, r, 1.0 / 6.0);
  q = ::fma(q, r, 0.5);
  q = ::fma(q, r, 1.0);
  q = ::fma(q, r, 1.0);
  const int ki = static_cast<int>(k);  // in [-1075, 1024]
  const int k1 = ki >> 1;
  const double s1 = __builtin_bit_cast(double, static_cast<unsigned long long>(k1 + 1023) << 52);
  const double s2 = __builtin_bit_cast(double, static_cast<unsigned long long>(ki - k1 + 1023) << 52);
  const double e = q * s1 * s2;
  return x != x ? x : e;
}
CUBIE_HD CUBIE_FORCEINLINE float exp(float x) { return ::expf(x); }
CUBIE_HD CUBIE_FORCEINLINE double exp(double x) {
#if (CUBIE_IS_DEVICE_PASS() || CUBIE_IS_NVRTC()) && CUBIE_FAST_EXP
  return exp_branch_free(x);
#else
  return ::exp(x);
#endif
}

#define CUBIE_UNARY_MATH(name, fname, dname)                                   \
  CUBIE_HD CUBIE_FORCEINLINE float name(float x) { return ::fname(x); }        \
  CUBIE_HD CUBIE_FORCEINLINE double name(double x) { return ::dname(x); }

CUBIE_UNARY_MATH(sqrt, sqrtf, sqrt)
CUBIE_UNARY_MATH(abs, fabsf, fabs)
CUBIE_UNARY_MATH(exp2, exp2f, exp2)
CUBIE_UNARY_MATH(log, logf, log)
CUBIE_UNARY_MATH(log2, log2f, log2)
CUBIE_UNARY_MATH(log10, log10f, log10)
CUBIE_UNARY_MATH(sin, sinf, sin)
CUBIE_UNARY_MATH(cos, cosf, cos)
CUBIE_UNARY_MATH(tan, tanf, tan)
CUBIE_UNARY_MATH(asin, asinf, asin)
CUBIE_UNARY_MATH(acos, acosf, acos)
CUBIE_UNARY_MATH(atan, atanf, atan)
CUBIE_UNARY_MATH(sinh, sinhf, sinh)
CUBIE_UNARY_MATH(cosh, coshf, cosh)
CUBIE_UNARY_MATH(tanh, tanhf, tanh)
CUBIE_UNARY_MATH(floor, floorf, floor)
CUBIE_UNARY_MATH(ceil, ceilf, ceil)
#undef CUBIE_UNARY_MATH

// sin and cos of one argument, as generated Jacobian bodies need them (f and df/dt of a
// forcing sin(w t): codegen's sincos pairs). CUBIE_SINCOS (default 1 in device code) takes
// CUDA's sincos, one range reduction and table lookup for both; 0, and the host, call sin
// and cos apart. SIMD packs and dual numbers take their own sin and cos (argument-dependent
// lookup).
#ifndef CUBIE_SINCOS
#define CUBIE_SINCOS (CUBIE_IS_DEVICE_PASS() || CUBIE_IS_NVRTC())
#endif
template <class T>
CUBIE_HD CUBIE_FORCEINLINE void sincos(const T& x, T& s, T& c) {
  s = sin(x);
  c = cos(x);
}
CUBIE_HD CUBIE_FORCEINLINE void sincos(double x, double& s, double& c) {
#if (CUBIE_IS_DEVICE_PASS() || CUBIE_IS_NVRTC()) && CUBIE_SINCOS
  ::sincos(x, &s, &c);
#else
  s = ::sin(x);
  c = ::cos(x);
#endif
}
CUBIE_HD CUBIE_FORCEINLINE void sincos(float x, float& s, float& c) {
#if (CUBIE_IS_DEVICE_PASS() || CUBIE_IS_NVRTC()) && CUBIE_SINCOS
  ::sincosf(x, &s, &c);
#else
  s = ::sinf(x);
  c = ::cosf(x);
#endif
}

CUBIE_HD CUBIE_FORCEINLINE float pow(float x, float y) { return ::powf(x, y); }
CUBIE_HD CUBIE_FORCEINLINE double pow(double x, double y) { return ::pow(x, y); }
CUBIE_HD CUBIE_FORCEINLINE float atan2(float y, float x) { return ::atan2f(y, x); }
CUBIE_HD CUBIE_FORCEINLINE double atan2(double y, double x) { return ::atan2(y, x); }
// min/max follow fmin/fmax: a NaN argument yields the other one.
CUBIE_HD CUBIE_FORCEINLINE float min(float a, float b) { return ::fminf(a, b); }
CUBIE_HD CUBIE_FORCEINLINE double min(double a, double b) { return ::fmin(a, b); }
CUBIE_HD CUBIE_FORCEINLINE float max(float a, float b) { return ::fmaxf(a, b); }
CUBIE_HD CUBIE_FORCEINLINE double max(double a, double b) { return ::fmax(a, b); }

// |x| <= largest finite value is false for NaN and for both infinities, without
// depending on isfinite(), which NVRTC and the host library spell differently.
CUBIE_HD CUBIE_FORCEINLINE bool is_finite(float x) { return ::fabsf(x) <= 3.402823466e+38f; }
CUBIE_HD CUBIE_FORCEINLINE bool is_finite(double x) { return ::fabs(x) <= 1.7976931348623157e+308; }

// A quiet NaN and +infinity of float or double as constants (the host's
// std::numeric_limits bit patterns), for the values kernels store for "none" (saves of
// failed runs, t_first_stiff of runs never stiff, unfinished summary windows). A division
// such as 0.0 / 0.0 is not a constant when its operands are variables, and NVRTC leaves it
// to run time: one fp64 division per run at the end of every float32 kernel (MUFU.RCP64H,
// tests/backends/sass_check.py). NVRTC has neither <limits> nor __builtin_nan;
// __builtin_bit_cast is a constant expression under g++, nvcc and NVRTC alike.
template <class T>
CUBIE_HD CUBIE_FORCEINLINE constexpr T quiet_nan() {
  static_assert(sizeof(T) == 4 || sizeof(T) == 8, "quiet_nan: float or double");
  if constexpr (sizeof(T) == 4) return __builtin_bit_cast(T, 0x7fc00000u);
  else return __builtin_bit_cast(T, 0x7ff8000000000000ull);
}
template <class T>
CUBIE_HD CUBIE_FORCEINLINE constexpr T infinity() {
  static_assert(sizeof(T) == 4 || sizeof(T) == 8, "infinity: float or double");
  if constexpr (sizeof(T) == 4) return __builtin_bit_cast(T, 0x7f800000u);
  else return __builtin_bit_cast(T, 0x7ff0000000000000ull);
}

// Power with a run-time exponent for the step controller: x > 0 always there.
CUBIE_HD CUBIE_FORCEINLINE float controller_pow(float x, float e) { return ::exp2f(e * ::log2f(x)); }
CUBIE_HD CUBIE_FORCEINLINE double controller_pow(double x, double e) { return ::exp2(e * ::log2(x)); }
// log2 (x > 0) and exp2 for the step controller (SIMD packs use fast vectorised forms).
// With CUBIE_FAST_CONTROLLER_LOG (default: device code) both take the hardware's float
// approximations (lg2.approx, ex2.approx: about 2^-22 relative, MUFU.LG2/EX2) in float and
// double kernels alike: the controller needs a gain to a few digits, not 53 bits, and the
// double library forms are long dependent chains with slow-path branches (720 of one warp's
// ~18,400 cycles per Rodas5P step of the ring modulator; bench/gpu/sass_latency.py,
// bench/RESULTS.md issue 8). Arguments are clamped into float's normal range first, so
// log2 stays finite (|log2| <= 123) and exp2 saturates to 0 or inf where double's result
// would be outside float's range: the controller clamps every gain to [min_gain, max_gain]
// anyway. NaN stays NaN. Elsewhere (the host; -DCUBIE_FAST_CONTROLLER_LOG=0 as an NVRTC
// option) the libm functions.
#ifndef CUBIE_FAST_CONTROLLER_LOG
#define CUBIE_FAST_CONTROLLER_LOG (CUBIE_IS_DEVICE_PASS() || CUBIE_IS_NVRTC())
#endif
#if (CUBIE_IS_DEVICE_PASS() || CUBIE_IS_NVRTC()) && CUBIE_FAST_CONTROLLER_LOG
CUBIE_HD CUBIE_FORCEINLINE float controller_log2(float x) {
  float r;
  const float c = ::fminf(::fmaxf(x, 1e-37f), 1e37f);  // fmax/fmin pass NaN through as the bound
  asm("lg2.approx.f32 %0, %1;" : "=f"(r) : "f"(x == x ? c : x));
  return r;
}
CUBIE_HD CUBIE_FORCEINLINE float controller_exp2(float x) {
  float r;
  asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(r) : "f"(x));
  return r;
}
CUBIE_HD CUBIE_FORCEINLINE double controller_log2(double x) { return double(controller_log2(float(x))); }
CUBIE_HD CUBIE_FORCEINLINE double controller_exp2(double x) {
  return double(controller_exp2(float(::fmin(::fmax(x, -200.0), 200.0))));
}
#else
CUBIE_HD CUBIE_FORCEINLINE float controller_log2(float x) { return ::log2f(x); }
CUBIE_HD CUBIE_FORCEINLINE double controller_log2(double x) { return ::log2(x); }
CUBIE_HD CUBIE_FORCEINLINE float controller_exp2(float x) { return ::exp2f(x); }
CUBIE_HD CUBIE_FORCEINLINE double controller_exp2(double x) { return ::exp2(x); }
#endif

}  // namespace cubie::math

// SIMD packs (CPU backend) overload these names; their declarations must precede any
// template that calls math:: qualified. nvcc rejects vector types in host-device
// code, so packs exist only in translation units of the host compiler.
#if !CUBIE_IS_NVRTC() && !defined(__CUDACC__)
#include "simd.hpp"
#endif

// Dual numbers (implicit methods differentiate systems with them) overload these names too,
// before any system template that calls them qualified.
#include "dual.hpp"
