// tests/batch/auto_two_pass_test.cpp
// algorithm = "auto" in two passes (integrate/continuation.hpp) on the CPU against the one
// kernel: an explicit pass that hands each run whose stiffness test fires on to a second pass
// (auto, in stiff mode, over those runs alone, gathered into SIMD packs of their own) must
// give what one kernel gives, byte for byte: saves, iteration counters (continuous across the
// hand-over), step counts, statuses, times reached, switch times and counts. Also chunked ==
// unchunked in two passes, runs failing in either pass, a settling span and listed save
// times, and the choice of path (solver_settings::auto_passes over CUBIE_AUTO_PASSES)
// reported in the statistics.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "counter_test_systems.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/integrate/erk_stepper.hpp"
#include "cubie/integrate/methods/dormand_prince_54.hpp"
#include "../stiff_systems.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;

constexpr std::size_t n_sweep = 61;  // not a multiple of a SIMD pack

std::vector<double> mus(std::size_t n) {
  std::vector<double> mu(n);
  for (std::size_t i = 0; i < n; ++i) mu[i] = std::pow(10.0, -1.0 + 4.0 * double(i) / double(n - 1));
  return mu;
}

struct case_options {
  precision p = precision::float64;
  std::int64_t max_chunk_runs = 0;
  std::int64_t max_steps = 10'000'000;
  double duration = 20.0;
  double settling_time = 0.0;
  std::optional<std::vector<double>> save_times;
  std::optional<std::vector<double>> mu;  // unset: mus(n_sweep)
};

SolveResult solve(int passes, const case_options& o) {
  ::setenv("CUBIE_AUTO_PASSES", passes == 2 ? "2" : "1", 1);
  solver_settings s;
  s.algorithm = "auto";
  s.precision = o.p;
  s.backend = "cpu";
  s.rtol = s.atol = {o.p == precision::float64 ? 1e-6 : 1e-4};
  s.max_steps = o.max_steps;
  s.memory.max_chunk_runs = o.max_chunk_runs;
  Solver solver(auto_vdp_system(), s);
  solve_spec spec;
  spec.duration = o.duration;
  spec.settling_time = o.settling_time;
  if (o.save_times) spec.save_times = o.save_times;
  else spec.save_every = o.duration / 7;
  spec.output_types = std::vector<std::string>{"state", "iteration_counters"};
  SolveResult r =
      solver.solve({{"x", std::vector<double>(n_sweep, 2.0)}, {"y", {0.0}}}, {{"mu", o.mu ? *o.mu : mus(n_sweep)}}, spec);
  ::unsetenv("CUBIE_AUTO_PASSES");
  return r;
}

// Every output array the two results record, byte for byte.
void expect_same_outputs(const SolveResult& a, const SolveResult& b) {
  ASSERT_EQ(a.outputs().arrays.size(), b.outputs().arrays.size());
  for (const output_array& arr : a.outputs().arrays) {
    const std::size_t bytes =
        static_cast<std::size_t>(arr.values_per_run() * a.n_runs()) * arr.element_bytes(a.precision());
    ASSERT_NE(b.array_data(arr.id), nullptr) << arr.name;
    // NaN fills compare equal as bytes (the same fill on both paths).
    EXPECT_EQ(std::memcmp(a.array_data(arr.id), b.array_data(arr.id), bytes), 0) << arr.name;
  }
}

// Two passes against one kernel: every output byte for byte (the second pass integrates the
// handed-on runs gathered into SIMD packs of their own, and a run's bits never depend on its
// neighbours), and the runs' per-save counters add up to their totals across the hand-over.
void expect_continuous(const SolveResult& one, const SolveResult& two) {
  expect_same_outputs(one, two);
  const auto n = static_cast<std::int64_t>(n_sweep);
  for (std::int64_t i = 0; i < n; ++i) {
    std::uint64_t acc = 0, rej = 0;
    for (std::int64_t j = 0; j < two.n_counter_saves(); ++j) {
      acc += two.iteration_counter("steps_accepted", j)[static_cast<std::size_t>(i)];
      rej += two.iteration_counter("steps_rejected", j)[static_cast<std::size_t>(i)];
    }
    EXPECT_EQ(acc, two.steps_accepted()[i]) << "run " << i;
    EXPECT_EQ(rej, two.steps_rejected()[i]) << "run " << i;
  }
}

std::size_t runs_with(const SolveResult& r, output_id id) {
  const auto* v = static_cast<const u32*>(r.array_data(id));
  std::size_t n = 0;
  for (std::size_t i = 0; i < n_sweep; ++i) n += v[i] > 0 ? 1 : 0;
  return n;
}

TEST(AutoTwoPass, EqualsOneKernel) {
  for (precision p : {precision::float64, precision::float32}) {
    case_options o;
    o.p = p;
    const SolveResult one = solve(1, o);
    const SolveResult two = solve(2, o);
    EXPECT_EQ(one.statistics().auto_passes, 1);
    ASSERT_EQ(two.statistics().auto_passes, 2);
    EXPECT_EQ(one.statistics().second_pass_runs, 0);
    // The sweep's stiff end went through the second pass: every run that took a stiff step,
    // and none that never switched.
    EXPECT_GE(two.statistics().second_pass_runs, static_cast<std::int64_t>(runs_with(one, output_id::stiff_steps)));
    EXPECT_LE(two.statistics().second_pass_runs, static_cast<std::int64_t>(runs_with(one, output_id::stiff_switches)));
    EXPECT_GT(two.statistics().second_pass_runs, 10);
    EXPECT_LT(two.statistics().second_pass_runs, static_cast<std::int64_t>(n_sweep));
    for (std::size_t i = 0; i < n_sweep; ++i) ASSERT_EQ(one.status()[i], 0u) << "run " << i;
    expect_continuous(one, two);
  }
}

TEST(AutoTwoPass, ChunkedEqualsUnchunked) {
  case_options o;
  const SolveResult whole = solve(2, o);
  for (std::int64_t chunk : {3, 32}) {
    o.max_chunk_runs = chunk;
    const SolveResult chunked = solve(2, o);
    ASSERT_GT(chunked.statistics().chunks, 1);
    EXPECT_EQ(chunked.statistics().second_pass_runs, whole.statistics().second_pass_runs);
    expect_same_outputs(whole, chunked);
  }
}

// The sweep's ends alone, whole and in chunks: where no run turns stiff (mu in [0.1, 1]) the
// second pass gets nothing and auto is its explicit pass, and where every run does (mu in
// [100, 1000]) every run is handed on; byte for byte one kernel's results either way.
TEST(AutoTwoPass, SweepEndsNothingOrEverythingHandedOn) {
  std::vector<double> low(n_sweep), high(n_sweep);
  for (std::size_t i = 0; i < n_sweep; ++i) {
    low[i] = std::pow(10.0, -1.0 + double(i) / double(n_sweep - 1));
    high[i] = std::pow(10.0, 2.0 + double(i) / double(n_sweep - 1));
  }
  for (precision p : {precision::float64, precision::float32}) {
    for (std::int64_t chunk : {0, 32}) {
      case_options o;
      o.p = p;
      o.max_chunk_runs = chunk;
      o.mu = low;
      const SolveResult one_low = solve(1, o);
      const SolveResult two_low = solve(2, o);
      EXPECT_EQ(two_low.statistics().second_pass_runs, 0);
      EXPECT_EQ(runs_with(one_low, output_id::stiff_switches), 0u);
      expect_continuous(one_low, two_low);
      o.mu = high;
      const SolveResult one_high = solve(1, o);
      const SolveResult two_high = solve(2, o);
      EXPECT_EQ(two_high.statistics().second_pass_runs, static_cast<std::int64_t>(n_sweep));
      EXPECT_EQ(runs_with(one_high, output_id::stiff_steps), n_sweep);
      expect_continuous(one_high, two_high);
    }
  }
}

// max_steps cuts runs short in the first pass (never stiff: too few steps for the test) and in
// the second (stiff runs whose explicit start used most of the budget): the same status,
// saves (NaN after the failure), counters and switching record as one kernel.
TEST(AutoTwoPass, FailuresInEitherPass) {
  std::size_t failed_in_second = 0;
  for (std::int64_t max_steps : {20, 60, 150}) {
    case_options o;
    o.max_steps = max_steps;
    const SolveResult one = solve(1, o);
    const SolveResult two = solve(2, o);
    const auto* switches = static_cast<const u32*>(one.array_data(output_id::stiff_switches));
    std::size_t failed = 0, failed_stiff = 0;
    for (std::size_t i = 0; i < n_sweep; ++i) {
      failed += one.status()[i] != 0 ? 1 : 0;
      failed_stiff += one.status()[i] != 0 && switches[i] > 0 ? 1 : 0;
    }
    std::printf("max_steps %lld: %zu runs failed, %zu of them after turning stiff\n", static_cast<long long>(max_steps),
                failed, failed_stiff);
    EXPECT_GT(failed, 0u) << "max_steps " << max_steps;
    expect_continuous(one, two);
    failed_in_second += failed_stiff;
  }
  EXPECT_GT(failed_in_second, 0u);
}

// A settling span (save 0 landed on, not at t0), and listed save times, some close together:
// the hand-over falls between saves, and the second pass continues at the right index.
TEST(AutoTwoPass, SaveSchedules) {
  case_options settle;
  settle.settling_time = 0.5;
  expect_continuous(solve(1, settle), solve(2, settle));
  case_options listed;
  listed.save_times = std::vector<double>{0.0, 0.01, 0.02, 0.05, 0.3, 0.31, 2.0, 9.5, 20.0};
  const SolveResult one = solve(1, listed);
  const SolveResult two = solve(2, listed);
  EXPECT_GT(two.statistics().second_pass_runs, 0);
  expect_continuous(one, two);
}

// The passes that ran for a setting and an environment value ("" = unset), on a small sweep.
int passes_ran(int setting, const char* env) {
  if (*env != '\0') ::setenv("CUBIE_AUTO_PASSES", env, 1);
  else ::unsetenv("CUBIE_AUTO_PASSES");
  solver_settings s;
  s.algorithm = "auto";
  s.backend = "cpu";
  s.auto_passes = setting;
  Solver solver(auto_vdp_system(), s);
  solve_spec spec;
  spec.duration = 2.0;
  const SolveResult r = solver.solve({{"x", std::vector<double>(9, 2.0)}, {"y", {0.0}}}, {{"mu", mus(9)}}, spec);
  ::unsetenv("CUBIE_AUTO_PASSES");
  return r.statistics().auto_passes;
}

// solver_settings::auto_passes: 1 or 2 wins over CUBIE_AUTO_PASSES; 0 leaves the choice to the
// environment, else to the backend (one kernel on the CPU).
TEST(AutoTwoPass, TheSettingWinsOverTheEnvironment) {
  EXPECT_EQ(passes_ran(0, ""), 1);
  EXPECT_EQ(passes_ran(0, "2"), 2);
  EXPECT_EQ(passes_ran(0, "1"), 1);
  EXPECT_EQ(passes_ran(2, ""), 2);
  EXPECT_EQ(passes_ran(2, "1"), 2);
  EXPECT_EQ(passes_ran(1, "2"), 1);
  // A method other than auto reports no passes.
  solver_settings s;
  s.algorithm = "dormand_prince_54";
  s.backend = "cpu";
  s.auto_passes = 2;
  Solver dp(counter_vdp_system(), s);
  const SolveResult r = dp.solve({{"x", {2.0}}, {"y", {0.0}}}, {{"mu", {1.0}}}, solve_spec{});
  EXPECT_EQ(r.statistics().auto_passes, 0);
  EXPECT_EQ(r.statistics().second_pass_runs, 0);
}

TEST(AutoTwoPass, RefusesAnUnknownSetting) {
  for (int bad : {3, -1}) {
    solver_settings s;
    s.algorithm = "auto";
    s.backend = "cpu";
    s.auto_passes = bad;
    try {
      Solver solver(auto_vdp_system(), s);
      ADD_FAILURE() << "auto_passes = " << bad << " accepted";
    } catch (const invalid_argument& e) {
      const std::string m = e.what();
      EXPECT_NE(m.find("auto_passes = " + std::to_string(bad) + " is not allowed: use 1 (one kernel), 2"),
                std::string::npos)
          << m;
    }
  }
}

TEST(AutoTwoPass, RefusesAnUnknownChoice) {
  ::setenv("CUBIE_AUTO_PASSES", "3", 1);
  solver_settings s;
  s.algorithm = "auto";
  s.backend = "cpu";
  Solver solver(auto_vdp_system(), s);
  solve_spec spec;
  try {
    (void)solver.solve({{"x", {2.0}}, {"y", {0.0}}}, {{"mu", {1.0}}}, spec);
    ADD_FAILURE() << "CUBIE_AUTO_PASSES=3 accepted";
  } catch (const invalid_argument& e) {
    // The setting's refusal (auto_passes_refusal), naming the variable and its value.
    EXPECT_NE(std::string(e.what()).find("CUBIE_AUTO_PASSES = '3' is not allowed: use 1 (one kernel), 2"),
              std::string::npos)
        << e.what();
  }
  ::unsetenv("CUBIE_AUTO_PASSES");
}

}  // namespace

// CUBIE_STIFFNESS_SQUARED_TEST's form of the entry test, erk_stepper::stiffness_above (h^2 num >
// limit^2 den), against the default's h |lambda| > limit (stiffness_h_lambda), on dopri54 steps
// of Van der Pol from non-stiff to stiff: they must agree wherever the estimate is not within
// a few ulps of the limit, and the estimate must cross the limit somewhere in the sweep (else
// the comparison could not fail).
TEST(AutoTwoPass, SquaredEntryTestAgreesWithHLambda) {
  using S = double;
  using Ex = cubie::erk_stepper<cubie::methods::dormand_prince_54, S, 2, true>;
  const cubie::test::van_der_pol<S> sys;
  int above = 0, below = 0;
  for (double mu : {0.1, 1.0, 10.0, 100.0, 1000.0}) {
    for (double h : {1e-4, 1e-3, 1e-2, 3e-2, 0.1, 0.3}) {
      const cubie::fixed_vector<S, 2> y{2.0, 0.0};
      const cubie::fixed_vector<S, 1> p{mu};
      Ex ex;
      ex.start(sys, 0.0, y, p);
      cubie::no_step_work work;
      (void)ex.step(sys, 0.0, h, y, p, work);
      const double hl = ex.stiffness_h_lambda(h);
      for (double limit : {0.5, 1.65, 3.25, 10.0}) {
        if (std::abs(hl - limit) <= 1e-12 * limit) continue;  // borderline: the last bit may differ
        const bool reference = hl > limit;
        EXPECT_EQ(ex.stiffness_above(h, limit), reference) << "mu " << mu << " h " << h << " h|lambda| " << hl;
        (reference ? above : below) += 1;
      }
    }
  }
  EXPECT_GT(above, 10);
  EXPECT_GT(below, 10);
}
