// cubie/core/simd.hpp
// SIMD packs for the CPU backend: W runs in vector registers, so the same integration
// core that runs one run per GPU thread runs W runs per CPU lane group.
// Built on GCC/Clang vector extensions; never included in device code.
//
// A pack is an array of native-width registers, never one wider-than-native vector:
// GCC lowers a vector type wider than the hardware's (8 doubles on AVX2, say) piece by
// piece, and its selects and compares lane by lane through scalar code, which cost the
// adaptive loop (whose time and counters are 8 doubles for 8 float runs) ~5x its
// arithmetic. Registers of native width keep every operation one instruction per
// register, and a pack of several registers gives the core independent dependency
// chains to overlap (cpu/simd_width.hpp chooses how many).
#pragma once
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>


#include "math.hpp"
#include "scalar_traits.hpp"
#include "x86_vector_ops.hpp"

// Every pack operation is forced inline, lambdas included (CUBIE_INLINE_LAMBDA): with
// FMA contraction on, g++ fuses a * b + c only when both operations end up in one
// function, so a result must never depend on an inlining decision.
#define CUBIE_SIMD_INLINE [[gnu::always_inline]] inline

namespace cubie::simd {

/// Bytes in one vector register of this build's instruction set (-march).
#if defined(__AVX512F__)
inline constexpr int native_bytes = 64;
#elif defined(__AVX__)
inline constexpr int native_bytes = 32;
#else
inline constexpr int native_bytes = 16;
#endif

template <class T>
struct int_of;  // the signed integer of the same width: the lane type of masks
template <>
struct int_of<float> { using type = std::int32_t; };
template <>
struct int_of<double> { using type = std::int64_t; };
template <>
struct int_of<std::int32_t> { using type = std::int32_t; };
template <>
struct int_of<std::int64_t> { using type = std::int64_t; };

/// A GCC vector of N elements of E.
template <class E, int N>
struct vec_of {
  typedef E type __attribute__((vector_size(sizeof(E) * N)));
};
template <class E, int N>
using vec = typename vec_of<E, N>::type;

/// How W lanes of T lie in registers: `regs` registers of `per_reg` lanes each (one
/// short vector when W lanes fill less than a register).
template <class T, int W>
struct shape {
  static constexpr int per_reg = static_cast<int>(sizeof(T)) * W <= native_bytes ? W : native_bytes / static_cast<int>(sizeof(T));
  static constexpr int regs = W / per_reg;
  static_assert(W > 0 && regs * per_reg == W, "SIMD width must be a multiple of the register's lanes");
};

namespace detail {
template <class F, int... I>
CUBIE_SIMD_INLINE void for_regs_impl(F& f, std::integer_sequence<int, I...>) {
  (f(I), ...);
}
/// f(0), ..., f(R - 1), unrolled at the source so each register is its own variable.
template <int R, class F>
CUBIE_SIMD_INLINE void for_regs(F&& f) {
  for_regs_impl(f, std::make_integer_sequence<int, R>{});
}
template <class V, class E, int... I>
CUBIE_SIMD_INLINE V splat_impl(E x, std::integer_sequence<int, I...>) {
  return V{((void)I, x)...};
}
/// Every lane x: one broadcast. (`V{} + x` is not: 0 + x is no identity for x = -0,
/// so GCC keeps a scalar add in front of every broadcast.)
template <class V, class E>
CUBIE_SIMD_INLINE V splat(E x) {
  return splat_impl<V>(x, std::make_integer_sequence<int, static_cast<int>(sizeof(V) / sizeof(E))>{});
}
}  // namespace detail

/// Lane-wise boolean of W lanes of width sizeof(T): all bits set = true.
template <class T, int W>
struct mask {
  using lane = typename int_of<T>::type;
  static constexpr int per_reg = shape<T, W>::per_reg;
  static constexpr int regs = shape<T, W>::regs;
  using reg_type = vec<lane, per_reg>;
  reg_type r[regs];

  mask() = default;
  CUBIE_SIMD_INLINE explicit mask(bool b) {
    detail::for_regs<regs>([&](int i) CUBIE_INLINE_LAMBDA { r[i] = detail::splat<reg_type>(b ? lane(-1) : lane(0)); });
  }
  CUBIE_SIMD_INLINE bool operator[](int i) const { return r[i / per_reg][i % per_reg] != 0; }
  CUBIE_SIMD_INLINE void set(int i, bool b) { r[i / per_reg][i % per_reg] = b ? lane(-1) : lane(0); }
  CUBIE_SIMD_INLINE friend mask operator&(mask a, mask b) {
    detail::for_regs<regs>([&](int i) CUBIE_INLINE_LAMBDA { a.r[i] &= b.r[i]; });
    return a;
  }
  CUBIE_SIMD_INLINE friend mask operator|(mask a, mask b) {
    detail::for_regs<regs>([&](int i) CUBIE_INLINE_LAMBDA { a.r[i] |= b.r[i]; });
    return a;
  }
  CUBIE_SIMD_INLINE friend mask operator~(mask a) {
    detail::for_regs<regs>([&](int i) CUBIE_INLINE_LAMBDA { a.r[i] = ~a.r[i]; });
    return a;
  }
  CUBIE_SIMD_INLINE friend mask operator!(mask a) { return ~a; }
  CUBIE_SIMD_INLINE mask& operator&=(mask b) { return *this = *this & b; }
  CUBIE_SIMD_INLINE mask& operator|=(mask b) { return *this = *this | b; }
};

/// W lanes of T with the arithmetic of T, lane by lane.
template <class T, int W>
struct pack {
  static constexpr int per_reg = shape<T, W>::per_reg;
  static constexpr int regs = shape<T, W>::regs;
  using reg_type = vec<T, per_reg>;
  using mask_type = mask<T, W>;
  reg_type r[regs];

  pack() = default;
  CUBIE_SIMD_INLINE pack(T x) {  // NOLINT: implicit broadcast keeps model code generic
    detail::for_regs<regs>([&](int i) CUBIE_INLINE_LAMBDA { r[i] = detail::splat<reg_type>(x); });
  }
  template <class U>
    requires(!std::is_same_v<U, T> && std::is_arithmetic_v<U>)
  CUBIE_SIMD_INLINE pack(U x) : pack(static_cast<T>(x)) {}  // NOLINT: broadcast of a literal

  CUBIE_SIMD_INLINE T operator[](int i) const { return r[i / per_reg][i % per_reg]; }
  CUBIE_SIMD_INLINE void set(int i, T x) { r[i / per_reg][i % per_reg] = x; }
  CUBIE_SIMD_INLINE static pack load(const T* p) {
    pack out;
    detail::for_regs<regs>([&](int i) CUBIE_INLINE_LAMBDA { std::memcpy(&out.r[i], p + i * per_reg, sizeof(reg_type)); });
    return out;
  }
  CUBIE_SIMD_INLINE void store(T* p) const {
    detail::for_regs<regs>([&](int i) CUBIE_INLINE_LAMBDA { std::memcpy(p + i * per_reg, &r[i], sizeof(reg_type)); });
  }

#define CUBIE_PACK_BINARY(op)                                              \
  CUBIE_SIMD_INLINE friend pack operator op(pack a, pack b) {                                \
    detail::for_regs<regs>([&](int i) CUBIE_INLINE_LAMBDA { a.r[i] = a.r[i] op b.r[i]; });    \
    return a;                                                              \
  }                                                                        \
  CUBIE_SIMD_INLINE pack& operator op##=(pack b) { return *this = *this op b; }
  CUBIE_PACK_BINARY(+)
  CUBIE_PACK_BINARY(-)
  CUBIE_PACK_BINARY(*)
  CUBIE_PACK_BINARY(/)
#undef CUBIE_PACK_BINARY
  CUBIE_SIMD_INLINE friend pack operator-(pack a) {
    detail::for_regs<regs>([&](int i) CUBIE_INLINE_LAMBDA { a.r[i] = -a.r[i]; });
    return a;
  }
  CUBIE_SIMD_INLINE friend pack operator+(pack a) { return a; }

#define CUBIE_PACK_COMPARE(op)                                             \
  CUBIE_SIMD_INLINE friend mask_type operator op(pack a, pack b) {                           \
    mask_type m;                                                           \
    detail::for_regs<regs>([&](int i) CUBIE_INLINE_LAMBDA { m.r[i] = a.r[i] op b.r[i]; });    \
    return m;                                                              \
  }
  CUBIE_PACK_COMPARE(<)
  CUBIE_PACK_COMPARE(<=)
  CUBIE_PACK_COMPARE(>)
  CUBIE_PACK_COMPARE(>=)
  CUBIE_PACK_COMPARE(==)
  CUBIE_PACK_COMPARE(!=)
#undef CUBIE_PACK_COMPARE
};

// ---- masks ------------------------------------------------------------------
namespace detail {
/// True when any bit of the register is set: one ptest on x86.
template <class V>
CUBIE_SIMD_INLINE bool any_bits(V v) {
#if defined(__AVX__)
  if constexpr (sizeof(V) == 32) {
    return !x86::all_zero(reinterpret_cast<x86::i64x4>(v));
  }
#endif
#if defined(__SSE4_1__)
  if constexpr (sizeof(V) == 16) {
    return !x86::all_zero(reinterpret_cast<x86::i64x2>(v));
  }
#endif
  constexpr int n = static_cast<int>(sizeof(V) / sizeof(v[0]));
  auto acc = v[0];
  for (int i = 1; i < n; ++i) acc |= v[i];
  return acc != 0;
}
}  // namespace detail

template <class T, int W>
CUBIE_SIMD_INLINE bool any(mask<T, W> m) {
  auto acc = m.r[0];
  detail::for_regs<mask<T, W>::regs - 1>([&](int i) CUBIE_INLINE_LAMBDA { acc |= m.r[i + 1]; });
  return detail::any_bits(acc);
}
template <class T, int W>
CUBIE_SIMD_INLINE bool all(mask<T, W> m) {
  auto acc = m.r[0];
  detail::for_regs<mask<T, W>::regs - 1>([&](int i) CUBIE_INLINE_LAMBDA { acc &= m.r[i + 1]; });
  return !detail::any_bits(~acc);
}
template <class T, int W>
CUBIE_SIMD_INLINE bool none(mask<T, W> m) { return !any(m); }
template <class T, int W>
CUBIE_SIMD_INLINE mask<T, W> mask_and(mask<T, W> a, mask<T, W> b) { return a & b; }
template <class T, int W>
CUBIE_SIMD_INLINE mask<T, W> mask_or(mask<T, W> a, mask<T, W> b) { return a | b; }
template <class T, int W>
CUBIE_SIMD_INLINE mask<T, W> mask_not(mask<T, W> a) { return !a; }

template <class T, int W>
CUBIE_SIMD_INLINE pack<T, W> select(mask<T, W> m, pack<T, W> a, pack<T, W> b) {
  detail::for_regs<pack<T, W>::regs>([&](int i) CUBIE_INLINE_LAMBDA { a.r[i] = m.r[i] ? a.r[i] : b.r[i]; });
  return a;
}
template <class T, int W>
CUBIE_SIMD_INLINE pack<T, W> ifelse(mask<T, W> m, pack<T, W> a, pack<T, W> b) { return select(m, a, b); }

// ---- element-wise math --------------------------------------------------------
// Lane loops within each register; with -O3 and -fno-math-errno GCC emits vector
// instructions for sqrt. Transcendentals go lane by lane (libm).
#define CUBIE_PACK_UNARY(name, expr)                                         \
  template <class T, int W>                                                  \
  CUBIE_SIMD_INLINE pack<T, W> name(pack<T, W> a) {                                     \
    constexpr int L = pack<T, W>::per_reg;                                   \
    detail::for_regs<pack<T, W>::regs>([&](int i) CUBIE_INLINE_LAMBDA {                          \
      for (int l = 0; l < L; ++l) { T x = a.r[i][l]; a.r[i][l] = (expr); }  \
    });                                                                      \
    return a;                                                                \
  }
CUBIE_PACK_UNARY(sqrt, std::sqrt(x))
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
CUBIE_SIMD_INLINE pack<T, W> abs(pack<T, W> a) {
  detail::for_regs<pack<T, W>::regs>([&](int i) CUBIE_INLINE_LAMBDA { a.r[i] = a.r[i] < 0 ? -a.r[i] : a.r[i]; });
  return a;
}
// fmin/fmax semantics: a NaN argument yields the other one.
template <class T, int W>
CUBIE_SIMD_INLINE pack<T, W> min(pack<T, W> a, pack<T, W> b) {
  detail::for_regs<pack<T, W>::regs>(
      [&](int i) CUBIE_INLINE_LAMBDA { a.r[i] = (b.r[i] < a.r[i] || a.r[i] != a.r[i]) ? b.r[i] : a.r[i]; });
  return a;
}
template <class T, int W>
CUBIE_SIMD_INLINE pack<T, W> max(pack<T, W> a, pack<T, W> b) {
  detail::for_regs<pack<T, W>::regs>(
      [&](int i) CUBIE_INLINE_LAMBDA { a.r[i] = (b.r[i] > a.r[i] || a.r[i] != a.r[i]) ? b.r[i] : a.r[i]; });
  return a;
}
template <class T, int W>
CUBIE_SIMD_INLINE pack<T, W> pow(pack<T, W> a, pack<T, W> b) {
  T lanes[W];
  for (int l = 0; l < W; ++l) lanes[l] = std::pow(a[l], b[l]);
  return pack<T, W>::load(lanes);
}
template <class T, int W>
CUBIE_SIMD_INLINE pack<T, W> atan2(pack<T, W> a, pack<T, W> b) {
  T lanes[W];
  for (int l = 0; l < W; ++l) lanes[l] = std::atan2(a[l], b[l]);
  return pack<T, W>::load(lanes);
}
template <class T, int W>
CUBIE_SIMD_INLINE mask<T, W> is_finite(pack<T, W> a) {
  mask<T, W> m;
  detail::for_regs<pack<T, W>::regs>([&](int i) CUBIE_INLINE_LAMBDA {
    const auto ax = a.r[i] < 0 ? -a.r[i] : a.r[i];
    m.r[i] = ax <= std::numeric_limits<T>::max();
  });
  return m;
}

// ---- controller power: vectorised exp2(e * log2(x)) for x > 0 ------------------
// Accurate to a few ulp in T; runs on every lane at once, unlike std::pow, because the
// step controller calls it once per step and lane-by-lane pow would cost more than
// a small system's whole step. Written on one register; packs apply it per register.
namespace detail {
template <class V>
CUBIE_SIMD_INLINE V log2_positive_reg(V m) {
  using T = std::remove_cvref_t<decltype(m[0])>;
  using I = typename int_of<T>::type;
  constexpr int n = static_cast<int>(sizeof(V) / sizeof(T));
  using IV = vec<I, n>;
  constexpr int mant_bits = sizeof(T) == 4 ? 23 : 52;
  constexpr I bias = sizeof(T) == 4 ? 127 : 1023;
  IV bits;
  std::memcpy(&bits, &m, sizeof(bits));
  IV e = ((bits >> mant_bits) & ((I(1) << (sizeof(T) * 8 - 1 - mant_bits)) - 1)) - bias;
  const IV mbits = (bits & ((I(1) << mant_bits) - 1)) | (bias << mant_bits);  // m in [1, 2)
  std::memcpy(&m, &mbits, sizeof(m));
  // Move m into [sqrt(1/2), sqrt(2)) so the series argument stays small.
  const auto big = m > static_cast<T>(1.4142135623730951);
  m = big ? m * static_cast<T>(0.5) : m;
  e = e - big;  // a true lane is -1
  // log(m) = 2 atanh(s), s = (m - 1)/(m + 1), |s| < 0.1716
  const V s = (m - 1) / (m + 1);
  const V s2 = s * s;
  constexpr int terms = sizeof(T) == 4 ? 5 : 11;
  V poly = V{} + static_cast<T>(1.0 / (2 * terms + 1));
  for (int k = terms - 1; k >= 0; --k) poly = poly * s2 + static_cast<T>(1.0 / (2 * k + 1));
  const V ln_m = static_cast<T>(2) * s * poly;
  const V ef = __builtin_convertvector(e, V);
  return ef + ln_m * static_cast<T>(1.4426950408889634);
}

/// Taylor coefficients of 2^x: ln(2)^k / k!, so the series is one FMA per term.
template <class T, int K>
constexpr T exp2_coefficient() {
  double c = 1.0;
  for (int k = 1; k <= K; ++k) c = c * 0.6931471805599453 / k;
  return static_cast<T>(c);
}
template <class T, class V, int... K>
CUBIE_SIMD_INLINE V exp2_series(V f, std::integer_sequence<int, K...>) {
  constexpr int terms = sizeof...(K);
  V poly = V{} + exp2_coefficient<T, terms>();
  ((poly = poly * f + exp2_coefficient<T, terms - 1 - K>()), ...);
  return poly;
}

template <class V>
CUBIE_SIMD_INLINE V exp2_any_reg(V x) {
  using T = std::remove_cvref_t<decltype(x[0])>;
  using I = typename int_of<T>::type;
  constexpr int n = static_cast<int>(sizeof(V) / sizeof(T));
  using IV = vec<I, n>;
  constexpr int mant_bits = sizeof(T) == 4 ? 23 : 52;
  constexpr I bias = sizeof(T) == 4 ? 127 : 1023;
  constexpr T lim = sizeof(T) == 4 ? T(126) : T(1022);
  x = x > lim ? V{} + lim : x;
  x = x < -lim ? V{} - lim : x;
  // Round to nearest (ties to even, as nearbyint) with the 1.5 * 2^mant trick: exact
  // for |x| < 2^(mant - 1), vectorised, and unaffected by contraction (no product).
  constexpr T magic = static_cast<T>(sizeof(T) == 4 ? 12582912.0 : 6755399441055744.0);
  V n_ = (x + magic) - magic;
  const V f = x - n_;  // |f| <= 1/2
  constexpr int terms = sizeof(T) == 4 ? 7 : 13;
  const V poly = exp2_series<T>(f, std::make_integer_sequence<int, terms>{});
  const IV ni = __builtin_convertvector(n_, IV);
  const IV scale_bits = (ni + bias) << mant_bits;
  V scale;
  std::memcpy(&scale, &scale_bits, sizeof(scale));
  return poly * scale;
}

/// Lane conversion between packs of the same W whose registers hold different lane
/// counts (8 floats vs 4 doubles on AVX2): registers split in halves or join in pairs.
template <class D, class S, int... I>
CUBIE_SIMD_INLINE D half_of(S v, std::integer_sequence<int, I...>) {
  return __builtin_shufflevector(v, v, I...);
}
template <class D, class S, int... I>
CUBIE_SIMD_INLINE D join(S a, S b, std::integer_sequence<int, I...>) {
  return __builtin_shufflevector(a, b, I...);
}
template <int Off, int... I>
constexpr auto shifted(std::integer_sequence<int, I...>) {
  return std::integer_sequence<int, (I + Off)...>{};
}
/// One source register into two destination registers of half the lanes each.
template <class DR, class SR>
CUBIE_SIMD_INLINE void split_convert(DR& lo, DR& hi, SR v) {
  using DE = std::remove_cvref_t<decltype(lo[0])>;
  using SE = std::remove_cvref_t<decltype(v[0])>;
  constexpr int dl = static_cast<int>(sizeof(DR) / sizeof(DE));
#if defined(__AVX2__)
  // GCC 12 lowers a 4-lane float -> double __builtin_convertvector in 2-lane pieces.
  if constexpr (sizeof(SR) == 32 && sizeof(DR) == 32 && std::is_same_v<SE, float> && std::is_same_v<DE, double>) {
    lo = reinterpret_cast<DR>(x86::widen_low(reinterpret_cast<x86::f32x8>(v)));
    hi = reinterpret_cast<DR>(x86::widen_high(reinterpret_cast<x86::f32x8>(v)));
    return;
  } else if constexpr (sizeof(SR) == 32 && sizeof(DR) == 32 && sizeof(SE) == 4 && sizeof(DE) == 8 &&
                       std::is_integral_v<SE> && std::is_integral_v<DE>) {
    lo = reinterpret_cast<DR>(x86::widen_low(reinterpret_cast<x86::i32x8>(v)));
    hi = reinterpret_cast<DR>(x86::widen_high(reinterpret_cast<x86::i32x8>(v)));
    return;
  }
#endif
  using SH = vec<SE, dl>;
  lo = __builtin_convertvector(half_of<SH>(v, std::make_integer_sequence<int, dl>{}), DR);
  hi = __builtin_convertvector(half_of<SH>(v, shifted<dl>(std::make_integer_sequence<int, dl>{})), DR);
}

/// Two source registers into one destination register of twice the lanes.
template <class DR, class SR>
CUBIE_SIMD_INLINE DR join_convert(SR a, SR b) {
  using DE = std::remove_cvref_t<decltype(DR{}[0])>;
  using SE = std::remove_cvref_t<decltype(a[0])>;
  constexpr int sl = static_cast<int>(sizeof(SR) / sizeof(SE));
#if defined(__AVX2__)
  if constexpr (sizeof(SR) == 32 && sizeof(DR) == 32 && std::is_same_v<SE, double> && std::is_same_v<DE, float>) {
    return reinterpret_cast<DR>(x86::narrow(reinterpret_cast<x86::f64x4>(a), reinterpret_cast<x86::f64x4>(b)));
  } else if constexpr (sizeof(SR) == 32 && sizeof(DR) == 32 && sizeof(SE) == 8 && sizeof(DE) == 4 &&
                       std::is_integral_v<SE> && std::is_integral_v<DE>) {
    // Masks (every lane 0 or -1): the low halves of the 64-bit lanes, in order. GCC 12
    // spends 14 instructions on the __builtin_convertvector form; this is 2.
    return reinterpret_cast<DR>(x86::narrow_masks(reinterpret_cast<x86::i64x4>(a), reinterpret_cast<x86::i64x4>(b)));
  }
#endif
  using DH = vec<DE, sl>;
  return join<DR>(__builtin_convertvector(a, DH), __builtin_convertvector(b, DH),
                  std::make_integer_sequence<int, 2 * sl>{});
}

template <class DR, int DN, class SR, int SN>
CUBIE_SIMD_INLINE void convert_regs(DR (&dst)[DN], const SR (&src)[SN]) {
  using DE = std::remove_cvref_t<decltype(dst[0][0])>;
  using SE = std::remove_cvref_t<decltype(src[0][0])>;
  constexpr int dl = static_cast<int>(sizeof(DR) / sizeof(DE));
  constexpr int sl = static_cast<int>(sizeof(SR) / sizeof(SE));
  static_assert(dl * DN == sl * SN, "conversion between packs of different widths");
  if constexpr (dl == sl) {
    for_regs<DN>([&](int i) CUBIE_INLINE_LAMBDA { dst[i] = __builtin_convertvector(src[i], DR); });
  } else if constexpr (sl == 2 * dl) {  // each source register feeds two
    for_regs<SN>([&](int i) CUBIE_INLINE_LAMBDA { split_convert(dst[2 * i], dst[2 * i + 1], src[i]); });
  } else {
    static_assert(dl == 2 * sl, "register lane counts must match or differ by a factor of 2");
    for_regs<DN>([&](int i) CUBIE_INLINE_LAMBDA { dst[i] = join_convert<DR>(src[2 * i], src[2 * i + 1]); });
  }
}

template <class T, int W>
CUBIE_SIMD_INLINE pack<T, W> log2_positive(pack<T, W> x) {
  for_regs<pack<T, W>::regs>([&](int i) CUBIE_INLINE_LAMBDA { x.r[i] = log2_positive_reg(x.r[i]); });
  return x;
}
template <class T, int W>
CUBIE_SIMD_INLINE pack<T, W> exp2_any(pack<T, W> x) {
  for_regs<pack<T, W>::regs>([&](int i) CUBIE_INLINE_LAMBDA { x.r[i] = exp2_any_reg(x.r[i]); });
  return x;
}
}  // namespace detail

template <class T, int W>
CUBIE_SIMD_INLINE pack<T, W> controller_pow(pack<T, W> x, pack<T, W> e) {
  return detail::exp2_any(e * detail::log2_positive(x));
}
/// log2 (x > 0) and exp2 for the step controller, vectorised.
template <class T, int W>
CUBIE_SIMD_INLINE pack<T, W> controller_log2(pack<T, W> x) {
  return detail::log2_positive(x);
}
template <class T, int W>
CUBIE_SIMD_INLINE pack<T, W> controller_exp2(pack<T, W> x) {
  return detail::exp2_any(x);
}

template <class T, int W>
CUBIE_SIMD_INLINE pack<T, W> time_to_scalar(pack<double, W> t, pack<T, W>) {
  pack<T, W> out;
  detail::convert_regs(out.r, t.r);
  return out;
}
template <class T, int W>
CUBIE_SIMD_INLINE pack<double, W> scalar_to_time(pack<T, W> x) {
  pack<double, W> out;
  detail::convert_regs(out.r, x.r);
  return out;
}
template <class T, int W>
CUBIE_SIMD_INLINE pack<T, W> time_to_scalar(double t, pack<T, W>) {
  return pack<T, W>(static_cast<T>(t));
}
template <class T, int W>
CUBIE_SIMD_INLINE mask<T, W> time_mask_to_scalar_mask(mask<double, W> m, pack<T, W>) {
  mask<T, W> out;
  detail::convert_regs(out.r, m.r);
  return out;
}
template <int W>
CUBIE_SIMD_INLINE mask<double, W> scalar_mask_to_time_mask(mask<double, W> m) { return m; }
template <int W>
CUBIE_SIMD_INLINE mask<double, W> scalar_mask_to_time_mask(mask<float, W> m) {
  mask<double, W> out;
  detail::convert_regs(out.r, m.r);
  return out;
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
using simd::controller_exp2;
using simd::controller_log2;
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
