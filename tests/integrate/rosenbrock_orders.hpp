// tests/integrate/rosenbrock_orders.hpp
// Shared by the Rosenbrock order tests: fixed-step solves through the Solver (cpu backend) of
// order_and_prothero_robinson, in its smooth configuration (the order problem, classical
// order) and its stiff one (Prothero-Robinson with L = -1e6, |h L| from 1e4 to 1e5), and the
// observed slopes.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <vector>

#include "convergence_common.hpp"
#include "stiff_systems.hpp"

namespace cubie::test {

inline double pr_g(double t) { return std::sin(t) + std::cos(2.0 * t); }

/// Max-norm error at T of `n` fixed steps: smooth (every order-problem part on, L = 0) or
/// stiff (the order-problem parts off, L = -1e6).
inline double rosenbrock_fixed_step_error(const std::shared_ptr<const compiled_system>& sys, const char* method,
                                          precision prec, double T, int n, bool stiff,
                                          double newton_tol = 0.0, const char* linear_solver = nullptr) {
  solver_settings s;
  if (linear_solver) s.linear_solver = linear_solver;  // Newton families: the LU or a Krylov method
  if (newton_tol > 0) s.newton_atol = s.newton_rtol = newton_tol;  // Newton families: below the error
  s.newton_max_iters = 20;
  s.algorithm = method;
  s.step_controller = "fixed";
  s.dt = T / n;
  s.precision = prec;
  s.backend = "cpu";
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = T;
  const unsigned parts = stiff ? 0u : unsigned(all_parts);
  std::vector<double> y0 = order_problem_start(parts);
  y0.push_back(pr_g(0.0));
  named_arrays inits;
  for (int i = 0; i < 6; ++i) inits.push_back({solver.system().states[i], {y0[i]}});
  const SolveResult r = solver.solve(inits, {{"k2", {rigid_k2}}, {"L", {stiff ? -1e6 : 0.0}}}, spec);
  EXPECT_EQ(r.status()[0], 0u) << method;
  EXPECT_EQ(r.steps_accepted()[0], static_cast<u32>(n)) << method;
  std::vector<double> exact = order_problem_exact(parts, T);
  exact.push_back(pr_g(T));
  double err = 0;
  for (int i = 0; i < 6; ++i) err = std::max(err, std::fabs(r.final_values(solver.system().states[i])[0] - exact[i]));
  return err;
}

/// The observed order over `steps` (least squares of log error against log h), asserted
/// within 0.3 of `order`.
inline void check_rosenbrock_order(const std::shared_ptr<const compiled_system>& sys, const char* method, int order,
                                   double T, const std::vector<int>& steps, bool stiff,
                                   precision prec = precision::float64, double newton_tol = 0.0,
                                   const char* linear_solver = nullptr) {
  std::vector<double> log_h, log_e;
  std::printf("%-20s %-7s %s%s%s, T = %g, order %d:", method, precision_name(prec),
              stiff ? "Prothero-Robinson L=-1e6" : "smooth", linear_solver ? ", " : "",
              linear_solver ? linear_solver : "", T, order);
  for (int n : steps) {
    const double e = rosenbrock_fixed_step_error(sys, method, prec, T, n, stiff, newton_tol, linear_solver);
    EXPECT_TRUE(e > 0 && std::isfinite(e)) << method << " n = " << n << " error " << e;
    log_h.push_back(std::log(T / n));
    log_e.push_back(std::log(e));
    std::printf("  n=%d e=%.3g", n, e);
  }
  const double slope = least_squares_slope(log_h, log_e);
  std::printf("  -> observed %.3f\n", slope);
  EXPECT_NEAR(slope, order, 0.3) << method << (stiff ? " (stiff)" : "");
}

}  // namespace cubie::test
