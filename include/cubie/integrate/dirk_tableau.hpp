// cubie/integrate/dirk_tableau.hpp
// A diagonally implicit Runge-Kutta method (DIRK, SDIRK, ESDIRK) is data: one constexpr
// dirk_tableau per method (in methods/), read by the generic dirk_stepper.
//
//   Y_i = y + h sum_{j<=i} a_ij f(t + c_i h, Y_j),   y_1 = y + h sum_i b_i f(Y_i),
//   error = h sum_i e_i f(Y_i)   (e = b - b_hat; all zero: no estimate, fixed steps only)
//
// A zero diagonal entry is an explicit stage (only the first may be: ESDIRK methods, whose
// first stage is f at the step's start). Every implicit stage solves with the iteration
// matrix c I - J, c = 1 / (h a_ii); stages sharing a diagonal share its factorisation.
#pragma once
#include "../core/execution_space.hpp"

namespace cubie {

/// How an implicit stage's Newton iteration starts.
enum class stage_predictor : int {
  /// From the previous stage's slope: Z_0 = h a_ii k_{i-1} (the first stage of a method
  /// whose first stage is implicit starts from Z_0 = 0, the step's starting point).
  previous_stage = 0,
  /// As previous_stage, but the first implicit stage starts from an explicit Euler step
  /// (Z_0 = h a_ii f(t, y)): the predictor-corrector form of backward Euler.
  explicit_euler = 1,
};

template <int Stages>
struct dirk_tableau {
  static constexpr int stages = Stages;
  double a[Stages][Stages];  // lower triangular, diagonal included
  double b[Stages];          // weights of the propagated solution
  double c[Stages];          // nodes
  double e[Stages];          // error weights b - b_hat
  int order;                 // classical order of the propagated solution
  int error_order;           // q such that the error estimate is O(h^(q+1)); 0 = none
  stage_predictor predictor = stage_predictor::previous_stage;
};

/// The method carries an error estimate (some e_i is nonzero).
template <int S>
CUBIE_HD constexpr bool has_error_estimate(const dirk_tableau<S>& t) {
  for (int i = 0; i < S; ++i)
    if (t.e[i] != 0.0) return true;
  return false;
}

/// Only the first stage may be explicit (ESDIRK), and then it sits at (t, y).
template <int S>
CUBIE_HD constexpr bool explicit_stages_valid(const dirk_tableau<S>& t) {
  for (int i = 1; i < S; ++i)
    if (t.a[i][i] == 0.0) return false;
  return t.a[0][0] != 0.0 || t.c[0] == 0.0;
}

/// The diagonal entry of the first implicit stage.
template <int S>
CUBIE_HD constexpr double first_diagonal(const dirk_tableau<S>& t) {
  for (int i = 0; i < S; ++i)
    if (t.a[i][i] != 0.0) return t.a[i][i];
  return 0.0;
}

/// Implicit stages with more than one diagonal value (crank_nicolson's backward Euler
/// estimate): the stepper keeps J to factorise again.
template <int S>
CUBIE_HD constexpr bool several_diagonals(const dirk_tableau<S>& t) {
  for (int i = 0; i < S; ++i)
    if (t.a[i][i] != 0.0 && t.a[i][i] != first_diagonal(t)) return true;
  return false;
}

/// The previous implicit stage's diagonal before stage i (0 when none).
template <int S>
CUBIE_HD constexpr double previous_diagonal(const dirk_tableau<S>& t, int i) {
  for (int j = i - 1; j >= 0; --j)
    if (t.a[j][j] != 0.0) return t.a[j][j];
  return 0.0;
}

/// The last stage is the solution (b = last row of a): f there needs no separate
/// evaluation, and stiff components are damped as by the stage equations (stiffly accurate).
template <int S>
CUBIE_HD constexpr bool is_stiffly_accurate(const dirk_tableau<S>& t) {
  for (int j = 0; j < S; ++j)
    if (t.a[S - 1][j] != t.b[j]) return false;
  return t.c[S - 1] == 1.0;
}

}  // namespace cubie
