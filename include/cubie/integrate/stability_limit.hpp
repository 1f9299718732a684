// cubie/integrate/stability_limit.hpp
// How long a step an explicit Runge-Kutta method can take on a stiff component: the length
// of its stability interval on the negative real axis, computed from the tableau at compile
// time. A decaying mode y' = lambda y stays bounded only while h |lambda| <= the limit, so
// on a stiff problem an explicit method's steps are held there whatever the tolerance.
#pragma once
#include "butcher_tableau.hpp"

namespace cubie {

/// The coefficients g_0..g_S of an explicit tableau's stability polynomial
/// R(z) = sum_k g_k z^k: g_0 = 1, g_k = b^T A^(k-1) 1 (A is strictly lower triangular, so
/// the sum ends at k = S).
template <int S>
struct stability_coefficients {
  double g[S + 1];
};

template <int S>
constexpr stability_coefficients<S> stability_polynomial_coefficients(const butcher_tableau<S>& t) {
  stability_coefficients<S> c{};
  c.g[0] = 1.0;
  double v[S];  // A^(k-1) 1
  for (int i = 0; i < S; ++i) v[i] = 1.0;
  for (int k = 1; k <= S; ++k) {
    double g = 0.0;
    for (int i = 0; i < S; ++i) g += t.b[i] * v[i];
    c.g[k] = g;
    double w[S];
    for (int i = 0; i < S; ++i) {
      w[i] = 0.0;
      for (int j = 0; j < i; ++j) w[i] += t.a[i][j] * v[j];
    }
    for (int i = 0; i < S; ++i) v[i] = w[i];
  }
  return c;
}

/// R(x) at real x, by Horner's rule on the coefficients.
template <int S>
constexpr double stability_polynomial(const stability_coefficients<S>& c, double x) {
  double r = c.g[S];
  for (int k = S - 1; k >= 0; --k) r = r * x + c.g[k];
  return r;
}

/// The largest X such that |R(-x)| <= 1 for every x in [0, X]: e.g. 2 for Euler, 2.785
/// for the classical RK4, 3.307 for Dormand-Prince 5(4). Scans in steps of 1/64 up to
/// 64, then bisects the first crossing to about 1e-12. The coefficients are formed once,
/// so the scan costs S multiply-adds a point: it runs in the compiler (constexpr) in
/// every model compiled at run time, where forming A^k per point cost DOP853 0.8 s.
template <int S>
constexpr double real_stability_limit(const butcher_tableau<S>& t) {
  const stability_coefficients<S> c = stability_polynomial_coefficients(t);
  auto stable = [&](double x) {
    const double r = stability_polynomial(c, -x);
    return r <= 1.0 + 1e-13 && r >= -1.0 - 1e-13;
  };
  double lo = 0.0;
  constexpr double step = 1.0 / 64;
  while (lo < 64.0 && stable(lo + step)) lo += step;
  if (lo >= 64.0) return 64.0;
  double hi = lo + step;
  for (int i = 0; i < 40; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (stable(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

}  // namespace cubie
