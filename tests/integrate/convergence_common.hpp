// tests/integrate/convergence_common.hpp
// Shared by the convergence-order tests: a fixed-step solve of the rigid-body-plus-scalar
// problem through the whole Solver path, its exact solution and a least-squares slope.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/special_functions/jacobi_elliptic.hpp>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cubie/batch/solver.hpp"
#include "least_squares.hpp"
#include "test_systems.hpp"

namespace cubie::test {

inline constexpr double rigid_k2 = 0.51;

/// Which parts of order_problem a study switches on (the others start at 0 and stay there).
enum problem_parts : unsigned { rigid = 1, quadratic_t = 2, exp_sin = 4, all_parts = 7 };

/// Initial values of order_problem with the given parts switched on.
inline std::vector<double> order_problem_start(unsigned parts) {
  const bool r = parts & rigid;
  return {0.0, r ? 1.0 : 0.0, r ? 1.0 : 0.0, (parts & quadratic_t) ? 1.0 : 0.0, (parts & exp_sin) ? 1.0 : 0.0};
}

/// Exact state of order_problem at t from order_problem_start(parts) at t = 0.
inline std::vector<double> order_problem_exact(unsigned parts, double t) {
  double cn = 0, dn = 0;
  const double sn = boost::math::jacobi_elliptic(std::sqrt(rigid_k2), t, &cn, &dn);
  std::vector<double> y = {0, 0, 0, 0, 0};
  if (parts & rigid) {
    y[0] = sn;
    y[1] = cn;
    y[2] = dn;
  }
  if (parts & quadratic_t) y[3] = 1.0 / (1.0 + t * t);
  if (parts & exp_sin) y[4] = std::exp(std::sin(t));
  return y;
}

/// One convergence study: `method` with fixed steps T / n for each n in `steps`.
struct order_case {
  const char* method;
  int order;  ///< nominal order of the propagated solution
  double T;   ///< integration span
  std::vector<int> steps;
  unsigned parts = all_parts;
};

/// Max-norm error at T of a fixed-step solve with n steps, through Solver (cpu, fixed).
inline double fixed_step_error(const std::shared_ptr<const compiled_system>& sys, const order_case& c, precision prec,
                               int n) {
  solver_settings s;
  s.algorithm = c.method;
  s.step_controller = "fixed";
  s.dt = c.T / n;
  s.precision = prec;
  s.backend = "cpu";
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = c.T;
  const std::vector<double> y0 = order_problem_start(c.parts);
  named_arrays inits;
  for (int i = 0; i < 5; ++i) inits.push_back({solver.system().states[i], {y0[i]}});
  const SolveResult r = solver.solve(inits, {{"k2", {rigid_k2}}}, spec);
  EXPECT_EQ(r.status()[0], 0u);
  EXPECT_EQ(r.steps_accepted()[0], static_cast<u32>(n));
  EXPECT_EQ(r.times().back(), c.T);
  const std::vector<double> exact = order_problem_exact(c.parts, c.T);
  double err = 0;
  for (int i = 0; i < 5; ++i) err = std::max(err, std::abs(r.final_values(solver.system().states[i])[0] - exact[i]));
  return err;
}

/// Observed order: slope of log(error) against log(h) over the case's step counts. Also
/// returns it so a caller can assert bounds of its own.
inline double check_order(const std::shared_ptr<const compiled_system>& sys, const order_case& c, precision prec,
                          bool assert_near_nominal = true) {
  constexpr double tolerance = 0.3;
  std::vector<double> log_h, log_e;
  std::printf("%-20s %-7s parts %u, T = %g, order %d:", c.method, precision_name(prec), c.parts, c.T, c.order);
  for (int n : c.steps) {
    const double e = fixed_step_error(sys, c, prec, n);
    EXPECT_TRUE(e > 0 && std::isfinite(e)) << c.method << " n = " << n << " error " << e;
    log_h.push_back(std::log(c.T / n));
    log_e.push_back(std::log(e));
    std::printf("  n=%d e=%.3g", n, e);
  }
  const double slope = least_squares_slope(log_h, log_e);
  std::printf("  -> observed %.3f\n", slope);
  if (assert_near_nominal) {
    EXPECT_NEAR(slope, c.order, tolerance) << c.method << " in " << precision_name(prec);
  }
  return slope;
}

}  // namespace cubie::test
