// cubie/core/simd.hpp
// SIMD packs for the CPU backend: W runs in one vector register, so the same
// integration core that runs one run per GPU thread runs W runs per CPU lane group.
// Built on GCC/Clang vector extensions; never included in device code.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "math.hpp"
#include "scalar_traits.hpp"

namespace cubie::simd {

template <class T>
struct int_of;  // the signed integer of the same width: the lane type of masks
template <>
struct int_of<float> { using type = std::int32_t; };
template <>
struct int_of<double> { using type = std::int64_t; };

/// Lane-wise boolean of W lanes of width sizeof(T): all bits set = true.
template <class T, int W>
struct mask {
  using lane = typename int_of<T>::type;
  typedef lane vtype __attribute__((vector_size(sizeof(lane) * W)));
  vtype v;

  mask() = default;
  explicit mask(vtype x) : v(x) {}
  explicit mask(bool b) : v(vtype{} + (b ? lane(-1) : lane(0))) {}
  bool operator[](int i) const { return v[i] != 0; }
  void set(int i, bool b) { v[i] = b ? lane(-1) : lane(0); }
  friend mask operator&(mask a, mask b) { return mask(a.v & b.v); }
  friend mask operator|(mask a, mask b) { return mask(a.v | b.v); }
  friend mask operator!(mask a) { return mask(~a.v); }
  friend mask operator~(mask a) { return mask(~a.v); }
  mask& operator&=(mask b) { v &= b.v; return *this; }
  mask& operator|=(mask b) { v |= b.v; return *this; }
};

/// W lanes of T with the arithmetic of T, lane by lane.
template <class T, int W>
struct pack {
  typedef T vtype __attribute__((vector_size(sizeof(T) * W)));
  using mask_type = mask<T, W>;
  vtype v;

  pack() = default;
  pack(T x) : v(vtype{} + x) {}  // NOLINT: implicit broadcast keeps model code generic
  template <class U>
    requires(!std::is_same_v<U, T> && std::is_arithmetic_v<U>)
  pack(U x) : v(vtype{} + static_cast<T>(x)) {}  // NOLINT: broadcast of a literal
  /// Wraps a raw vector (a named function: GCC cannot tell pack(vtype) from pack(T)
  /// while the class template is being defined).
  static pack wrap(vtype x) { pack r; r.v = x; return r; }

  T operator[](int i) const { return v[i]; }
  void set(int i, T x) { v[i] = x; }
  static pack load(const T* p) { pack r; std::memcpy(&r.v, p, sizeof(vtype)); return r; }
  void store(T* p) const { std::memcpy(p, &v, sizeof(vtype)); }

  friend pack operator+(pack a, pack b) { return pack::wrap(a.v + b.v); }
  friend pack operator-(pack a, pack b) { return pack::wrap(a.v - b.v); }
  friend pack operator*(pack a, pack b) { return pack::wrap(a.v * b.v); }
  friend pack operator/(pack a, pack b) { return pack::wrap(a.v / b.v); }
  friend pack operator-(pack a) { return pack::wrap(-a.v); }
  friend pack operator+(pack a) { return a; }
  pack& operator+=(pack b) { v += b.v; return *this; }
  pack& operator-=(pack b) { v -= b.v; return *this; }
  pack& operator*=(pack b) { v *= b.v; return *this; }
  pack& operator/=(pack b) { v /= b.v; return *this; }

  friend mask_type operator<(pack a, pack b) { return mask_type(a.v < b.v); }
  friend mask_type operator<=(pack a, pack b) { return mask_type(a.v <= b.v); }
  friend mask_type operator>(pack a, pack b) { return mask_type(a.v > b.v); }
  friend mask_type operator>=(pack a, pack b) { return mask_type(a.v >= b.v); }
  friend mask_type operator==(pack a, pack b) { return mask_type(a.v == b.v); }
  friend mask_type operator!=(pack a, pack b) { return mask_type(a.v != b.v); }
};

// ---- masks ------------------------------------------------------------------
template <class T, int W>
inline bool any(mask<T, W> m) {
  typename mask<T, W>::lane acc = 0;
  for (int i = 0; i < W; ++i) acc |= m.v[i];
  return acc != 0;
}
template <class T, int W>
inline bool all(mask<T, W> m) {
  typename mask<T, W>::lane acc = -1;
  for (int i = 0; i < W; ++i) acc &= m.v[i];
  return acc != 0;
}
template <class T, int W>
inline bool none(mask<T, W> m) { return !any(m); }
template <class T, int W>
inline mask<T, W> mask_and(mask<T, W> a, mask<T, W> b) { return a & b; }
template <class T, int W>
inline mask<T, W> mask_or(mask<T, W> a, mask<T, W> b) { return a | b; }
template <class T, int W>
inline mask<T, W> mask_not(mask<T, W> a) { return !a; }

template <class T, int W>
inline pack<T, W> select(mask<T, W> m, pack<T, W> a, pack<T, W> b) {
  return pack<T, W>::wrap(m.v ? a.v : b.v);
}
template <class T, int W>
inline pack<T, W> ifelse(mask<T, W> m, pack<T, W> a, pack<T, W> b) { return select(m, a, b); }

// ---- element-wise math --------------------------------------------------------
// Simple loops over lanes; with -O3 and -fno-math-errno GCC emits vector
// instructions for sqrt/abs/min/max/floor/ceil. Transcendentals go lane by lane.
#define CUBIE_PACK_UNARY(name, expr)                                     \
  template <class T, int W>                                              \
  inline pack<T, W> name(pack<T, W> a) {                                 \
    pack<T, W> r;                                                        \
    for (int i = 0; i < W; ++i) { T x = a.v[i]; r.v[i] = (expr); }      \
    return r;                                                            \
  }
CUBIE_PACK_UNARY(sqrt, __builtin_sqrt(x))
CUBIE_PACK_UNARY(exp, std::exp(x))
CUBIE_PACK_UNARY(log, std::log(x))
CUBIE_PACK_UNARY(log10, std::log10(x))
CUBIE_PACK_UNARY(sin, std::sin(x))
CUBIE_PACK_UNARY(cos, std::cos(x))
CUBIE_PACK_UNARY(tan, std::tan(x))
CUBIE_PACK_UNARY(asin, std::asin(x))
CUBIE_PACK_UNARY(acos, std::acos(x))
CUBIE_PACK_UNARY(atan, std::atan(x))
CUBIE_PACK_UNARY(sinh, std::sinh(x))
CUBIE_PACK_UNARY(cosh, std::cosh(x))
CUBIE_PACK_UNARY(tanh, std::tanh(x))
CUBIE_PACK_UNARY(floor, std::floor(x))
CUBIE_PACK_UNARY(ceil, std::ceil(x))
#undef CUBIE_PACK_UNARY

template <class T, int W>
inline pack<T, W> abs(pack<T, W> a) {
  return pack<T, W>::wrap(a.v < 0 ? -a.v : a.v);
}
// fmin/fmax semantics: a NaN argument yields the other one.
template <class T, int W>
inline pack<T, W> min(pack<T, W> a, pack<T, W> b) {
  return pack<T, W>::wrap((b.v < a.v || a.v != a.v) ? b.v : a.v);
}
template <class T, int W>
inline pack<T, W> max(pack<T, W> a, pack<T, W> b) {
  return pack<T, W>::wrap((b.v > a.v || a.v != a.v) ? b.v : a.v);
}
template <class T, int W>
inline pack<T, W> pow(pack<T, W> a, pack<T, W> b) {
  pack<T, W> r;
  for (int i = 0; i < W; ++i) r.v[i] = std::pow(a.v[i], b.v[i]);
  return r;
}
template <class T, int W>
inline pack<T, W> atan2(pack<T, W> a, pack<T, W> b) {
  pack<T, W> r;
  for (int i = 0; i < W; ++i) r.v[i] = std::atan2(a.v[i], b.v[i]);
  return r;
}
template <class T, int W>
inline mask<T, W> is_finite(pack<T, W> a) {
  using V = typename pack<T, W>::vtype;
  V ax = a.v < 0 ? -a.v : a.v;
  return mask<T, W>(ax <= V{} + std::numeric_limits<T>::max());
}

// ---- controller power: vectorised exp2(e * log2(x)) for x > 0 ------------------
// Accurate to a few ulp in T; runs on every lane at once, unlike std::pow, because the
// step controller calls it once per step and lane-by-lane pow would cost more than
// a small system's whole step.
namespace detail {
template <class T, int W>
inline pack<T, W> log2_positive(pack<T, W> x) {
  using I = typename int_of<T>::type;
  typedef I ivec __attribute__((vector_size(sizeof(I) * W)));
  constexpr int mant_bits = sizeof(T) == 4 ? 23 : 52;
  constexpr I bias = sizeof(T) == 4 ? 127 : 1023;
  ivec bits;
  std::memcpy(&bits, &x.v, sizeof(bits));
  ivec e = ((bits >> mant_bits) & ((I(1) << (sizeof(T) * 8 - 1 - mant_bits)) - 1)) - bias;
  ivec mbits = (bits & ((I(1) << mant_bits) - 1)) | (bias << mant_bits);  // m in [1, 2)
  typename pack<T, W>::vtype m;
  std::memcpy(&m, &mbits, sizeof(m));
  // Move m into [sqrt(1/2), sqrt(2)) so the series argument stays small.
  auto big = m > static_cast<T>(1.4142135623730951);
  m = big ? m * static_cast<T>(0.5) : m;
  e = e + (big ? I(1) : I(0));
  // log(m) = 2 atanh(s), s = (m - 1)/(m + 1), |s| < 0.1716
  auto s = (m - 1) / (m + 1);
  auto s2 = s * s;
  constexpr int terms = sizeof(T) == 4 ? 5 : 11;
  typename pack<T, W>::vtype poly = {};
  poly = poly + static_cast<T>(1.0 / (2 * terms + 1));
  for (int k = terms - 1; k >= 0; --k) poly = poly * s2 + static_cast<T>(1.0 / (2 * k + 1));
  auto ln_m = static_cast<T>(2) * s * poly;
  typename pack<T, W>::vtype ef = __builtin_convertvector(e, typename pack<T, W>::vtype);
  return pack<T, W>::wrap(ef + ln_m * static_cast<T>(1.4426950408889634));
}

template <class T, int W>
inline pack<T, W> exp2_any(pack<T, W> x) {
  using I = typename int_of<T>::type;
  typedef I ivec __attribute__((vector_size(sizeof(I) * W)));
  using V = typename pack<T, W>::vtype;
  constexpr int mant_bits = sizeof(T) == 4 ? 23 : 52;
  constexpr I bias = sizeof(T) == 4 ? 127 : 1023;
  constexpr T lim = sizeof(T) == 4 ? T(126) : T(1022);
  V xv = x.v;
  xv = xv > lim ? V{} + lim : xv;
  xv = xv < -lim ? V{} - lim : xv;
  V n = xv;
  for (int i = 0; i < W; ++i) n[i] = __builtin_nearbyint(xv[i]);
  V f = (xv - n) * static_cast<T>(0.6931471805599453);  // |f| <= 0.35
  constexpr int terms = sizeof(T) == 4 ? 8 : 14;
  V poly = V{} + static_cast<T>(1);
  for (int k = terms; k >= 1; --k) poly = V{} + static_cast<T>(1) + f * poly / static_cast<T>(k);
  ivec ni = __builtin_convertvector(n, ivec);
  ivec scale_bits = (ni + bias) << mant_bits;
  V scale;
  std::memcpy(&scale, &scale_bits, sizeof(scale));
  return pack<T, W>::wrap(poly * scale);
}
}  // namespace detail

template <class T, int W>
inline pack<T, W> controller_pow(pack<T, W> x, pack<T, W> e) {
  return detail::exp2_any(e * detail::log2_positive(x));
}

template <class T, int W>
inline pack<T, W> time_to_scalar(pack<double, W> t, pack<T, W>) {
  return pack<T, W>::wrap(__builtin_convertvector(t.v, typename pack<T, W>::vtype));
}
template <class T, int W>
inline pack<double, W> scalar_to_time(pack<T, W> x) {
  return pack<double, W>::wrap(__builtin_convertvector(x.v, typename pack<double, W>::vtype));
}
template <class T, int W>
inline pack<T, W> time_to_scalar(double t, pack<T, W>) {
  return pack<T, W>(static_cast<T>(t));
}
template <class T, int W>
inline mask<T, W> time_mask_to_scalar_mask(mask<double, W> m, pack<T, W>) {
  return mask<T, W>(__builtin_convertvector(m.v, typename mask<T, W>::vtype));
}
template <int W>
inline mask<double, W> scalar_mask_to_time_mask(mask<double, W> m) { return m; }
template <int W>
inline mask<double, W> scalar_mask_to_time_mask(mask<float, W> m) {
  return mask<double, W>(__builtin_convertvector(m.v, typename mask<double, W>::vtype));
}

}  // namespace cubie::simd

namespace cubie {

template <class T, int W>
struct scalar_traits<simd::pack<T, W>> {
  using value_type = T;
  using mask_type = simd::mask<T, W>;
  using time_type = simd::pack<double, W>;
  // Counters ride in doubles on the CPU (exact below 2^53) so they share the time
  // masks; the GPU keeps integers to stay free of fp64 arithmetic.
  using count_type = simd::pack<double, W>;
  static constexpr int lanes = W;
};

namespace math {
using simd::abs;
using simd::acos;
using simd::all;
using simd::any;
using simd::asin;
using simd::atan;
using simd::atan2;
using simd::ceil;
using simd::controller_pow;
using simd::cos;
using simd::cosh;
using simd::exp;
using simd::floor;
using simd::ifelse;
using simd::is_finite;
using simd::log;
using simd::log10;
using simd::mask_and;
using simd::mask_not;
using simd::mask_or;
using simd::max;
using simd::min;
using simd::none;
using simd::pow;
using simd::select;
using simd::sin;
using simd::sinh;
using simd::sqrt;
using simd::tan;
using simd::tanh;
}  // namespace math

}  // namespace cubie
