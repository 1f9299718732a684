// cubie/integrate/butcher_tableau.hpp
// An explicit Runge-Kutta method is data: one constexpr butcher_tableau per method
// (in methods/), read by the single generic stepper in erk_stepper.hpp.
#pragma once
#include "../core/execution_space.hpp"

namespace cubie {

/// How the error estimate becomes a norm.
enum class error_estimate_kind : int {
  none = 0,      // no embedded method: fixed steps only
  embedded = 1,  // err = h * sum(e_i k_i); mean-square norm of err / scale
  dop853 = 2,    // Hairer's DOP853: a 5th- and a 3rd-order estimate combined
};

template <int Stages>
struct butcher_tableau {
  static constexpr int stages = Stages;
  double a[Stages][Stages];  // strictly lower triangular
  double b[Stages];          // weights of the propagated solution
  double c[Stages];          // nodes: c_i = sum_j a_ij
  double e[Stages];          // error weights b - b_hat (zeros without an estimate)
  double e3[Stages];         // DOP853's second (3rd-order) estimate; zeros otherwise
  int order;                 // order of the propagated solution
  int error_order;           // order q used in the controller exponent 1/(q+1); 0 = none
  error_estimate_kind estimate;
};

/// The last stage is f(t + h, y_new) and can be reused as the next step's first stage.
template <int S>
CUBIE_HD constexpr bool is_first_same_as_last(const butcher_tableau<S>& t) {
  if (t.c[S - 1] != 1.0) return false;
  for (int j = 0; j < S; ++j)
    if (t.a[S - 1][j] != t.b[j]) return false;
  return true;
}

}  // namespace cubie
