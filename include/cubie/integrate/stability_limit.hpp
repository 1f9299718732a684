// cubie/integrate/stability_limit.hpp
// How long a step an explicit Runge-Kutta method can take on a stiff component: the length
// of its stability interval on the negative real axis, computed from the tableau at compile
// time. A decaying mode y' = lambda y stays bounded only while h |lambda| <= the limit, so
// on a stiff problem an explicit method's steps are held there whatever the tolerance.
#pragma once
#include "butcher_tableau.hpp"

namespace cubie {

/// The stability polynomial R(z) = 1 + sum_k g_k z^k of an explicit tableau at real x,
/// g_k = b^T A^(k-1) 1 (A is strictly lower triangular, so the sum ends at k = stages).
template <int S>
constexpr double stability_polynomial(const butcher_tableau<S>& t, double x) {
  double v[S];
  for (int i = 0; i < S; ++i) v[i] = 1.0;
  double r = 1.0, power = 1.0;
  for (int k = 1; k <= S; ++k) {
    double g = 0.0;
    for (int i = 0; i < S; ++i) g += t.b[i] * v[i];
    power *= x;
    r += g * power;
    double w[S];
    for (int i = 0; i < S; ++i) {
      w[i] = 0.0;
      for (int j = 0; j < i; ++j) w[i] += t.a[i][j] * v[j];
    }
    for (int i = 0; i < S; ++i) v[i] = w[i];
  }
  return r;
}

/// The largest X such that |R(-x)| <= 1 for every x in [0, X]: e.g. 2 for Euler, 2.785
/// for the classical RK4, 3.307 for Dormand-Prince 5(4). Scans in steps of 1/64 up to
/// 64, then bisects the first crossing to about 1e-12.
template <int S>
constexpr double real_stability_limit(const butcher_tableau<S>& t) {
  auto stable = [&](double x) {
    const double r = stability_polynomial(t, -x);
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
