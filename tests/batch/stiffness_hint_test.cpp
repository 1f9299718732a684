// tests/batch/stiffness_hint_test.cpp
// An explicit method that fails on a stiff run says so: status 4096 (status_stability_limited)
// beside the failure bit, and failure_summary() names the cause and a Rosenbrock method. The
// flag must not appear where the failure has another cause: an oscillator that simply needs
// more steps than max_steps allows, or a solution that blows up (y' = y^2, a growing mode).
// Stability limits against the closed forms of the methods' stability polynomials.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "batch_test_systems.hpp"
#include "cubie/batch/failure_summary.hpp"
#include "cubie/batch/method_catalog.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/status.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;

TEST(StabilityLimit, MatchesTheStabilityPolynomials) {
  // |R(-x)| = 1 for R the Taylor polynomial of exp (methods of order p with p stages), and
  // Dormand-Prince 5(4)'s 1 + z + ... + z^5/120 + z^6/600.
  EXPECT_NEAR(find_method("euler").stability_limit, 2.0, 1e-9);
  EXPECT_NEAR(find_method("heun_21").stability_limit, 2.0, 1e-9);
  EXPECT_NEAR(find_method("ralston_33").stability_limit, 2.512745326618329, 1e-9);
  EXPECT_NEAR(find_method("bogacki_shampine_32").stability_limit, 2.512745326618329, 1e-9);
  EXPECT_NEAR(find_method("classical_rk4").stability_limit, 2.785293563405305, 1e-9);
  EXPECT_NEAR(find_method("dormand_prince_54").stability_limit, 3.3065678926349467, 1e-9);
  for (const method_info& m : all_method_infos()) {
    if (m.implicit) EXPECT_EQ(m.stability_limit, 0.0) << m.name;
    else EXPECT_GE(m.stability_limit, 2.0) << m.name;  // no explicit method is below Euler
  }
}

template <class V>
class StiffnessHint : public ::testing::Test {};
using precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(StiffnessHint, precisions);

template <class V>
solver_settings explicit_settings(const char* method, std::int64_t max_steps) {
  solver_settings s;
  s.algorithm = method;
  s.precision = sizeof(V) == 4 ? precision::float32 : precision::float64;
  s.backend = "cpu";
  s.max_steps = max_steps;
  if (sizeof(V) == 4) s.rtol = s.atol = {1e-4};
  return s;
}

// y0' = -lambda y0 + sin t, y1' = -y1: after a transient of length 1/lambda, y0 follows
// sin(t) / lambda smoothly; dopri54's steps are held at 3.3 / lambda.
TYPED_TEST(StiffnessHint, StiffDecayIsFlaggedAndExplained) {
  const std::vector<double> lambdas = {1e3, 3e3, 1e4, 3e4, 1e5, 1e3, 1e4, 1e5, 1e6};
  std::vector<double> a11;
  for (double l : lambdas) a11.push_back(-l);
  Solver solver(linear_system(), explicit_settings<TypeParam>("dormand_prince_54", 3000));
  solve_spec spec;
  spec.duration = 100.0;
  const SolveResult r = solver.solve({{"y0", {1.0}}, {"y1", {1.0}}},
                                     {{"a11", a11}, {"a12", {0.0}}, {"a21", {0.0}}, {"a22", {-1.0}}, {"forcing", {1.0}}},
                                     spec);
  for (std::size_t i = 0; i < lambdas.size(); ++i) {
    EXPECT_EQ(r.status()[i], u32(status_max_steps_exceeded | status_stability_limited)) << "lambda " << lambdas[i];
  }
  const std::string summary = failure_summary(r.status(), "dopri54");
  EXPECT_NE(summary.find("9 of 9 runs failed: 9 max steps exceeded"), std::string::npos) << summary;
  EXPECT_NE(summary.find("9 of the 9 failed runs stopped with dormand_prince_54's steps held by its stability "
                         "limit (h |lambda| <= 3.31"),
            std::string::npos)
      << summary;
  EXPECT_NE(summary.find("stiff"), std::string::npos) << summary;
  EXPECT_NE(summary.find("algorithm = rodas5p"), std::string::npos) << summary;
}

// A fixed step beyond the limit on the same decaying problem overflows (status 512): the
// check sees h |lambda| = 1000 / 64, far past RK4's 2.79.
TYPED_TEST(StiffnessHint, FixedStepBeyondTheLimitIsFlagged) {
  solver_settings s = explicit_settings<TypeParam>("classical_rk4", 10'000'000);
  s.dt = 1.0 / 64;
  Solver solver(linear_system(), s);
  solve_spec spec;
  spec.duration = 100.0;
  spec.save_every = 1.0;  // the loop's step-by-step path, which stops at the first non-finite state
  const SolveResult r = solver.solve({{"y0", {1.0}}, {"y1", {1.0}}},
                                     {{"a11", {-1e3}}, {"a12", {0.0}}, {"a21", {0.0}}, {"a22", {-1.0}}, {"forcing", {1.0}}},
                                     spec);
  EXPECT_EQ(r.status()[0], u32(status_nonfinite_state | status_stability_limited));
}

// The harmonic oscillator over 1e4 time units needs far more than 300 steps at any
// tolerance; its eigenvalues +-i have no decaying part, and its steps are held by accuracy.
TYPED_TEST(StiffnessHint, AnOscillatorOutOfStepsIsNotStiff) {
  Solver solver(linear_system(), explicit_settings<TypeParam>("dormand_prince_54", 300));
  solve_spec spec;
  spec.duration = 1e4;
  const SolveResult r = solver.solve(
      {{"y0", {1.0, 0.5, 2.0}}, {"y1", {0.0}}},
      {{"a11", {0.0}}, {"a12", {1.0}}, {"a21", {-1.0}}, {"a22", {0.0}}, {"forcing", {0.0}}}, spec);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(r.status()[i], u32(status_max_steps_exceeded)) << "run " << i;
  const std::string summary = failure_summary(r.status(), "dormand_prince_54");
  EXPECT_EQ(summary, "3 of 3 runs failed: 3 max steps exceeded");
}

// y' = y^2 from y0 = 2 has its pole at t = 0.5: the steps shrink to dt_min, where f' = 2y is
// large and positive. A blow-up, not stiffness.
TYPED_TEST(StiffnessHint, ABlowUpIsNotStiff) {
  for (const char* method : {"dormand_prince_54", "classical_rk4"}) {
    solver_settings s = explicit_settings<TypeParam>(method, 10'000'000);
    if (std::string(method) == "classical_rk4") s.dt = 1.0 / 64;
    Solver solver(blowup_system(), s);
    solve_spec spec;
    spec.save_every = 0.125;
    const SolveResult r = solver.solve({{"y", {2.0}}}, {{"c", {1.0}}}, spec);
    EXPECT_NE(r.status()[0], 0u) << method;
    EXPECT_EQ(r.status()[0] & status_stability_limited, 0u) << method;
    EXPECT_EQ(failure_summary(r.status(), method).find("stiff"), std::string::npos) << method;
  }
}

TEST(FailureSummary, EmptyWhenEveryRunSucceeded) {
  const std::vector<u32> ok(5, 0u);
  EXPECT_EQ(failure_summary(ok, "rodas5p"), "");
  EXPECT_EQ(stiffness_hint(0, 3, "dopri54"), "");
  const std::vector<u32> mixed = {0u, status_step_too_small, status_singular_matrix | status_nonfinite_state, 1u << 20};
  EXPECT_EQ(failure_summary(mixed, "rodas5p"),
            "3 of 4 runs failed: 1 step too small, 1 non-finite state, 1 singular iteration matrix, 1 other flags");
}

}  // namespace
