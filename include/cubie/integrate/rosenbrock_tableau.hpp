// cubie/integrate/rosenbrock_tableau.hpp
// A Rosenbrock (linearly implicit Runge-Kutta) method is data: one constexpr
// rosenbrock_tableau per method (in methods/), read by the generic rosenbrock_stepper.
//
// The form is Hairer & Wanner's transformed one (Solving ODEs II, IV.7, (7.25)), which is
// also OrdinaryDiffEq.jl's: with M = I / (h gamma) - J,
//
//   M u_i = f(t + c_i h, y + sum_{j<i} a_ij u_j) + sum_{j<i} (C_ij / h) u_j + d_i h df/dt
//   y_1   = y + sum_i b_i u_i,        error = sum_i e_i u_i  (= y_1 - embedded solution)
//
// so each stage costs one f, one solve with the same factorised M, and no product with J.
// The published (alpha, Gamma, b) form maps to it by a = alpha Gamma^-1,
// C = diag(1/gamma) - Gamma^-1, b <- b Gamma^-1 and d_i = sum_j gamma_ij; the tests map back
// and check the order conditions in that form.
#pragma once
#include "../core/execution_space.hpp"

namespace cubie {

template <int Stages>
struct rosenbrock_tableau {
  static constexpr int stages = Stages;
  double gamma;              // the diagonal of Gamma: M = I / (h gamma) - J
  double a[Stages][Stages];  // stage points (strictly lower triangular)
  double C[Stages][Stages];  // earlier stages added to a stage's right side (strictly lower)
  double c[Stages];          // nodes: stage i evaluates f at t + c_i h
  double d[Stages];          // coefficients of h df/dt (gamma_i = sum_j gamma_ij)
  double b[Stages];          // weights of the propagated solution
  double e[Stages];          // error weights b - b_hat (all zero: no estimate, fixed steps only)
  int order;                 // classical order of the propagated solution
  int error_order;           // q such that the error estimate is O(h^(q+1)); 0 = none
};

/// The method carries an error estimate (some e_i is nonzero).
template <int S>
CUBIE_HD constexpr bool has_error_estimate(const rosenbrock_tableau<S>& t) {
  for (int i = 0; i < S; ++i)
    if (t.e[i] != 0.0) return true;
  return false;
}

/// Stages i and j evaluate f at the same point (same node, same combination of earlier
/// stages), so stage i can reuse stage j's f (Rodas3P: stages 1 and 3, and 4 and 5).
template <int S>
CUBIE_HD constexpr bool same_stage_point(const rosenbrock_tableau<S>& t, int i, int j) {
  if (t.c[i] != t.c[j]) return false;
  for (int k = 0; k < S; ++k)
    if (t.a[i][k] != t.a[j][k]) return false;
  return true;
}

/// The earliest stage before i with the same point as i, or -1: that stage's f serves i.
template <int S>
CUBIE_HD constexpr int stage_point_source(const rosenbrock_tableau<S>& t, int i) {
  for (int j = 0; j < i; ++j)
    if (same_stage_point(t, i, j)) return j;
  return -1;
}

/// Stage i (after the first) evaluates f itself: no earlier stage shares its point.
template <int S>
CUBIE_HD constexpr bool stage_evaluates_f(const rosenbrock_tableau<S>& t, int i) {
  return i > 0 && stage_point_source(t, i) < 0;
}

/// Stage i evaluates f at a time t + c_i h that no earlier such stage had.
template <int S>
CUBIE_HD constexpr bool stage_time_is_new(const rosenbrock_tableau<S>& t, int i) {
  if (!stage_evaluates_f(t, i)) return false;
  for (int j = 1; j < i; ++j)
    if (stage_evaluates_f(t, j) && t.c[j] == t.c[i]) return false;
  return true;
}

/// The distinct times t + c_i h of the stages that evaluate f (Rodas5P: 7 evaluations at 5
/// times, stages 5 to 7 at c = 1), numbered in stage order: stage i's number, or -1 for a
/// stage that does not evaluate f.
template <int S>
CUBIE_HD constexpr int stage_time_slot(const rosenbrock_tableau<S>& t, int i) {
  if (!stage_evaluates_f(t, i)) return -1;
  int slot = 0;
  for (int j = 1; j < i; ++j) {
    if (!stage_time_is_new(t, j)) continue;
    if (t.c[j] == t.c[i]) return slot;
    ++slot;
  }
  return slot;
}

/// How many distinct times the stages evaluate f at.
template <int S>
CUBIE_HD constexpr int stage_time_count(const rosenbrock_tableau<S>& t) {
  int n = 0;
  for (int i = 1; i < S; ++i) n += stage_time_is_new(t, i) ? 1 : 0;
  return n;
}

/// The first stage at distinct time number `slot`.
template <int S>
CUBIE_HD constexpr int stage_time_stage(const rosenbrock_tableau<S>& t, int slot) {
  for (int i = 1; i < S; ++i)
    if (stage_time_is_new(t, i) && stage_time_slot(t, i) == slot) return i;
  return -1;
}

/// Some later stage reuses stage j's f value.
template <int S>
CUBIE_HD constexpr bool stage_point_reused(const rosenbrock_tableau<S>& t, int j) {
  for (int i = j + 1; i < S; ++i)
    if (stage_point_source(t, i) == j) return true;
  return false;
}

/// How many stage points after the first are shared with a later stage.
template <int S>
CUBIE_HD constexpr int reused_stage_points(const rosenbrock_tableau<S>& t) {
  int n = 0;
  for (int j = 1; j < S; ++j) n += stage_point_reused(t, j) ? 1 : 0;
  return n;
}

/// The last stage evaluates f at (t + h, y_1): that f is the next step's f at its start
/// (Shampine's ode23s pair), so a stepper that needs f there separately can carry it over.
template <int S>
CUBIE_HD constexpr bool is_first_same_as_last(const rosenbrock_tableau<S>& t) {
  if (t.c[S - 1] != 1.0 || t.b[S - 1] != 0.0) return false;
  for (int j = 0; j < S - 1; ++j)
    if (t.a[S - 1][j] != t.b[j]) return false;
  return true;
}

/// Stage i's point is stage i-1's plus its increment: a_i = a_(i-1) + e_(i-1) (Rodas4P and
/// Rodas5P's last two stages), so the stepper forms it from the previous point with N additions
/// instead of i vectors of products, and the earlier increments need not be read again for it.
/// Both points must be evaluated by their own stages (not shared with an earlier one).
template <int S>
CUBIE_HD constexpr bool point_follows_previous(const rosenbrock_tableau<S>& t, int i) {
  if (i < 2 || i >= S || t.a[i][i - 1] != 1.0) return false;
  if (stage_point_source(t, i) >= 0 || stage_point_source(t, i - 1) >= 0) return false;
  for (int j = 0; j < i - 1; ++j)
    if (t.a[i][j] != t.a[i - 1][j]) return false;
  for (int j = i; j < S; ++j)
    if (t.a[i][j] != 0.0) return false;
  return true;
}

/// The solution is the last stage's point plus its increment: b = a_(s-1) + e_(s-1) (stiffly
/// accurate methods written as y_1 = u_s + k_s: Rodas3P, Rodas4P, Rodas5P), so y_1 needs no
/// running sum of weighted increments.
template <int S>
CUBIE_HD constexpr bool solution_follows_last(const rosenbrock_tableau<S>& t) {
  if (S < 2 || t.b[S - 1] != 1.0 || stage_point_source(t, S - 1) >= 0) return false;
  for (int j = 0; j < S - 1; ++j)
    if (t.b[j] != t.a[S - 1][j]) return false;
  return true;
}

/// The error estimate is one stage's increment (e = e_j; Rodas4P and Rodas5P: the last), or -1.
template <int S>
CUBIE_HD constexpr int error_is_one_stage(const rosenbrock_tableau<S>& t) {
  int at = -1;
  for (int j = 0; j < S; ++j) {
    if (t.e[j] == 0.0) continue;
    if (t.e[j] != 1.0 || at >= 0) return -1;
    at = j;
  }
  return at;
}

/// The first stage is at (t, y), where the stepper already has f: every method here.
template <int S>
CUBIE_HD constexpr bool first_stage_at_start(const rosenbrock_tableau<S>& t) {
  for (int j = 0; j < S; ++j)
    if (t.a[0][j] != 0.0 || t.C[0][j] != 0.0) return false;
  return t.c[0] == 0.0;
}

}  // namespace cubie
