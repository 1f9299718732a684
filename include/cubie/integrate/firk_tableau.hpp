// cubie/integrate/firk_tableau.hpp
// A fully implicit (collocation) Runge-Kutta method is data: one constexpr firk_tableau per
// method (in methods/), read by the generic firk_stepper.
//
//   Z_i = h sum_j a_ij f(t + c_j h, y + Z_j),   y_1 = y + sum_i d_i Z_i   (d = b^T A^-1)
//
// The stage system is solved in the variables W = T^-1 Z, in which A^-1 is block diagonal
// (Butcher; Hairer & Wanner IV.8): T^-1 A^-1 T = diag(gamma_1 .. gamma_R, [[alpha_1, -beta_1],
// [beta_1, alpha_1]], ..). Each real eigenvalue is one real N x N system (gamma/h I - J), each
// complex pair one complex one ((alpha + i beta)/h I - J), in that order along W.
// An embedded estimate (Radau IIA 5, as RADAU5): err = (gamma_1/h I - J)^-1 (f(t, y) +
// sum_i e_i Z_i / h); all e zero: no estimate, fixed steps only.
#pragma once
#include "../core/execution_space.hpp"

namespace cubie {

template <int Stages, int Reals, int Pairs>
struct firk_tableau {
  static_assert(Reals + 2 * Pairs == Stages, "A^-1's eigenvalues: Reals real ones and Pairs complex pairs");
  static constexpr int stages = Stages;
  static constexpr int reals = Reals;
  static constexpr int pairs = Pairs;
  double a[Stages][Stages];
  double b[Stages];
  double c[Stages];                    // nodes (distinct, nonzero: a collocation method)
  double d[Stages];                    // y_1 = y + sum d_i Z_i
  double T[Stages][Stages];            // Z = T W
  double TI[Stages][Stages];           // W = TI Z
  double gamma[Reals > 0 ? Reals : 1];  // the real eigenvalues of A^-1
  double alpha[Pairs > 0 ? Pairs : 1];  // the complex pairs alpha +- i beta
  double beta[Pairs > 0 ? Pairs : 1];
  double e[Stages];                    // the estimate's weights on Z (zero: none)
  int order;
  int error_order;                     // q: the estimate is O(h^(q+1)); 0 = none
};

template <int S, int R, int P>
CUBIE_HD constexpr bool has_error_estimate(const firk_tableau<S, R, P>& t) {
  for (int i = 0; i < S; ++i)
    if (t.e[i] != 0.0) return true;
  return false;
}

/// b = the last row of a: the method is stiffly accurate (Radau IIA).
template <int S, int R, int P>
CUBIE_HD constexpr bool is_stiffly_accurate(const firk_tableau<S, R, P>& t) {
  for (int j = 0; j < S; ++j)
    if (t.a[S - 1][j] != t.b[j]) return false;
  return t.c[S - 1] == 1.0;
}

}  // namespace cubie
