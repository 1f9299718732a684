// cubie/core/dual.hpp
// Forward-mode dual numbers: a value and K partial derivatives, all of arithmetic S (float,
// double or a SIMD pack), so a system template Sys<S> instantiated as Sys<dual<S, K>> returns
// f together with its exact derivatives (the Jacobian of a Rosenbrock step, integrate/jacobian.hpp).
//
// Every math function of core/math.hpp has a dual overload. Where a derivative does not exist
// everywhere it is taken almost everywhere, as model code needs: abs has sign(x) (0 at 0),
// floor and ceil 0, min, max and select/ifelse the derivative of the branch they pick.
// Comparisons compare values and return S's mask, so branch-free system code (select on
// masks) runs unchanged. Explicitly converting a dual to a plain number is a compile-time
// error whose message says what to do instead.
#pragma once
#include "execution_space.hpp"
#include "math.hpp"
#include "scalar_traits.hpp"

namespace cubie::ad {

namespace detail {
template <class A, class B>
struct same {
  static constexpr bool value = false;
};
template <class A>
struct same<A, A> {
  static constexpr bool value = true;
};
template <bool C, class T, class F>
struct pick {
  using type = T;
};
template <class T, class F>
struct pick<false, T, F> {
  using type = F;
};
template <class U>
inline constexpr bool dependent_false = false;
/// Stands in for the plain scalar under S when S is that scalar itself (one overload less).
struct no_scalar {
  no_scalar() = delete;
};
template <class T>
struct is_bool {
  static constexpr bool value = false;
};
template <>
struct is_bool<bool> {
  static constexpr bool value = true;
};
}  // namespace detail

/// A value of arithmetic S with its partial derivatives along K directions.
template <class S, int K>
struct dual {
  static_assert(K >= 1, "a dual number carries at least one partial derivative");
  using value_type = S;
  /// float or double under S, accepted where S is a SIMD pack (x * 2.0).
  using plain = typename detail::pick<detail::same<S, value_type_t<S>>::value, detail::no_scalar,
                                      value_type_t<S>>::type;

  S v;     // the value
  S d[K];  // d v / d x_k

  dual() = default;
  /// A constant: every partial derivative zero.
  CUBIE_HD CUBIE_FORCEINLINE dual(S x) : v(x) {  // NOLINT: implicit, as literals S(2) are
    CUBIE_UNROLL
    for (int k = 0; k < K; ++k) d[k] = S(0.0);
  }
  CUBIE_HD CUBIE_FORCEINLINE dual(plain x) : dual(S(x)) {}  // NOLINT

  /// The independent variable number `k`: value x, partial 1 along k, 0 along the others.
  CUBIE_HD static CUBIE_FORCEINLINE dual variable(S x, int k) {
    dual out(x);
    out.d[k] = S(1.0);
    return out;
  }

  /// Systems differentiated with dual numbers must keep them duals: a cast to a plain
  /// number would drop the derivatives (and with them the Jacobian's entries).
  template <class U>
  explicit operator U() const {
    static_assert(detail::dependent_false<U>,
                  "cubie: this system is differentiated with dual numbers for an implicit method, and its "
                  "right-hand side converts a state-dependent value to a plain number (a cast, or a call that "
                  "needs double/float), which would lose the derivative. Write the rhs with S throughout and "
                  "cubie::math functions, or give the system a jacobian(t, y, p, J) member (J[i*N + j] = "
                  "d f_i / d y_j).");
    return U{};
  }

  CUBIE_HD CUBIE_FORCEINLINE friend dual operator+(const dual& a) { return a; }
  CUBIE_HD CUBIE_FORCEINLINE friend dual operator-(const dual& a) {
    dual r;
    r.v = -a.v;
    CUBIE_UNROLL
    for (int k = 0; k < K; ++k) r.d[k] = -a.d[k];
    return r;
  }

  CUBIE_HD CUBIE_FORCEINLINE friend dual operator+(const dual& a, const dual& b) {
    dual r;
    r.v = a.v + b.v;
    CUBIE_UNROLL
    for (int k = 0; k < K; ++k) r.d[k] = a.d[k] + b.d[k];
    return r;
  }
  CUBIE_HD CUBIE_FORCEINLINE friend dual operator-(const dual& a, const dual& b) {
    dual r;
    r.v = a.v - b.v;
    CUBIE_UNROLL
    for (int k = 0; k < K; ++k) r.d[k] = a.d[k] - b.d[k];
    return r;
  }
  CUBIE_HD CUBIE_FORCEINLINE friend dual operator*(const dual& a, const dual& b) {
    dual r;
    r.v = a.v * b.v;
    CUBIE_UNROLL
    for (int k = 0; k < K; ++k) r.d[k] = a.v * b.d[k] + b.v * a.d[k];
    return r;
  }
  CUBIE_HD CUBIE_FORCEINLINE friend dual operator/(const dual& a, const dual& b) {
    dual r;
    r.v = a.v / b.v;
    const S inv = S(1.0) / b.v;
    CUBIE_UNROLL
    for (int k = 0; k < K; ++k) r.d[k] = (a.d[k] - r.v * b.d[k]) * inv;
    return r;
  }

  // With a constant on one side: no partials to combine from it.
  CUBIE_HD CUBIE_FORCEINLINE friend dual operator+(const dual& a, const S& b) {
    dual r = a;
    r.v = a.v + b;
    return r;
  }
  CUBIE_HD CUBIE_FORCEINLINE friend dual operator+(const S& a, const dual& b) {
    dual r = b;
    r.v = a + b.v;
    return r;
  }
  CUBIE_HD CUBIE_FORCEINLINE friend dual operator-(const dual& a, const S& b) {
    dual r = a;
    r.v = a.v - b;
    return r;
  }
  CUBIE_HD CUBIE_FORCEINLINE friend dual operator-(const S& a, const dual& b) {
    dual r = -b;
    r.v = a - b.v;
    return r;
  }
  CUBIE_HD CUBIE_FORCEINLINE friend dual operator*(const dual& a, const S& b) {
    dual r;
    r.v = a.v * b;
    CUBIE_UNROLL
    for (int k = 0; k < K; ++k) r.d[k] = a.d[k] * b;
    return r;
  }
  CUBIE_HD CUBIE_FORCEINLINE friend dual operator*(const S& a, const dual& b) {
    dual r;
    r.v = a * b.v;
    CUBIE_UNROLL
    for (int k = 0; k < K; ++k) r.d[k] = a * b.d[k];
    return r;
  }
  CUBIE_HD CUBIE_FORCEINLINE friend dual operator/(const dual& a, const S& b) {
    dual r;
    r.v = a.v / b;
    const S inv = S(1.0) / b;
    CUBIE_UNROLL
    for (int k = 0; k < K; ++k) r.d[k] = a.d[k] * inv;
    return r;
  }
  CUBIE_HD CUBIE_FORCEINLINE friend dual operator/(const S& a, const dual& b) { return dual(a) / b; }

  // The plain scalar under a pack (pack * 2.0 works, so dual<pack> * 2.0 must too).
  CUBIE_HD CUBIE_FORCEINLINE friend dual operator+(const dual& a, plain b) { return a + S(b); }
  CUBIE_HD CUBIE_FORCEINLINE friend dual operator+(plain a, const dual& b) { return S(a) + b; }
  CUBIE_HD CUBIE_FORCEINLINE friend dual operator-(const dual& a, plain b) { return a - S(b); }
  CUBIE_HD CUBIE_FORCEINLINE friend dual operator-(plain a, const dual& b) { return S(a) - b; }
  CUBIE_HD CUBIE_FORCEINLINE friend dual operator*(const dual& a, plain b) { return a * S(b); }
  CUBIE_HD CUBIE_FORCEINLINE friend dual operator*(plain a, const dual& b) { return S(a) * b; }
  CUBIE_HD CUBIE_FORCEINLINE friend dual operator/(const dual& a, plain b) { return a / S(b); }
  CUBIE_HD CUBIE_FORCEINLINE friend dual operator/(plain a, const dual& b) { return S(a) / b; }

  CUBIE_HD CUBIE_FORCEINLINE dual& operator+=(const dual& b) { return *this = *this + b; }
  CUBIE_HD CUBIE_FORCEINLINE dual& operator-=(const dual& b) { return *this = *this - b; }
  CUBIE_HD CUBIE_FORCEINLINE dual& operator*=(const dual& b) { return *this = *this * b; }
  CUBIE_HD CUBIE_FORCEINLINE dual& operator/=(const dual& b) { return *this = *this / b; }

  // Comparisons look at values only and give S's mask.
#define CUBIE_DUAL_COMPARE(op)                                                                              \
  CUBIE_HD CUBIE_FORCEINLINE friend auto operator op(const dual& a, const dual& b) { return a.v op b.v; }  \
  CUBIE_HD CUBIE_FORCEINLINE friend auto operator op(const dual& a, const S& b) { return a.v op b; }       \
  CUBIE_HD CUBIE_FORCEINLINE friend auto operator op(const S& a, const dual& b) { return a op b.v; }       \
  CUBIE_HD CUBIE_FORCEINLINE friend auto operator op(const dual& a, plain b) { return a.v op S(b); }       \
  CUBIE_HD CUBIE_FORCEINLINE friend auto operator op(plain a, const dual& b) { return S(a) op b.v; }
  CUBIE_DUAL_COMPARE(<)
  CUBIE_DUAL_COMPARE(<=)
  CUBIE_DUAL_COMPARE(>)
  CUBIE_DUAL_COMPARE(>=)
  CUBIE_DUAL_COMPARE(==)
  CUBIE_DUAL_COMPARE(!=)
#undef CUBIE_DUAL_COMPARE
};

namespace detail {
/// f(a) with derivative scale df/dx at a: the chain rule for every unary function.
template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> chain(const dual<S, K>& a, S value, S slope) {
  dual<S, K> r;
  r.v = value;
  CUBIE_UNROLL
  for (int k = 0; k < K; ++k) r.d[k] = slope * a.d[k];
  return r;
}
/// Picks per lane (or per run) between two duals, value and partials alike.
template <class M, class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> pick_lanes(M m, const dual<S, K>& a, const dual<S, K>& b) {
  using math::select;  // scalars; packs come through argument-dependent lookup
  dual<S, K> r;
  r.v = select(m, a.v, b.v);
  CUBIE_UNROLL
  for (int k = 0; k < K; ++k) r.d[k] = select(m, a.d[k], b.d[k]);
  return r;
}
}  // namespace detail

// Unqualified calls below reach cubie::math's float/double overloads through the
// using-declarations and SIMD packs' overloads through argument-dependent lookup.

template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> sqrt(const dual<S, K>& a) {
  using math::sqrt;
  const S r = sqrt(a.v);
  return detail::chain(a, r, S(0.5) / r);
}
template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> exp(const dual<S, K>& a) {
  using math::exp;
  const S r = exp(a.v);
  return detail::chain(a, r, r);
}
template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> exp2(const dual<S, K>& a) {
  using math::exp2;
  const S r = exp2(a.v);
  return detail::chain(a, r, r * S(0.69314718055994530942));
}
template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> log(const dual<S, K>& a) {
  using math::log;
  return detail::chain(a, log(a.v), S(1.0) / a.v);
}
template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> log2(const dual<S, K>& a) {
  using math::log2;
  return detail::chain(a, log2(a.v), S(1.44269504088896340736) / a.v);
}
template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> log10(const dual<S, K>& a) {
  using math::log10;
  return detail::chain(a, log10(a.v), S(0.43429448190325182765) / a.v);
}
template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> sin(const dual<S, K>& a) {
  using math::cos;
  using math::sin;
  return detail::chain(a, sin(a.v), cos(a.v));
}
template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> cos(const dual<S, K>& a) {
  using math::cos;
  using math::sin;
  return detail::chain(a, cos(a.v), -sin(a.v));
}
template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> tan(const dual<S, K>& a) {
  using math::tan;
  const S r = tan(a.v);
  return detail::chain(a, r, S(1.0) + r * r);
}
template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> asin(const dual<S, K>& a) {
  using math::asin;
  using math::sqrt;
  return detail::chain(a, asin(a.v), S(1.0) / sqrt(S(1.0) - a.v * a.v));
}
template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> acos(const dual<S, K>& a) {
  using math::acos;
  using math::sqrt;
  return detail::chain(a, acos(a.v), S(-1.0) / sqrt(S(1.0) - a.v * a.v));
}
template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> atan(const dual<S, K>& a) {
  using math::atan;
  return detail::chain(a, atan(a.v), S(1.0) / (S(1.0) + a.v * a.v));
}
template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> sinh(const dual<S, K>& a) {
  using math::cosh;
  using math::sinh;
  return detail::chain(a, sinh(a.v), cosh(a.v));
}
template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> cosh(const dual<S, K>& a) {
  using math::cosh;
  using math::sinh;
  return detail::chain(a, cosh(a.v), sinh(a.v));
}
template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> tanh(const dual<S, K>& a) {
  using math::tanh;
  const S r = tanh(a.v);
  return detail::chain(a, r, S(1.0) - r * r);
}
template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> floor(const dual<S, K>& a) {
  using math::floor;
  return detail::chain(a, floor(a.v), S(0.0));
}
template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> ceil(const dual<S, K>& a) {
  using math::ceil;
  return detail::chain(a, ceil(a.v), S(0.0));
}
/// |x|' = sign(x), taken as 0 at x = 0.
template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> abs(const dual<S, K>& a) {
  using math::abs;
  using math::select;
  const S sign = select(a.v > S(0.0), S(1.0), select(a.v < S(0.0), S(-1.0), S(0.0)));
  return detail::chain(a, abs(a.v), sign);
}

/// min and max follow fmin/fmax (a NaN argument yields the other) and differentiate the
/// argument they return (the first one on a tie).
template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> min(const dual<S, K>& a, const dual<S, K>& b) {
  using math::mask_or;
  using math::min;
  dual<S, K> r = detail::pick_lanes(mask_or(b.v < a.v, a.v != a.v), b, a);
  r.v = min(a.v, b.v);
  return r;
}
template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> max(const dual<S, K>& a, const dual<S, K>& b) {
  using math::mask_or;
  using math::max;
  dual<S, K> r = detail::pick_lanes(mask_or(b.v > a.v, a.v != a.v), b, a);
  r.v = max(a.v, b.v);
  return r;
}

/// x^y = exp(y log x): d = y x^(y-1) dx + x^y log(x) dy. The log term is dropped where x <= 0
/// (there x^y is defined only for constant integer y, whose dy is 0), and at x = 0 the base
/// term is y x^(y-1) computed directly rather than as y x^y / x.
template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> pow(const dual<S, K>& a, const dual<S, K>& b) {
  using math::log;
  using math::pow;
  using math::select;
  dual<S, K> r;
  r.v = pow(a.v, b.v);
  const mask_t<S> positive = a.v > S(0.0);
  const S safe_base = select(positive, a.v, S(1.0));
  const S base_slope = select(a.v == S(0.0), b.v * pow(a.v, b.v - S(1.0)), b.v * r.v / select(a.v == S(0.0), S(1.0), a.v));
  const S exp_slope = select(positive, r.v * log(safe_base), S(0.0));
  CUBIE_UNROLL
  for (int k = 0; k < K; ++k) r.d[k] = base_slope * a.d[k] + exp_slope * b.d[k];
  return r;
}
template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> pow(const dual<S, K>& a, const S& b) {
  using math::pow;
  using math::select;
  const S r = pow(a.v, b);
  const S slope = select(a.v == S(0.0), b * pow(a.v, b - S(1.0)), b * r / select(a.v == S(0.0), S(1.0), a.v));
  return detail::chain(a, r, slope);
}
template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> pow(const S& a, const dual<S, K>& b) {
  return pow(dual<S, K>(a), b);
}
/// atan2(y, x)' = (x dy - y dx) / (x^2 + y^2).
template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> atan2(const dual<S, K>& y, const dual<S, K>& x) {
  using math::atan2;
  dual<S, K> r;
  r.v = atan2(y.v, x.v);
  const S inv = S(1.0) / (x.v * x.v + y.v * y.v);
  CUBIE_UNROLL
  for (int k = 0; k < K; ++k) r.d[k] = (x.v * y.d[k] - y.v * x.d[k]) * inv;
  return r;
}

/// The branch picked per lane, derivatives included. Scalars' masks are bool and go through
/// math::select's generic template; this one serves the masks of SIMD packs.
template <class M, class S, int K>
  requires(!detail::is_bool<M>::value)
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> select(M m, const dual<S, K>& a, const dual<S, K>& b) {
  return detail::pick_lanes(m, a, b);
}
template <class M, class S, int K>
  requires(!detail::is_bool<M>::value)
CUBIE_HD CUBIE_FORCEINLINE dual<S, K> ifelse(M m, const dual<S, K>& a, const dual<S, K>& b) {
  return detail::pick_lanes(m, a, b);
}

template <class S, int K>
CUBIE_HD CUBIE_FORCEINLINE auto is_finite(const dual<S, K>& a) {
  using math::is_finite;
  return is_finite(a.v);
}

}  // namespace cubie::ad

namespace cubie {

using ad::dual;

template <class S, int K>
struct scalar_traits<ad::dual<S, K>> {
  using value_type = value_type_t<S>;
  using mask_type = mask_t<S>;
  using time_type = time_t_of<S>;
  using count_type = count_t_of<S>;
  static constexpr int lanes = scalar_traits<S>::lanes;
};

namespace math {
using ad::abs;
using ad::acos;
using ad::asin;
using ad::atan;
using ad::atan2;
using ad::ceil;
using ad::cos;
using ad::cosh;
using ad::exp;
using ad::exp2;
using ad::floor;
using ad::ifelse;
using ad::is_finite;
using ad::log;
using ad::log10;
using ad::log2;
using ad::max;
using ad::min;
using ad::pow;
using ad::select;
using ad::sin;
using ad::sinh;
using ad::sqrt;
using ad::tan;
using ad::tanh;
}  // namespace math

}  // namespace cubie
