// tests/integrate/adaptive_common.hpp
// Shared by the adaptive-accuracy tests: each adaptive method with its default controller
// (pi with CuBIE's gains; i for DOP853, as Hairer's code) on three problems with exact solutions, over a range of tolerances
// (atol = rtol = tol): the global error at the end must stay within 10 tol and fall in
// proportion to tol (least-squares slope of log error against log tol in [0.8, 1.2]).
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cubie/batch/solver.hpp"
#include "least_squares.hpp"
#include "test_systems.hpp"

namespace cubie::test {

enum class linear_problem { decay, oscillator, forced };

inline const char* problem_name(linear_problem p) {
  switch (p) {
    case linear_problem::decay:
      return "decay";
    case linear_problem::oscillator:
      return "oscillator";
    default:
      return "forced";
  }
}

/// Span, inputs and exact end state of one problem of linear2.
struct problem_setup {
  double duration;
  named_arrays inits, params;
  double exact0, exact1;
};

inline problem_setup setup_of(linear_problem p, double t0) {
  problem_setup s;
  switch (p) {
    case linear_problem::decay:  // y0' = -y0 from 1e6 over 8 time constants (to 335): rtol governs throughout
      s.duration = 8.0;
      s.inits = {{"y0", {1e6}}, {"y1", {0.0}}};
      s.params = {{"a11", {-1.0}}, {"a12", {0.0}}, {"a21", {0.0}}, {"a22", {0.0}}, {"forcing", {0.0}}};
      s.exact0 = exact_decay(1e6, 1.0, t0, t0 + s.duration);
      s.exact1 = 0.0;
      break;
    case linear_problem::oscillator:  // y0' = y1, y1' = -y0 from (1, 0) over one period
      s.duration = 2.0 * 3.14159265358979323846;
      s.inits = {{"y0", {1.0}}, {"y1", {0.0}}};
      s.params = {{"a11", {0.0}}, {"a12", {1.0}}, {"a21", {-1.0}}, {"a22", {0.0}}, {"forcing", {0.0}}};
      exact_oscillator(1.0, 0.0, t0, t0 + s.duration, s.exact0, s.exact1);
      break;
    case linear_problem::forced:  // y0' = -y0 + sin(t), y0(t0) = 1
      s.duration = 10.0;
      s.inits = {{"y0", {1.0}}, {"y1", {0.0}}};
      s.params = {{"a11", {-1.0}}, {"a12", {0.0}}, {"a21", {0.0}}, {"a22", {0.0}}, {"forcing", {1.0}}};
      s.exact0 = exact_forced(1.0, t0, t0 + s.duration);
      s.exact1 = 0.0;
      break;
  }
  return s;
}

/// Global error at the end of an adaptive solve at atol = rtol = tol, in the controller's
/// own units: max over states of |y - exact| / (1 + |exact|), i.e. |y - exact| / (atol +
/// rtol |exact|) times tol.
inline double adaptive_error(const std::shared_ptr<const compiled_system>& sys, const std::string& method,
                             precision prec, linear_problem p, double tol, double t0 = 0.0) {
  solver_settings s;
  s.algorithm = method;
  s.atol = {tol};
  s.rtol = {tol};
  s.precision = prec;
  s.backend = "cpu";
  Solver solver(sys, s);
  EXPECT_EQ(solver.controller().kind, method == "dormand_prince_853" ? controller_kind::i : controller_kind::pi);
  const problem_setup ps = setup_of(p, t0);
  solve_spec spec;
  spec.t0 = t0;
  spec.duration = ps.duration;
  const SolveResult r = solver.solve(ps.inits, ps.params, spec);
  EXPECT_EQ(r.status()[0], 0u) << method << " " << problem_name(p) << " tol " << tol;
  return std::max(std::abs(r.final_values("y0")[0] - ps.exact0) / (1 + std::abs(ps.exact0)),
                  std::abs(r.final_values("y1")[0] - ps.exact1) / (1 + std::abs(ps.exact1)));
}

/// The tolerance study of one method on one problem.
inline void check_tolerance_proportionality(const std::shared_ptr<const compiled_system>& sys,
                                            const std::string& method, precision prec, linear_problem p,
                                            const std::vector<double>& tols) {
  std::vector<double> log_tol, log_err, errs;
  std::string line;
  char buf[64];
  for (double tol : tols) {
    const double e = adaptive_error(sys, method, prec, p, tol);
    errs.push_back(e);
    std::snprintf(buf, sizeof buf, " %.0e:%.2e", tol, e);
    line += buf;
    log_tol.push_back(std::log(tol));
    log_err.push_back(std::log(std::max(e, 1e-300)));
  }
  const double slope = least_squares_slope(log_tol, log_err);
  std::printf("%-20s %-7s %-10s:%s  slope %.3f\n", method.c_str(), precision_name(prec), problem_name(p), line.c_str(),
              slope);
  for (std::size_t i = 0; i < tols.size(); ++i)
    EXPECT_LE(errs[i], 10 * tols[i]) << method << " on " << problem_name(p) << " at tol " << tols[i];
  EXPECT_GE(slope, 0.8) << method << " on " << problem_name(p);
  EXPECT_LE(slope, 1.2) << method << " on " << problem_name(p);
}

/// After a rejected step the retry must start from f(t, y) at the run's own t. On the
/// quadrature y0' = sin(t) (y0 = 1 - cos t from 0) a run whose first step is set far too
/// large (dt = 1) starts with rejections. With correct restarts every method ends within
/// 1.3 tol here; a first stage evaluated at the rejected step's end time instead costs
/// b_1 / e_1 times the estimate on the step that is finally accepted (fehlberg_45: 43x, vern7:
/// 19x), ending 2 to 14 tol off (and with several extra rejections).
inline double quadrature_error(const std::shared_ptr<const compiled_system>& sys, const std::string& method,
                               std::optional<double> dt0, u32& rejected) {
  constexpr double tol = 1e-9, T = 3.0;
  solver_settings s;
  s.algorithm = method;
  s.atol = {tol};
  s.rtol = {tol};
  s.dt = dt0;
  s.backend = "cpu";
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = T;
  const SolveResult r =
      solver.solve({{"y0", {0.0}}, {"y1", {0.0}}},
                   {{"a11", {0.0}}, {"a12", {0.0}}, {"a21", {0.0}}, {"a22", {0.0}}, {"forcing", {1.0}}}, spec);
  EXPECT_EQ(r.status()[0], 0u);
  rejected = r.steps_rejected()[0];
  const double exact = 1.0 - std::cos(T);
  return std::abs(r.final_values("y0")[0] - exact) / (1 + exact);
}

inline void check_restart_after_rejection(const std::shared_ptr<const compiled_system>& sys,
                                          const std::string& method) {
  u32 rejected_big = 0, rejected_est = 0;
  const double err_big = quadrature_error(sys, method, 1.0, rejected_big);
  const double err_est = quadrature_error(sys, method, std::nullopt, rejected_est);
  std::printf("%-20s dt0 = 1: %u rejected, error %.2e; dt0 estimated: %u rejected, error %.2e\n", method.c_str(),
              rejected_big, err_big, rejected_est, err_est);
  ASSERT_GE(rejected_big, 1u) << "the scenario needs a rejected first step";
  EXPECT_LE(err_big, 2e-9) << method << ": a run that starts with rejected steps ends " << err_big / 1e-9
                           << " tol off (estimated first step: " << err_est / 1e-9 << " tol)";
}

}  // namespace cubie::test
