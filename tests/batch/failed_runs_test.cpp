// tests/batch/failed_runs_test.cpp
// Runs that fail: y' = y^2 from y0 = 2 reaches infinity at t = 0.5, inside the span.
// With fixed steps the state overflows (status 512, nonfinite); an adaptive method shrinks
// its step until the controller wants less than dt_min (status 8, step too small), or, with
// dt_min below what double time can resolve, until t + dt == t (status 64, stagnation).
// A failed run is NaN-filled unless nan_fill_failed = false, and its neighbours in the same
// SIMD pack come out bit for bit as when they are solved alone. max_steps gives 32.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "batch_test_systems.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/status.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;

template <class V>
constexpr precision precision_of() {
  return sizeof(V) == 4 ? precision::float32 : precision::float64;
}

// Nine runs (a float pack holds 8, a double pack 4 with AVX2): run 2 blows up at t = 0.5,
// the others have their pole after t = 1 (y0 < 1).
const std::vector<double> y0s = {0.5, 0.4, 2.0, 0.3, 0.2, 0.1, 0.6, 0.7, 0.55};
constexpr int bad = 2;

template <class V>
class FailedRuns : public ::testing::Test {};
using precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(FailedRuns, precisions);

struct method_case {
  const char* method;
  std::optional<double> save_every;  // unset: the fixed-count path for fixed steps
  u32 expected_status;
};

const std::vector<method_case> method_cases = {
    {"classical_rk4", std::nullopt, status_nonfinite_state},
    {"classical_rk4", 0.125, status_nonfinite_state},
    {"dormand_prince_54", std::nullopt, status_step_too_small},
    {"dormand_prince_54", 0.125, status_step_too_small},
};

solver_settings settings_for(const char* method, precision p) {
  solver_settings s;
  s.algorithm = method;
  if (std::string(method) == "classical_rk4") s.dt = 1.0 / 64;
  s.precision = p;
  s.backend = "cpu";
  return s;
}

TYPED_TEST(FailedRuns, FlaggedNanFilledAndNeighboursUntouched) {
  using V = TypeParam;
  for (const method_case& c : method_cases) {
    SCOPED_TRACE(std::string(c.method) + (c.save_every ? " with saves" : " initial and final only"));
    Solver solver(blowup_system(), settings_for(c.method, precision_of<V>()));
    solve_spec spec;
    spec.duration = 1.0;
    spec.save_every = c.save_every;
    const SolveResult r = solver.solve({{"y", y0s}}, {{"c", {1.0}}}, spec);
    ASSERT_EQ(r.n_runs(), static_cast<std::int64_t>(y0s.size()));
    EXPECT_EQ(r.status()[bad], c.expected_status);
    EXPECT_EQ(r.failed_runs(), 1);
    // Every saved value of the failed run is NaN, the initial one included.
    for (std::int64_t j = 0; j < r.n_saves(); ++j) EXPECT_TRUE(std::isnan(r.at(j, 0, bad))) << "save " << j;

    for (int run = 0; run < static_cast<int>(y0s.size()); ++run) {
      if (run == bad) continue;
      EXPECT_EQ(r.status()[run], 0u) << "run " << run;
      const SolveResult alone = solver.solve({{"y", {y0s[run]}}}, {{"c", {1.0}}}, spec);
      ASSERT_EQ(alone.status()[0], 0u);
      for (std::int64_t j = 0; j < r.n_saves(); ++j)
        ASSERT_EQ(r.at(j, 0, run), alone.at(j, 0, 0)) << "run " << run << " save " << j;
      EXPECT_EQ(r.steps_accepted()[run], alone.steps_accepted()[0]) << "run " << run;
      EXPECT_EQ(r.steps_rejected()[run], alone.steps_rejected()[0]) << "run " << run;
      const double exact = y0s[run] / (1 - y0s[run]);
      EXPECT_NEAR(r.final_values("y")[run], exact, 1e-4 * exact);
    }
  }
}

/// Fixed steps: the fixed-count path takes all its steps and checks the end state; the
/// loop with saves stops at the first step that is not finite.
TYPED_TEST(FailedRuns, FixedStepCounters) {
  using V = TypeParam;
  Solver solver(blowup_system(), settings_for("classical_rk4", precision_of<V>()));
  solve_spec spec;
  const SolveResult count_path = solver.solve({{"y", y0s}}, {{"c", {1.0}}}, spec);
  EXPECT_EQ(count_path.steps_accepted()[bad], 64u);
  spec.save_every = 0.125;
  const SolveResult loop = solver.solve({{"y", y0s}}, {{"c", {1.0}}}, spec);
  EXPECT_GT(loop.steps_accepted()[bad], 24u);  // past t = 0.375 ...
  EXPECT_LT(loop.steps_accepted()[bad], 64u);  // ... and stopped before the end
  EXPECT_EQ(loop.steps_rejected()[bad], 0u);
}

/// nan_fill_failed = false keeps what the failed run saved before it failed: the same bits
/// as a solve that stops before the pole.
TYPED_TEST(FailedRuns, NanFillOffKeepsSavedValues) {
  using V = TypeParam;
  for (const char* method : {"classical_rk4", "dormand_prince_54"}) {
    SCOPED_TRACE(method);
    solver_settings s = settings_for(method, precision_of<V>());
    s.nan_fill_failed = false;
    Solver solver(blowup_system(), s);
    solve_spec spec;
    spec.duration = 1.0;
    spec.save_every = 0.125;
    const SolveResult r = solver.solve({{"y", y0s}}, {{"c", {1.0}}}, spec);
    EXPECT_NE(r.status()[bad], 0u);
    solve_spec shorter = spec;
    shorter.duration = 0.375;  // saves 0, 0.125, 0.25, 0.375: all before the pole at 0.5
    const SolveResult ok = solver.solve({{"y", {2.0}}}, {{"c", {1.0}}}, shorter);
    ASSERT_EQ(ok.status()[0], 0u);
    for (std::int64_t j = 0; j < ok.n_saves(); ++j) {
      EXPECT_EQ(r.at(j, 0, bad), ok.at(j, 0, 0)) << "save " << j;
      const double t = r.times()[j];
      EXPECT_NEAR(r.at(j, 0, bad), 2.0 / (1 - 2.0 * t), 1e-3 * 2.0 / (1 - 2.0 * t)) << "save " << j;
    }
  }
}

/// With dt_min below the spacing of double times near t = 0.5, the adaptive run shrinks its
/// step until t + dt == t: stagnation.
TYPED_TEST(FailedRuns, Stagnation) {
  using V = TypeParam;
  solver_settings s = settings_for("dormand_prince_54", precision_of<V>());
  s.dt_min = 1e-30;
  Solver solver(blowup_system(), s);
  const SolveResult r = solver.solve({{"y", y0s}}, {{"c", {1.0}}}, {});
  EXPECT_EQ(r.status()[bad], status_stagnation);
  EXPECT_EQ(r.failed_runs(), 1);
  EXPECT_TRUE(std::isnan(r.final_values("y")[bad]));
}

/// max_steps bounds accepted + rejected steps per run: 32, NaN-filled; runs that need fewer
/// steps are untouched.
TYPED_TEST(FailedRuns, MaxStepsExceeded) {
  using V = TypeParam;
  for (const char* method : {"dormand_prince_54", "classical_rk4"}) {
    SCOPED_TRACE(method);
    solver_settings s = settings_for(method, precision_of<V>());
    s.max_steps = std::string(method) == "classical_rk4" ? 60 : 20;
    Solver solver(blowup_system(), s);
    solve_spec spec;
    spec.save_every = 0.5;  // fixed steps: the loop path (the fixed-count path checks max_steps up front)
    // y0 = 0.1: 64 fixed steps, or about 10 adaptive ones; y0 = 0.9: pole at 1.11, many more.
    const SolveResult r = solver.solve({{"y", {0.1, 0.9, 0.1, 0.9, 0.1}}}, {{"c", {1.0}}}, spec);
    if (std::string(method) == "classical_rk4") {
      // Every fixed-step run needs 64 steps > 60.
      for (int run = 0; run < 5; ++run) EXPECT_EQ(r.status()[run], status_max_steps_exceeded);
    } else {
      EXPECT_EQ(r.status()[0], 0u);
      EXPECT_EQ(r.status()[1], status_max_steps_exceeded);
      EXPECT_EQ(r.status()[1], r.status()[3]);
      EXPECT_EQ(r.steps_accepted()[1] + r.steps_rejected()[1], 20u);
      EXPECT_TRUE(std::isnan(r.final_values("y")[1]));
      EXPECT_NEAR(r.final_values("y")[0], 0.1 / 0.9, 1e-5);
    }
  }
}

}  // namespace
