// tests/batch/save_schedule_test.cpp
// The save schedule end to end through Solver (cpu backend): how many saves, at exactly
// which times (bit for bit, as cubie::save_time computes them), the saved values against
// exact solutions (so steps really land on the save times), the initial save, settling
// time, which variables are saved and in what order, observables, and the output layout.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "batch_test_systems.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/error.hpp"
#include "cubie/core/scalar_traits.hpp"
#include "test_systems.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;

template <class V>
constexpr precision precision_of() {
  return sizeof(V) == 4 ? precision::float32 : precision::float64;
}

// Two runs of linear2 in one batch: run 0 the forced problem y0' = -y0 + sin(t) from
// y0 = 1 (it reads t, so a wrong time shows), run 1 the harmonic oscillator from (1, 0.5).
const named_arrays two_run_inits = {{"y0", {1.0, 1.0}}, {"y1", {0.0, 0.5}}};
const named_arrays two_run_params = {
    {"a11", {-1.0, 0.0}}, {"a12", {0.0, 1.0}}, {"a21", {0.0, -1.0}}, {"a22", {0.0, 0.0}}, {"forcing", {1.0, 0.0}}};

/// Exact (y0, y1) of run `run` of the two-run batch at t, started at t0.
void exact_two_run(int run, double t0, double t, double& y0, double& y1) {
  if (run == 0) {
    y0 = exact_forced(1.0, t0, t);
    y1 = 0.0;
  } else {
    exact_oscillator(1.0, 0.5, t0, t, y0, y1);
  }
}

/// Schedule lengths: the number of saves in the schedule (counting the initial one).
std::int64_t schedule_saves(double duration, double save_every) {
  return static_cast<std::int64_t>(std::floor(duration / save_every * (1.0 + 1e-12))) + 1;
}

struct schedule_case {
  double t0, settling, duration, save_every;
};

// Awkward values: 0.1 and 0.3 are not doubles, 0.7 / 0.1 is 6.999999999999999 (the
// 1e-12 slack makes it 7 intervals), 1 / 0.3 leaves a partial interval at the end, 0.25
// divides exactly, and t0 / settling shift everything.
const std::vector<schedule_case> cases = {
    {0.0, 0.0, 1.0, 0.1},     {0.0, 0.0, 1.0, 0.3},  {0.0, 0.0, 1.0, 0.25}, {0.0, 0.0, 0.7, 0.1}, {2.5, 0.0, 1.0, 0.1},
    {1.0 / 3, 0.0, 3.0, 0.3}, {1.0, 0.5, 2.0, 0.25}, {-2.0, 0.7, 1.0, 0.1}, {0.0, 0.0, 1.0, 1.0},
};

template <class V>
class SaveSchedule : public ::testing::Test {};
using precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(SaveSchedule, precisions);

/// Adaptive (dormand_prince_54) and fixed-step (classical_rk4, dt = 0.03 which divides no
/// save interval) solves of every schedule case, with and without the initial save.
TYPED_TEST(SaveSchedule, CountsTimesAndValues) {
  using V = TypeParam;
  const bool is_double = sizeof(V) == 8;
  struct config {
    const char* method;
    double tol;       // atol = rtol (adaptive)
    double accuracy;  // allowed |saved - exact|
  };
  const std::vector<config> configs = {
      {"dormand_prince_54", is_double ? 1e-10 : 1e-6, is_double ? 1e-8 : 2e-5},
      {"classical_rk4", 0.0, is_double ? 1e-6 : 2e-5},
  };
  for (const config& c : configs) {
    solver_settings s;
    s.algorithm = c.method;
    s.atol = {c.tol > 0 ? c.tol : 1e-6};
    s.rtol = {c.tol > 0 ? c.tol : 1e-6};
    if (std::string(c.method) == "classical_rk4") s.dt = 0.03;
    s.precision = precision_of<V>();
    s.backend = "cpu";
    Solver solver(linear_system(), s);
    for (const schedule_case& sc : cases) {
      for (bool save_initial : {true, false}) {
        SCOPED_TRACE(std::string(c.method) + " t0=" + std::to_string(sc.t0) +
                     " settling=" + std::to_string(sc.settling) + " duration=" + std::to_string(sc.duration) +
                     " save_every=" + std::to_string(sc.save_every) + " save_initial=" + std::to_string(save_initial));
        solve_spec spec;
        spec.t0 = sc.t0;
        spec.settling_time = sc.settling;
        spec.duration = sc.duration;
        spec.save_every = sc.save_every;
        spec.save_initial = save_initial;
        const SolveResult r = solver.solve(two_run_inits, two_run_params, spec);
        ASSERT_EQ(r.failed_runs(), 0);
        const std::int64_t n = schedule_saves(sc.duration, sc.save_every);
        const std::int64_t first = save_initial ? 0 : 1;
        ASSERT_EQ(r.n_saves(), n - first);
        ASSERT_EQ(static_cast<std::int64_t>(r.times().size()), n - first);
        const double t_save0 = sc.t0 + sc.settling;
        for (std::int64_t j = 0; j < r.n_saves(); ++j) {
          const double expected_time = save_time(t_save0, sc.save_every, static_cast<double>(j + first));
          ASSERT_EQ(r.times()[j], expected_time) << "save " << j;  // bit for bit
          for (int run = 0; run < 2; ++run) {
            double e0 = 0, e1 = 0;
            exact_two_run(run, sc.t0, r.times()[j], e0, e1);
            EXPECT_NEAR(r.at(j, 0, run), e0, c.accuracy) << "run " << run << " save " << j << " t " << r.times()[j];
            EXPECT_NEAR(r.at(j, 1, run), e1, c.accuracy) << "run " << run << " save " << j << " t " << r.times()[j];
          }
        }
        // The last save is the last schedule point inside the span, not the span's end.
        EXPECT_LE(r.times().back(), t_save0 + sc.duration * (1 + 1e-12));
        EXPECT_GT(r.times().back() + sc.save_every, t_save0 + sc.duration);
      }
    }
  }
}

/// Fixed steps of 0.03 land on saves 0.1 apart: three whole steps and one of 0.01 per
/// interval, and the step after a landing is a whole one again.
TYPED_TEST(SaveSchedule, FixedStepsLandAndResume) {
  using V = TypeParam;
  solver_settings s;
  s.algorithm = "classical_rk4";
  s.dt = 0.03;
  s.precision = precision_of<V>();
  s.backend = "cpu";
  Solver solver(linear_system(), s);
  solve_spec spec;
  spec.duration = 1.0;
  spec.save_every = 0.1;
  const SolveResult r = solver.solve(two_run_inits, two_run_params, spec);
  ASSERT_EQ(r.failed_runs(), 0);
  EXPECT_EQ(r.steps_accepted()[0], 40u);
  EXPECT_EQ(r.steps_accepted()[1], 40u);
  EXPECT_EQ(r.steps_rejected()[0], 0u);
}

/// Without save_every: the initial and the final state, for adaptive and fixed-count solves.
TYPED_TEST(SaveSchedule, InitialAndFinalOnly) {
  using V = TypeParam;
  const double accuracy = sizeof(V) == 8 ? 1e-8 : 2e-5;
  for (const char* method : {"dormand_prince_54", "classical_rk4"}) {
    solver_settings s;
    s.algorithm = method;
    s.atol = {sizeof(V) == 8 ? 1e-10 : 1e-6};
    s.rtol = s.atol;
    if (std::string(method) == "classical_rk4") s.dt = 0.01;
    s.precision = precision_of<V>();
    s.backend = "cpu";
    Solver solver(linear_system(), s);
    for (double settling : {0.0, 0.45}) {
      for (bool save_initial : {true, false}) {
        SCOPED_TRACE(std::string(method) + " settling " + std::to_string(settling) + " save_initial " +
                     std::to_string(save_initial));
        solve_spec spec;
        spec.t0 = 1.0;
        spec.settling_time = settling;
        spec.duration = 2.0;
        spec.save_initial = save_initial;
        const SolveResult r = solver.solve(two_run_inits, two_run_params, spec);
        ASSERT_EQ(r.failed_runs(), 0);
        const double t_save0 = 1.0 + settling;
        std::vector<double> expected_times = {t_save0, save_time(t_save0, 2.0, 1.0)};
        if (!save_initial) expected_times.erase(expected_times.begin());
        ASSERT_EQ(r.times(), expected_times);
        for (std::int64_t j = 0; j < r.n_saves(); ++j) {
          for (int run = 0; run < 2; ++run) {
            double e0 = 0, e1 = 0;
            exact_two_run(run, 1.0, r.times()[j], e0, e1);
            EXPECT_NEAR(r.at(j, 0, run), e0, accuracy);
            EXPECT_NEAR(r.at(j, 1, run), e1, accuracy);
          }
        }
      }
    }
  }
}

/// Minimal case of the settling-time paths: with a settling span, save 0 is reached by
/// landing on t0 + settling_time; when the initial save is not wanted it must not be
/// written at all (its output index would be -1, before the start of the buffer).
TYPED_TEST(SaveSchedule, SettlingWithoutInitialSave) {
  using V = TypeParam;
  solver_settings s;
  s.precision = precision_of<V>();
  s.backend = "cpu";
  Solver solver(linear_system(), s);
  solve_spec spec;
  spec.settling_time = 0.5;
  spec.duration = 1.0;
  spec.save_every = 0.5;
  spec.save_initial = false;
  SolveResult r = solver.solve(two_run_inits, two_run_params, spec);
  ASSERT_EQ(r.n_saves(), 2);
  EXPECT_EQ(r.times(), (std::vector<double>{1.0, 1.5}));
  double e0 = 0, e1 = 0;
  exact_two_run(1, 0.0, 1.5, e0, e1);
  EXPECT_NEAR(r.at(1, 0, 1), e0, 1e-4);
  EXPECT_NEAR(r.at(1, 1, 1), e1, 1e-4);
}

/// Settling is integrated but not recorded: the first save is at t0 + settling_time and holds
/// the state evolved from t0, not the initial value.
TYPED_TEST(SaveSchedule, SettlingTimeHonoured) {
  using V = TypeParam;
  solver_settings s;
  s.atol = {sizeof(V) == 8 ? 1e-10 : 1e-6};
  s.rtol = s.atol;
  s.precision = precision_of<V>();
  s.backend = "cpu";
  Solver solver(linear_system(), s);
  solve_spec spec;
  spec.t0 = 1.0;
  spec.settling_time = 0.5;
  spec.duration = 2.0;
  spec.save_every = 0.25;
  const SolveResult r = solver.solve(two_run_inits, two_run_params, spec);
  ASSERT_EQ(r.n_saves(), 9);
  EXPECT_EQ(r.times().front(), 1.5);
  EXPECT_EQ(r.times().back(), 3.5);
  double e0 = 0, e1 = 0;
  exact_two_run(0, 1.0, 1.5, e0, e1);
  EXPECT_NEAR(r.at(0, 0, 0), e0, sizeof(V) == 8 ? 1e-8 : 2e-5);
  exact_two_run(1, 1.0, 1.5, e0, e1);
  EXPECT_NEAR(r.at(0, 0, 1), e0, sizeof(V) == 8 ? 1e-8 : 2e-5);
  EXPECT_NEAR(r.at(0, 1, 1), e1, sizeof(V) == 8 ? 1e-8 : 2e-5);
  EXPECT_GT(std::abs(r.at(0, 1, 1) - 0.5), 0.5) << "save 0 must be the settled state, not the initial value";
  // The settling steps count as steps of the run.
  solve_spec no_settle = spec;
  no_settle.settling_time = 0.0;
  const SolveResult r2 = solver.solve(two_run_inits, two_run_params, no_settle);
  EXPECT_GT(r.steps_accepted()[0], r2.steps_accepted()[0]);
}

/// Lorenz's observable r2 = x^2 + y^2 + z^2 at every save, computed from the saved state.
TYPED_TEST(SaveSchedule, ObservableValues) {
  using V = TypeParam;
  solver_settings s;
  s.precision = precision_of<V>();
  s.backend = "cpu";
  Solver solver(lorenz_system(), s);
  solve_spec spec;
  spec.duration = 1.0;
  spec.save_every = 0.05;
  const std::vector<double> rho = {0.0, 5.0, 10.0, 15.0, 21.0, 28.0, 35.0};
  const SolveResult r = solver.solve({{"x", {1.0}}, {"y", {0.0}}, {"z", {0.0}}}, {{"rho", rho}}, spec);
  ASSERT_EQ(r.failed_runs(), 0);
  ASSERT_EQ(r.variables(), (std::vector<std::string>{"x", "y", "z", "r2"}));
  EXPECT_EQ(r.n_saved_states(), 3);
  const double rel = sizeof(V) == 8 ? 1e-14 : 1e-6;
  for (std::int64_t j = 0; j < r.n_saves(); ++j) {
    for (std::int64_t run = 0; run < r.n_runs(); ++run) {
      const double x = r.at(j, 0, run), y = r.at(j, 1, run), z = r.at(j, 2, run);
      const double r2 = x * x + y * y + z * z;
      EXPECT_NEAR(r.at(j, 3, run), r2, rel * (1 + r2)) << "save " << j << " run " << run;
    }
  }
  EXPECT_EQ(r.at(0, 3, 0), 1.0);  // (1, 0, 0) at t = 0
}

/// saved_states / saved_observables choose and order axis 1; the values are the same bits
/// as in a solve that saves everything.
TYPED_TEST(SaveSchedule, SelectionAndOrdering) {
  using V = TypeParam;
  solver_settings s;
  s.precision = precision_of<V>();
  s.backend = "cpu";
  Solver solver(lorenz_system(), s);
  solve_spec spec;
  spec.duration = 1.0;
  spec.save_every = 0.1;
  const named_arrays inits = {{"x", {1.0}}, {"y", {0.0}}, {"z", {0.0}}};
  const named_arrays params = {{"rho", {0.0, 7.0, 14.0, 21.0, 28.0}}};
  const SolveResult all = solver.solve(inits, params, spec);

  auto check_same = [&](const SolveResult& sel, const std::vector<std::string>& names) {
    ASSERT_EQ(sel.variables(), names);
    ASSERT_EQ(sel.n_saves(), all.n_saves());
    for (std::size_t v = 0; v < names.size(); ++v) {
      const int src = all.variable_index(names[v]);
      for (std::int64_t j = 0; j < sel.n_saves(); ++j)
        for (std::int64_t run = 0; run < sel.n_runs(); ++run)
          ASSERT_EQ(sel.at(j, static_cast<std::int64_t>(v), run), all.at(j, src, run)) << names[v];
    }
  };
  spec.saved_states = std::vector<std::string>{"z", "x"};
  spec.saved_observables = std::vector<std::string>{};
  const SolveResult zx = solver.solve(inits, params, spec);
  check_same(zx, {"z", "x"});
  EXPECT_EQ(zx.n_saved_states(), 2);

  spec.saved_states = std::vector<std::string>{};
  spec.saved_observables = std::vector<std::string>{"r2"};
  const SolveResult obs_only = solver.solve(inits, params, spec);
  check_same(obs_only, {"r2"});
  EXPECT_EQ(obs_only.n_saved_states(), 0);

  spec.saved_states = std::vector<std::string>{"y"};
  spec.saved_observables.reset();
  const SolveResult y_r2 = solver.solve(inits, params, spec);
  check_same(y_r2, {"y", "r2"});

  // Step counts do not depend on what is saved.
  for (std::int64_t run = 0; run < all.n_runs(); ++run) {
    EXPECT_EQ(zx.steps_accepted()[run], all.steps_accepted()[run]);
    EXPECT_EQ(obs_only.steps_rejected()[run], all.steps_rejected()[run]);
  }
}

/// Output is (save, variable, run) with the run innermost.
TYPED_TEST(SaveSchedule, LayoutRunInnermost) {
  using V = TypeParam;
  solver_settings s;
  s.precision = precision_of<V>();
  s.backend = "cpu";
  Solver solver(lorenz_system(), s);
  solve_spec spec;
  spec.duration = 0.5;
  spec.save_every = 0.1;
  std::vector<double> rho(37);
  for (std::size_t i = 0; i < rho.size(); ++i) rho[i] = static_cast<double>(i);
  const SolveResult r = solver.solve({{"x", {1.0}}, {"y", {0.0}}, {"z", {0.0}}}, {{"rho", rho}}, spec);
  const std::span<const V> data = r.template time_domain<V>();
  ASSERT_EQ(static_cast<std::int64_t>(data.size()), r.n_saves() * r.n_vars() * r.n_runs());
  for (std::int64_t j = 0; j < r.n_saves(); ++j)
    for (std::int64_t v = 0; v < r.n_vars(); ++v)
      for (std::int64_t run = 0; run < r.n_runs(); ++run)
        ASSERT_EQ(static_cast<double>(data[(j * r.n_vars() + v) * r.n_runs() + run]), r.at(j, v, run));
  using other = std::conditional_t<sizeof(V) == 4, double, float>;
  EXPECT_THROW((void)r.template time_domain<other>(), invalid_argument);
}

/// save_counters = false: no counters, and asking for them says why.
TEST(SaveScheduleCounters, CountersOff) {
  solver_settings s;
  s.backend = "cpu";
  Solver solver(lorenz_system(), s);
  solve_spec spec;
  spec.save_counters = false;
  const SolveResult r = solver.solve({{"x", {1.0}}, {"y", {0.0}}, {"z", {0.0}}}, {{"rho", {28.0}}}, spec);
  EXPECT_FALSE(r.has_counters());
  try {
    (void)r.steps_accepted();
    FAIL() << "expected invalid_argument";
  } catch (const invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("save_counters"), std::string::npos) << e.what();
  }
  spec.save_counters = true;
  const SolveResult with = solver.solve({{"x", {1.0}}, {"y", {0.0}}, {"z", {0.0}}}, {{"rho", {28.0}}}, spec);
  ASSERT_TRUE(with.has_counters());
  EXPECT_GT(with.steps_accepted()[0], 0u);
  EXPECT_EQ(with.at(1, 0, 0), r.at(1, 0, 0));
}

}  // namespace
