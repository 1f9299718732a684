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
    solver_settings s = cpu_settings(method, 1e-9, {1e-9});
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
  // Backward Euler's exact step for the converging run: sqrt(w) = (-h c + sqrt(h^2 c^2 +
  // 4 y)) / 2, twice.
  static const auto sys = make_system<sqrt_decay, m::method_list<m::backwards_euler>, double>();
  double y = 1.0;
  for (int i = 0; i < 2; ++i) y = std::pow((-0.1 + std::sqrt(0.01 + 4 * y)) / 2, 2);
  expect_fixed_steps_end_diverged(sys, "backwards_euler", y);
}

TEST(DirkFailure, TooFewIterationsEndWithStatus2) {
  static const auto sys = make_system<van_der_pol, m::method_list<m::l_stable_dirk_3>, double>();
  expect_one_iteration_ends_status_2(sys, "l_stable_dirk_3");
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
