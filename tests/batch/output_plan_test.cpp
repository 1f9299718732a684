// The output table known before a solve (plan_output_layout, used to size results and files
// ahead of `cubie run`) is the one the Solver records: the same arrays, shapes, names, save
// times and bytes for several specs; its errors are the Solver's. And a grid built from
// arrays handed over (rvalue) equals one built from copies, without copying them.
#include <gtest/gtest.h>

#include "batch_test_systems.hpp"
#include "cubie/batch/batch_grid.hpp"
#include "cubie/batch/output_plan.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/error.hpp"
#include "summary_test_system.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;

void expect_same_layout(const output_layout& a, const output_layout& b) {
  EXPECT_EQ(a.precision, b.precision);
  EXPECT_EQ(a.n_runs, b.n_runs);
  EXPECT_EQ(a.n_saved_states, b.n_saved_states);
  EXPECT_EQ(a.bytes_per_run(), b.bytes_per_run());
  ASSERT_EQ(a.arrays.size(), b.arrays.size());
  for (std::size_t i = 0; i < a.arrays.size(); ++i) {
    EXPECT_EQ(a.arrays[i].name, b.arrays[i].name);
    EXPECT_EQ(a.arrays[i].values_per_run(), b.arrays[i].values_per_run()) << a.arrays[i].name;
  }
  EXPECT_EQ(a.variables(), b.variables());
  EXPECT_EQ(a.times(), b.times());
}

TEST(OutputPlan, MatchesTheSolversLayoutWithSummaries) {
  // Summaries alone, and beside a listed time domain: the windows and the legend too.
  const auto& system = lorenz_summary_system();
  const batch_grid grid =
      batch_grid::build(system->info, {{"x", {1.0}}, {"y", {0.0}}, {"z", {0.0}}}, {{"rho", {10.0, 28.0}}});
  std::vector<solve_spec> specs(2);
  specs[0].duration = 2.0;
  specs[0].output_types = std::vector<std::string>{"max", "mean", "peaks[2]"};
  specs[0].summarise_variables = std::vector<std::string>{"x", "r2"};
  specs[0].summarise_every = 0.5;
  specs[1] = specs[0];
  specs[1].output_types = std::vector<std::string>{"state", "std"};
  specs[1].save_times = std::vector<double>{0.25, 1.0, 1.75};
  for (precision p : {precision::float32, precision::float64}) {
    solver_settings settings;
    settings.precision = p;
    Solver solver(system, settings);
    for (const solve_spec& spec : specs) {
      const output_layout planned = plan_output_layout(system->info, spec, p, grid.n_runs());
      const output_layout solved = solver.output_layout(grid, spec);
      expect_same_layout(planned, solved);
      EXPECT_EQ(planned.n_windows(), 4);
      EXPECT_EQ(planned.n_windows(), solved.n_windows());
      EXPECT_EQ(planned.summary_legend(), solved.summary_legend());
      EXPECT_EQ(planned.window_times(), solved.window_times());
    }
  }
}

TEST(OutputPlan, MatchesTheSolversLayout) {
  const auto& system = lorenz_system();
  const batch_grid grid =
      batch_grid::build(system->info, {{"x", {1.0}}, {"y", {0.0}}, {"z", {0.0}}}, {{"rho", {10.0, 20.0, 28.0}}});
  std::vector<solve_spec> specs(4);
  specs[0].duration = 2.0;
  specs[0].save_every = 0.1;
  specs[1].duration = 1.0;  // initial and final states
  specs[2].save_every = 0.25;
  specs[2].saved_states = std::vector<std::string>{"z"};
  specs[2].saved_observables = std::vector<std::string>{};
  specs[2].save_initial = false;
  specs[2].save_counters = false;
  specs[3].t0 = 5.0;
  specs[3].duration = 3.0;
  specs[3].settling_time = 1.5;
  specs[3].save_every = 0.5;
  for (precision p : {precision::float32, precision::float64}) {
    solver_settings settings;
    settings.precision = p;
    Solver solver(system, settings);
    for (const solve_spec& spec : specs) {
      SCOPED_TRACE(std::string(precision_name(p)) + ", duration " + std::to_string(spec.duration));
      expect_same_layout(plan_output_layout(system->info, spec, p, grid.n_runs()), solver.output_layout(grid, spec));
    }
  }
  // Sizing needs no grid: a billion runs is only a number.
  const output_layout huge = plan_output_layout(system->info, specs[0], precision::float32, 1'000'000'000);
  EXPECT_EQ(huge.n_runs, 1'000'000'000);
  EXPECT_EQ(huge.n_saves(), 21);
  // 21 saves x 4 variables x 4 bytes, status, two counters, t_reached (8), dt_last (4).
  EXPECT_EQ(huge.bytes_per_run(), 21u * 4 * 4 + 4 + 4 + 4 + 8 + 4);
}

TEST(OutputPlan, RejectsWhatTheSolverRejects) {
  const auto& info = lorenz_system()->info;
  solve_spec negative, zero_spacing, unknown_state;
  negative.duration = -1.0;
  zero_spacing.save_every = 0.0;
  unknown_state.saved_states = std::vector<std::string>{"w"};
  EXPECT_THROW((void)plan_output_layout(info, negative, precision::float64, 1), invalid_argument);
  EXPECT_THROW((void)plan_output_layout(info, zero_spacing, precision::float64, 1), invalid_argument);
  try {
    (void)plan_output_layout(info, unknown_state, precision::float64, 1);
    FAIL() << "expected invalid_argument";
  } catch (const invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("saved_states: unknown name 'w'"), std::string::npos) << e.what();
  }
}

TEST(BatchGrid, ArraysHandedOverMoveIntoTheGrid) {
  const auto& info = lorenz_system()->info;
  std::vector<double> rho(1000);
  for (std::size_t i = 0; i < rho.size(); ++i) rho[i] = 0.021 * static_cast<double>(i);
  const named_arrays given = {{"rho", rho}, {"x", {1.0}}, {"y", {0.0}}, {"z", {0.0}}};
  const batch_grid copied = batch_grid::build(info, given);
  named_arrays handed = given;
  const double* storage = handed[0].values.data();
  const batch_grid moved = batch_grid::build(info, std::move(handed));
  ASSERT_EQ(moved.n_runs(), copied.n_runs());
  for (std::size_t c = 0; c < copied.columns().size(); ++c) {
    EXPECT_EQ(moved.columns()[c].name, copied.columns()[c].name);
    EXPECT_EQ(moved.columns()[c].values, copied.columns()[c].values);
  }
  EXPECT_EQ(moved.columns()[3].values.data(), storage);  // rho's storage itself, not a copy
}

}  // namespace
