// tests/integrate/dirk_failure_test.cpp
// dirk_solve_test's Newton failure paths (cpu backend): a step whose iteration diverges is
// rejected and retried smaller, a run whose iteration cannot converge ends with status 2 or
// 256, its neighbours untouched, and the Newton settings are validated. A translation unit of
// its own (dirk_solve_test.cpp says why).
#include "dirk_solve_common.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
using namespace cubie::test::dirk_solve;

TEST(DirkFailure, DivergingStepIsRetriedSmaller) {
  // y' = -c sqrt(y) from y0 = 4 with c = 3: exact (2 - 3t/2)^2, 0.25 at t = 1. A first step
  // of 1 sends the Newton iterate below zero (sqrt of a negative: a non-finite increment,
  // divergence); the step is rejected and retried smaller, and the run finishes.
  static const auto sys = make_system<sqrt_decay, stiff_dirks, double>();
  for (const char* method : stiff_methods) {
    solver_settings s = settings_for(method, 1e-9, {1e-9});
    s.dt = 1.0;
    Solver solver(sys, s);
    solve_spec spec;
    spec.duration = 1.0;
    const SolveResult r = solver.solve({{"y", {4.0}}}, {{"c", {3.0}}}, spec);
    EXPECT_EQ(r.status()[0], 0u) << method;
    EXPECT_GE(r.steps_rejected()[0], 1u) << method;
    EXPECT_NEAR(r.final_values("y")[0], 0.25, 1e-7) << method;
  }
}

TEST(DirkFailure, FixedStepsEndWithTheNewtonStatus) {
  // With fixed steps a failed Newton iteration cannot retry: the run ends with its reason.
  // Backward Euler from y0 = 1 with h = 1: for c = 10 the first Newton increment leaves
  // y + Z < 0 and the next f is NaN (256, diverged); c = 0.1 converges (the neighbour keeps
  // its value, equal to its solve alone).
  static const auto sys = make_system<sqrt_decay, m::method_list<m::backwards_euler>, double>();
  solver_settings s;
  s.algorithm = "backwards_euler";
  s.backend = "cpu";
  s.step_controller = "fixed";
  s.dt = 1.0;
  s.newton_atol = s.newton_rtol = 1e-14;
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = 2.0;
  for (bool with_saves : {false, true}) {  // the fixed-count path and the loop with saves
    if (with_saves) spec.save_every = 1.0;
    const SolveResult r = solver.solve({{"y", {1.0, 1.0, 1.0}}}, {{"c", {0.1, 10.0, 0.2}}}, spec);
    const SolveResult alone = solver.solve({{"y", {1.0, 1.0}}}, {{"c", {0.1, 0.2}}}, spec);
    EXPECT_EQ(r.status()[0], 0u);
    EXPECT_EQ(r.status()[1], u32(status_newton_diverged)) << "with saves: " << with_saves;
    EXPECT_EQ(r.status()[2], 0u);
    EXPECT_TRUE(std::isnan(r.final_values("y")[1]));
    EXPECT_EQ(r.final_values("y")[0], alone.final_values("y")[0]);
    EXPECT_EQ(r.final_values("y")[2], alone.final_values("y")[1]);
    // Backward Euler's exact step: sqrt(w) = (-h c + sqrt(h^2 c^2 + 4 y)) / 2, twice.
    double y = 1.0;
    for (int i = 0; i < 2; ++i) y = std::pow((-0.1 + std::sqrt(0.01 + 4 * y)) / 2, 2);
    EXPECT_NEAR(r.final_values("y")[0], y, 1e-12);
  }
}

TEST(DirkFailure, TooFewIterationsEndWithStatus2) {
  // One Newton iteration allowed and a first rate estimate of 1: a run converges only where
  // the first increment is already within the Newton tolerance. Van der Pol at rest (0, 0)
  // stays there; from (2, 0) the iteration cannot finish, and with fixed steps the run ends
  // with status 2; the resting neighbour is untouched.
  static const auto sys = make_system<van_der_pol, m::method_list<m::l_stable_dirk_3>, double>();
  solver_settings s;
  s.algorithm = "l_stable_dirk_3";
  s.backend = "cpu";
  s.step_controller = "fixed";
  s.dt = 0.1;
  s.newton_max_iters = 1;
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = 1.0;
  const SolveResult r = solver.solve({{"x", {0.0, 2.0, 0.0}}, {"y", {0.0, 0.0, 0.0}}}, {{"mu", {5.0}}}, spec);
  EXPECT_EQ(r.status()[0], 0u);
  EXPECT_EQ(r.status()[1], u32(status_newton_max_iters));
  EXPECT_EQ(r.status()[2], 0u);
  EXPECT_EQ(r.final_values("x")[0], 0.0);
  EXPECT_EQ(r.final_values("x")[2], 0.0);
}

TEST(DirkFailure, NewtonSettingsAreValidated) {
  static const auto sys = make_system<van_der_pol, m::method_list<m::l_stable_dirk_3>, double>();
  auto message = [&](auto edit) {
    solver_settings s;
    s.algorithm = "l_stable_dirk_3";
    s.backend = "cpu";
    edit(s);
    try {
      Solver solver(sys, s);
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(message([](solver_settings& s) { s.newton_max_iters = 0; }).find("newton_max_iters = 0"), std::string::npos);
  EXPECT_NE(message([](solver_settings& s) { s.newton_atol = -1.0; }).find("newton_atol = -1"), std::string::npos);
  EXPECT_NE(message([](solver_settings& s) { s.newton_target_iters = 20; }).find("newton_target_iters = 20"),
            std::string::npos);
  EXPECT_EQ(message([](solver_settings& s) { s.newton_max_iters = 3; }), "");
}

}  // namespace
