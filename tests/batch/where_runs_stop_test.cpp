// tests/batch/where_runs_stop_test.cpp
// Issue 14: step bounds that follow the time span, and every run recording where it
// stopped. dt_min and dt_max default to 1e-12 x span and the span, so an exponential decay
// on a nanosecond scale and one over ten million seconds both run without tuning (the old
// absolute defaults 1e-6 and 1 could do neither); t_reached is the end time of a successful
// run and the blow-up region of a failed one, dt_last its last step size.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "batch_test_systems.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/batch/step_control.hpp"
#include "cubie/core/error.hpp"
#include "cubie/core/status.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;

template <class V>
constexpr precision precision_of() {
  return sizeof(V) == 4 ? precision::float32 : precision::float64;
}

template <class V>
class WhereRunsStop : public ::testing::Test {};
using precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(WhereRunsStop, precisions);

solver_settings adaptive(precision p, double tol) {
  solver_settings s;
  s.algorithm = "dormand_prince_54";
  s.precision = p;
  s.backend = "cpu";
  s.atol = {tol};
  s.rtol = {tol};
  return s;
}

/// y0' = -lambda y0 (linear2 with a11 = -lambda), y1 = 0.
SolveResult decay(const solver_settings& s, double lambda, double duration) {
  Solver solver(linear_system(), s);
  solve_spec spec;
  spec.duration = duration;
  return solver.solve({{"y0", {1.0}}, {"y1", {0.0}}}, {{"a11", {-lambda}}, {"a12", {0.0}}, {"a21", {0.0}},
                                                       {"a22", {0.0}}, {"forcing", {0.0}}},
                      spec);
}

TEST(StepBounds, DefaultsFollowTheSpan) {
  solver_settings s;
  step_bounds b = resolve_step_bounds(s, 0.0, 2.0);
  EXPECT_DOUBLE_EQ(b.dt_min, 2e-12);
  EXPECT_DOUBLE_EQ(b.dt_max, 2.0);
  b = resolve_step_bounds(s, 0.0, 1e-8);
  EXPECT_DOUBLE_EQ(b.dt_min, 1e-20);
  EXPECT_DOUBLE_EQ(b.dt_max, 1e-8);
  // Far from t = 0 the double time itself bounds the step: 4 eps |t_end|.
  b = resolve_step_bounds(s, 1e6, 1.0);
  EXPECT_DOUBLE_EQ(b.dt_min, 4.0 * std::numeric_limits<double>::epsilon() * (1e6 + 1.0));
  // An explicit value wins.
  s.dt_min = 1e-3;
  s.dt_max = 0.25;
  b = resolve_step_bounds(s, 0.0, 100.0);
  EXPECT_EQ(b.dt_min, 1e-3);
  EXPECT_EQ(b.dt_max, 0.25);
}

TEST(StepBounds, ContradictionsNameBothValues) {
  solver_settings s;
  s.dt_max = 1e-15;  // below the default dt_min of a span of 1 (1e-12)
  try {
    (void)resolve_step_bounds(s, 0.0, 1.0);
    FAIL() << "dt_max below dt_min must be refused";
  } catch (const invalid_argument& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("dt_min = 9.9999999999999998e-13 (the default for this span)"), std::string::npos) << m;
    EXPECT_NE(m.find("dt_max = 1.0000000000000001e-15"), std::string::npos) << m;
  }
  solver_settings t;
  t.dt = 1e-9;
  t.dt_min = 1e-6;
  try {
    (void)resolve_step_bounds(t, 0.0, 1.0);
    FAIL() << "dt below dt_min must be refused";
  } catch (const invalid_argument& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("dt = 1.0000000000000001e-09 is below dt_min = 9.9999999999999995e-07"), std::string::npos) << m;
  }
  // Through a solve: the Solver resolves the bounds per solve (they follow the span).
  t.algorithm = "classical_rk4";
  t.backend = "cpu";
  Solver solver(linear_system(), t);
  EXPECT_THROW((void)solver.solve({{"y0", {1.0}}, {"y1", {0.0}}}, {{"a11", {-1.0}}, {"a12", {0.0}}, {"a21", {0.0}},
                                                                  {"a22", {0.0}}, {"forcing", {0.0}}}),
               invalid_argument);
}

TYPED_TEST(WhereRunsStop, NanosecondAndDecadeScalesRunWithDefaults) {
  using V = TypeParam;
  const double tol = sizeof(V) == 4 ? 1e-5 : 1e-8;
  const double limit = sizeof(V) == 4 ? 1e-4 : 1e-6;
  // Rate 1e9 over 5 ns: steps near 1e-10, below the old absolute dt_min of 1e-6.
  SolveResult fast = decay(adaptive(precision_of<V>(), tol), 1e9, 5e-9);
  ASSERT_EQ(fast.status()[0], 0u);
  EXPECT_NEAR(fast.final_values("y0")[0], std::exp(-5.0), limit);
  EXPECT_EQ(fast.t_reached()[0], 5e-9);
  // Rate 1e-6 over 1e7 s: steps near 1e6, far above the old absolute dt_max of 1 (which
  // needed 1e7 steps); with dt_max = span it takes a few dozen.
  SolveResult slow = decay(adaptive(precision_of<V>(), tol), 1e-6, 1e7);
  ASSERT_EQ(slow.status()[0], 0u);
  EXPECT_NEAR(slow.final_values("y0")[0], std::exp(-10.0), limit);
  EXPECT_LT(slow.steps_accepted()[0], 200u);
  EXPECT_EQ(slow.t_reached()[0], 1e7);
}

TYPED_TEST(WhereRunsStop, FailedRunsSayWhereAndWithWhatStep) {
  using V = TypeParam;
  // y' = y^2: the run from y0 = 2 blows up at t = 0.5; the one from 0.5 at t = 2, after the end.
  Solver solver(blowup_system(), adaptive(precision_of<V>(), 1e-6));
  solve_spec spec;
  spec.t0 = 0.25;  // the pole of y0 = 2 moves to 0.75
  const SolveResult r = solver.solve({{"y", {2.0, 0.5}}}, {{"c", {1.0}}}, spec);
  EXPECT_EQ(r.status()[0], static_cast<u32>(status_step_too_small));
  EXPECT_EQ(r.status()[1], 0u);
  const std::span<const double> t = r.t_reached();
  // Within a hair of the pole: the step shrank towards dt_min (1.25e-12) as y grew.
  EXPECT_NEAR(t[0], 0.75, 1e-6);
  EXPECT_EQ(t[1], 1.25);
  const std::vector<double> dt = r.dt_last();
  // The failed run stopped when its controller wanted a step below dt_min (1e-12 x span).
  EXPECT_LE(dt[0], 1e-12 * 1.01);
  EXPECT_GT(dt[1], 1e-3);
  // Saves after the failure are NaN, but where the run stopped is not.
  EXPECT_TRUE(std::isnan(r.final_values("y")[0]));
}

TYPED_TEST(WhereRunsStop, MaxStepsAndFixedStepsRecordTheirTime) {
  using V = TypeParam;
  solver_settings s = adaptive(precision_of<V>(), 1e-8);
  s.max_steps = 10;
  SolveResult r = decay(s, 50.0, 1.0);
  EXPECT_EQ(r.status()[0], static_cast<u32>(status_max_steps_exceeded));
  EXPECT_GT(r.t_reached()[0], 0.0);
  EXPECT_LT(r.t_reached()[0], 1.0);
  EXPECT_GT(r.dt_last()[0], 0.0);

  solver_settings f;
  f.algorithm = "classical_rk4";
  f.dt = 1.0 / 64;
  f.precision = precision_of<V>();
  f.backend = "cpu";
  r = decay(f, 1.0, 1.0);  // the fixed-count path (no intermediate saves)
  EXPECT_EQ(r.status()[0], 0u);
  EXPECT_EQ(r.t_reached()[0], 1.0);
  EXPECT_EQ(r.dt_last()[0], static_cast<double>(static_cast<V>(1.0 / 64)));
}

TEST(WhereRunsStop, CanBeLeftOut) {
  Solver solver(linear_system(), adaptive(precision::float64, 1e-6));
  solve_spec spec;
  spec.save_t_reached = false;
  const SolveResult r = solver.solve({{"y0", {1.0}}, {"y1", {0.0}}}, {{"a11", {-1.0}}, {"a12", {0.0}}, {"a21", {0.0}},
                                                                      {"a22", {0.0}}, {"forcing", {0.0}}},
                                     spec);
  EXPECT_FALSE(r.outputs().has(output_id::t_reached));
  EXPECT_FALSE(r.outputs().has(output_id::dt_last));
  EXPECT_TRUE(r.has_counters());
  EXPECT_THROW((void)r.t_reached(), invalid_argument);
}

}  // namespace
