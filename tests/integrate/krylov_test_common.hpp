// tests/integrate/krylov_test_common.hpp
// Shared by the Newton-Krylov tests (krylov_solve_test.cpp for the DIRKs, firk_krylov_test.cpp
// and the FIRK Brusselator tests): the solver settings of a solve with a given linear solver,
// the accuracy comparison against the LU, the system whose Jacobian-vector products are
// non-finite, with the check that its failing run ends alone, and the check of status 4 when
// krylov_max_iters is too small.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "brusselator_systems.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/math.hpp"
#include "cubie/core/status.hpp"
#include "stiff_references.hpp"

namespace cubie::test {

inline const char* const krylov_solvers[] = {"gmres", "bicgstab", "minimal_residual", "steepest_descent"};

inline solver_settings settings(const char* method, const char* linear, double rtol, std::vector<double> atol,
                                precision prec = precision::float64) {
  solver_settings s;
  s.algorithm = method;
  s.backend = "cpu";
  s.precision = prec;
  s.rtol = {rtol};
  s.atol = std::move(atol);
  s.linear_solver = linear;
  // Steepest descent is meant for symmetric positive definite systems: it converges on these
  // (the symmetric part of I - s J is positive definite where the steps are small enough)
  // but slowly.
  if (std::string(linear) == "steepest_descent") s.krylov_max_iters = 400;
  return s;
}

/// Krylov's error may exceed the LU's by the noise of a different (equally valid) Newton
/// path: twice the LU's, or one tolerance, whichever is larger.
inline void expect_as_accurate(double krylov, double lu, const std::string& what) {
  EXPECT_LE(krylov, std::max(2.0 * lu, 1.0)) << what;
}

/// y' = p - sqrt(y): finite f, infinite df/dy at y = 0 (every Krylov product is non-finite
/// there); from y = 1 with p = 1 it rests at its equilibrium (f = 0 exactly, so its linear
/// solves are done before any product).
template <class S>
struct infinite_slope {
  static constexpr int n_states = 1;
  static constexpr int n_parameters = 1;
  static constexpr int n_observables = 0;
  static constexpr const char* name = "infinite_slope";
  static constexpr const char* state_names = "y";
  static constexpr const char* parameter_names = "p";
  static constexpr const char* observable_names = "";
  static constexpr bool autonomous = true;
  CUBIE_HD CUBIE_FORCEINLINE void rhs(S /*t*/, const S* y, const S* p, S* f) const { f[0] = p[0] - math::sqrt(y[0]); }
};

/// Three runs of infinite_slope with settings `s` (whose Krylov tolerances no product-free
/// answer meets): run 1 starts where df/dy is infinite and must end with 128 (BiCGSTAB breaks
/// down) or 4 (minimal residual runs out of iterations); runs 0 and 2 rest at y = 1 untouched.
/// Returns run 1's status.
inline u32 expect_only_the_infinite_run_fails(const std::shared_ptr<const compiled_system>& sys,
                                              const solver_settings& s) {
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = 1.0;
  const SolveResult r = solver.solve({{"y", {1.0, 0.0, 1.0}}}, {{"p", {1.0, 1.0, 1.0}}}, spec);
  const std::string linear = s.linear_solver.value_or("");
  const std::string what = s.algorithm + " " + linear + " " + precision_name(s.precision);
  const u32 expected = linear == "bicgstab" ? u32(status_linear_breakdown) : u32(status_linear_max_iters);
  EXPECT_EQ(r.status()[1], expected) << what;
  EXPECT_EQ(r.status()[0], 0u) << what;
  EXPECT_EQ(r.status()[2], 0u) << what;
  EXPECT_NEAR(r.final_values("y")[0], 1.0, 1e-6) << what;
  EXPECT_NEAR(r.final_values("y")[2], 1.0, 1e-6) << what;
  return r.status()[1];
}

/// On the 8-cell Brusselator (bruss16 with `method`), a stiff run (alpha = 2) whose fixed step
/// of 0.5 needs more Krylov iterations than the one allowed ends with status 4 (linear solver
/// out of iterations), not with Newton's divergence; the solve returns.
inline void expect_too_few_krylov_iterations_end_with_status_4(const std::shared_ptr<const compiled_system>& bruss16,
                                                               const char* method) {
  for (const char* linear : {"gmres", "bicgstab", "minimal_residual"}) {
    solver_settings s = settings(method, linear, 1e-6, {1e-6});
    s.step_controller = "fixed";
    s.dt = 0.5;
    s.krylov_max_iters = 1;
    const SolveResult r = solve_brusselator(bruss16, s, 8, 2.0);
    std::printf("%-22s %-16s krylov_max_iters 1: status of alpha = 2: %u\n", method, linear, r.status()[3]);
    EXPECT_EQ(r.status()[3] & u32(status_linear_max_iters), u32(status_linear_max_iters)) << method << " " << linear;
    EXPECT_EQ(r.status()[3] & u32(status_newton_diverged), 0u) << method << " " << linear;
  }
}

}  // namespace cubie::test
