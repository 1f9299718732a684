// tests/integrate/newton_failure_checks.hpp
// The Newton families' failure paths with fixed steps, where a failed iteration cannot retry
// smaller: the same two checks for every family (DIRK, FIRK), with the method's own exact
// step as the reference for the run that converges.
#pragma once
#include <gtest/gtest.h>

#include <cmath>

#include "cubie/batch/solver.hpp"
#include "cubie/core/status.hpp"

namespace cubie::test {

/// sqrt_decay (y' = -c sqrt(y)) from y0 = 1 with fixed h = 1 to t = 2, runs c = (0.1, 10, 0.2):
/// for c = 10 the first Newton increment drives the stage below zero and the next f is NaN,
/// so that run ends 256 (diverged) with NaN saves; its neighbours converge, keep the values
/// of their solve alone, and the first ends at `y_after_two_steps` (the method's exact steps).
/// Both the fixed-count path and the loop with saves in between.
template <class System>
void expect_fixed_steps_end_diverged(const System& sys, const char* method, double y_after_two_steps) {
  solver_settings s;
  s.algorithm = method;
  s.backend = "cpu";
  s.step_controller = "fixed";
  s.dt = 1.0;
  s.newton_atol = s.newton_rtol = 1e-14;
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = 2.0;
  for (bool with_saves : {false, true}) {
    if (with_saves) spec.save_every = 1.0;
    const SolveResult r = solver.solve({{"y", {1.0, 1.0, 1.0}}}, {{"c", {0.1, 10.0, 0.2}}}, spec);
    const SolveResult alone = solver.solve({{"y", {1.0, 1.0}}}, {{"c", {0.1, 0.2}}}, spec);
    EXPECT_EQ(r.status()[0], 0u) << method;
    EXPECT_EQ(r.status()[1], u32(status_newton_diverged)) << method << ", with saves: " << with_saves;
    EXPECT_EQ(r.status()[2], 0u) << method;
    EXPECT_TRUE(std::isnan(r.final_values("y")[1])) << method;
    EXPECT_EQ(r.final_values("y")[0], alone.final_values("y")[0]) << method;
    EXPECT_EQ(r.final_values("y")[2], alone.final_values("y")[1]) << method;
    EXPECT_NEAR(r.final_values("y")[0], y_after_two_steps, 1e-12) << method;
  }
}

/// Van der Pol (mu = 5), fixed h = 0.1 to t = 1, one Newton iteration allowed: at rest (0, 0)
/// the first increment is already within the Newton tolerance and the run stays there; from
/// (2, 0) the iteration cannot finish and the run ends with status 2; the resting neighbours
/// are untouched.
template <class System>
void expect_one_iteration_ends_status_2(const System& sys, const char* method) {
  solver_settings s;
  s.algorithm = method;
  s.backend = "cpu";
  s.step_controller = "fixed";
  s.dt = 0.1;
  s.newton_max_iters = 1;
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = 1.0;
  const SolveResult r = solver.solve({{"x", {0.0, 2.0, 0.0}}, {"y", {0.0, 0.0, 0.0}}}, {{"mu", {5.0}}}, spec);
  EXPECT_EQ(r.status()[0], 0u) << method;
  EXPECT_EQ(r.status()[1], u32(status_newton_max_iters)) << method;
  EXPECT_EQ(r.status()[2], 0u) << method;
  EXPECT_EQ(r.final_values("x")[0], 0.0) << method;
  EXPECT_EQ(r.final_values("x")[2], 0.0) << method;
}

}  // namespace cubie::test
