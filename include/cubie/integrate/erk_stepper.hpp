// cubie/integrate/erk_stepper.hpp
// The one generic explicit Runge-Kutta step, unrolled at compile time from a method's
// constexpr tableau: zero coefficients vanish, stage vectors stay in registers, and
// the solution and error sums accumulate as stages finish so each stage dies early.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/fixed_vector.hpp"
#include "../core/math.hpp"
#include "../core/static_for.hpp"
#include "butcher_tableau.hpp"

namespace cubie {

template <class Method>
struct erk_stepper {
  static constexpr auto tableau = Method::tableau;
  static constexpr int stages = decltype(tableau)::stages;
  static constexpr bool fsal = is_first_same_as_last(tableau);
  static constexpr bool adaptive = tableau.estimate != error_estimate_kind::none;
  static constexpr bool two_estimates = tableau.estimate == error_estimate_kind::dop853;
  static constexpr int order = tableau.order;
  static constexpr int error_order = tableau.error_order;

  /// One step of size h from (t, y) with parameters p; k0 must hold f(t, y).
  /// Writes y_new, the error estimate err = h sum e_i k_i (and err3 for DOP853) when
  /// the method has one, and, for first-same-as-last methods, k_last = f(t + h, y_new).
  template <class Sys, class S, int N, int P>
  CUBIE_HD CUBIE_FORCEINLINE static void step(const Sys& sys, S t, S h, const fixed_vector<S, N>& y,
                                              const fixed_vector<S, P>& p, const fixed_vector<S, N>& k0,
                                              fixed_vector<S, N>& y_new, fixed_vector<S, N>& err,
                                              fixed_vector<S, N>& err3, fixed_vector<S, N>& k_last) {
    fixed_vector<S, N> k[stages];
    k[0] = k0;
    accumulate<0>(h, k[0], y, y_new, err, err3);
    static_for<1, stages>([&](auto stage) CUBIE_INLINE_LAMBDA {
      constexpr int i = decltype(stage)::value;
      fixed_vector<S, N> ys = y;
      static_for<0, i>([&](auto col) CUBIE_INLINE_LAMBDA {
        constexpr int j = decltype(col)::value;
        constexpr double a = tableau.a[i][j];
        if constexpr (a != 0.0) {
          const S ha = h * S(a);
          CUBIE_UNROLL
          for (int n = 0; n < N; ++n) ys[n] = ys[n] + ha * k[j][n];
        }
      });
      constexpr double c = tableau.c[i];
      // First same as last: the last stage point is the new solution itself.
      if constexpr (fsal && i == stages - 1) y_new = ys;
      sys.rhs(t + h * S(c), ys.data(), p.data(), k[i].data());
      accumulate<i>(h, k[i], y, y_new, err, err3);
      if constexpr (fsal && i == stages - 1) k_last = k[i];
    });
  }

 private:
  // Folds stage i into the running solution and error sums.
  template <int I, class S, int N>
  CUBIE_HD CUBIE_FORCEINLINE static void accumulate(S h, const fixed_vector<S, N>& ki, const fixed_vector<S, N>& y,
                                                    fixed_vector<S, N>& y_new, fixed_vector<S, N>& err,
                                                    fixed_vector<S, N>& err3) {
    // First-same-as-last methods take y_new from their last stage point instead.
    constexpr double b = fsal ? 0.0 : tableau.b[I];
    if constexpr (I == 0 && !fsal) {
      CUBIE_UNROLL
      for (int n = 0; n < N; ++n) y_new[n] = y[n];
    }
    if constexpr (b != 0.0) {
      const S hb = h * S(b);
      CUBIE_UNROLL
      for (int n = 0; n < N; ++n) y_new[n] = y_new[n] + hb * ki[n];
    }
    if constexpr (adaptive) {
      constexpr double e = tableau.e[I];
      if constexpr (I == 0) {
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) err[n] = S(0.0);
      }
      if constexpr (e != 0.0) {
        const S he = h * S(e);
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) err[n] = err[n] + he * ki[n];
      }
    }
    if constexpr (two_estimates) {
      constexpr double e3 = tableau.e3[I];
      if constexpr (I == 0) {
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) err3[n] = S(0.0);
      }
      if constexpr (e3 != 0.0) {
        const S he = h * S(e3);
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) err3[n] = err3[n] + he * ki[n];
      }
    }
  }
};

}  // namespace cubie
