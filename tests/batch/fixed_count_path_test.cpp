// tests/batch/fixed_count_path_test.cpp
// takes_fixed_count_path: the Solver's rule for the fixed-count path, which the model
// compiler uses to build a model's fixed-count GPU kernel at once only when the model's own
// solve takes that path. Fixed steps with no save between the span's ends take it; saves
// between them, an adaptive controller, events, landing on driver samples, per-save
// iteration counters and auto do not.
#include <gtest/gtest.h>

#include "batch/save_schedule.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/error.hpp"

namespace {

using namespace cubie;

system_info lorenz_info() {
  system_info info;
  info.name = "lorenz";
  info.states = {"x", "y", "z"};
  info.parameters = {"sigma", "rho", "beta"};
  return info;
}

solver_settings with(const char* algorithm) {
  solver_settings s;
  s.algorithm = algorithm;
  s.dt = 1e-3;
  return s;
}

TEST(TakesFixedCountPath, FixedStepsWithNoSaveBetweenTheEnds) {
  const system_info info = lorenz_info();
  solve_spec ends_only;  // save_every unset: the initial and final states only
  EXPECT_TRUE(takes_fixed_count_path(info, with("classical_rk4"), ends_only));
  solve_spec settled = ends_only;
  settled.settling_time = 0.5;
  EXPECT_TRUE(takes_fixed_count_path(info, with("rk4"), settled));
  // An adaptive method stepping with the fixed controller takes it too.
  solver_settings fixed_dopri = with("dormand_prince_54");
  fixed_dopri.step_controller = "fixed";
  EXPECT_TRUE(takes_fixed_count_path(info, fixed_dopri, ends_only));
}

TEST(TakesFixedCountPath, NotWithSavesBetweenOrAnAdaptiveController) {
  const system_info info = lorenz_info();
  solve_spec saves;
  saves.save_every = 0.1;
  EXPECT_FALSE(takes_fixed_count_path(info, with("classical_rk4"), saves));
  solve_spec listed;
  listed.save_times = std::vector<double>{0.0, 0.5, 1.0};
  EXPECT_FALSE(takes_fixed_count_path(info, with("classical_rk4"), listed));
  const solve_spec ends_only;
  EXPECT_FALSE(takes_fixed_count_path(info, with("dormand_prince_54"), ends_only));
  EXPECT_FALSE(takes_fixed_count_path(info, with("dormand_prince_853"), ends_only));
  EXPECT_FALSE(takes_fixed_count_path(info, with("auto"), ends_only));
}

TEST(TakesFixedCountPath, NotWithEventsSamplesOrIterationCounters) {
  const solve_spec ends_only;
  system_info with_event = lorenz_info();
  with_event.events = {"crossing"};
  with_event.event_kinds.resize(1);
  EXPECT_FALSE(takes_fixed_count_path(with_event, with("classical_rk4"), ends_only));
  solve_spec counters;
  counters.output_types = std::vector<std::string>{"state", "iteration_counters"};
  EXPECT_FALSE(takes_fixed_count_path(lorenz_info(), with("classical_rk4"), counters));
  solve_spec samples;
  samples.land_on_samples = true;
  EXPECT_FALSE(takes_fixed_count_path(lorenz_info(), with("classical_rk4"), samples));
}

// The schedule half of the rule, one function used both by takes_fixed_count_path and by
// the Solver's loop settings (so the two cannot disagree).
TEST(TakesFixedCountPath, ScheduleRuleIsFixedWithNoSaveBetween) {
  const detail::save_schedule ends_only = detail::plan_saves(solve_spec{});
  EXPECT_FALSE(ends_only.saves_between);
  EXPECT_TRUE(ends_only.counts_fixed_steps(true));
  EXPECT_FALSE(ends_only.counts_fixed_steps(false));
  solve_spec every;
  every.save_every = 0.1;
  const detail::save_schedule saves = detail::plan_saves(every);
  EXPECT_TRUE(saves.saves_between);
  EXPECT_FALSE(saves.counts_fixed_steps(true));
  // No time domain recorded: the schedule is the span alone, so fixed steps count again.
  EXPECT_TRUE(detail::plan_saves(every, false).counts_fixed_steps(true));
}

TEST(TakesFixedCountPath, RefusesWhatTheSolverRefuses) {
  EXPECT_THROW((void)takes_fixed_count_path(lorenz_info(), with("no_such_method"), {}), invalid_argument);
  solve_spec bad;
  bad.output_types = std::vector<std::string>{"no_such_output"};
  EXPECT_THROW((void)takes_fixed_count_path(lorenz_info(), with("classical_rk4"), bad), error);
}

}  // namespace
