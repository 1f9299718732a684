// tests/batch/auto_switch_test.cpp
// algorithm = "auto" on a Van der Pol sweep mu = logspace(-1, 3): the runs with small mu
// stay explicit, the stiff ones (large mu: on the slow branch df/dy has an eigenvalue near
// -mu (x^2 - 1), so Dormand-Prince's steps are held at 3.3 / |lambda| far below what accuracy
// allows) switch to rodas5p early. The result matches a tight-tolerance rodas5p reference as
// well as the single methods do at the same tolerance; the per-run record (stiff_switches,
// t_first_stiff, stiff_steps) and the iteration counters agree with each other; chunks that
// split SIMD packs differently change no bit (a run's switching never depends on its
// neighbours).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "counter_test_systems.hpp"
#include "cubie/batch/method_catalog.hpp"
#include "cubie/batch/solver.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;

constexpr std::size_t n_sweep = 25;

named_arrays inits(std::size_t n) { return {{"x", std::vector<double>(n, 2.0)}, {"y", {0.0}}}; }
std::vector<double> mus(std::size_t n) {
  std::vector<double> mu(n);
  for (std::size_t i = 0; i < n; ++i) mu[i] = std::pow(10.0, -1.0 + 4.0 * double(i) / double(n - 1));
  return mu;
}

solver_settings settings(const char* method, double tol, precision p = precision::float64) {
  solver_settings s;
  s.algorithm = method;
  s.precision = p;
  s.backend = "cpu";
  s.rtol = s.atol = {tol};
  s.max_steps = 10'000'000;
  return s;
}

solve_spec spec(double duration) {
  solve_spec s;
  s.duration = duration;
  s.save_every = duration / 4;
  s.output_types = std::vector<std::string>{"state", "iteration_counters"};
  return s;
}

const std::shared_ptr<const compiled_system>& system_for(const char* method) {
  return std::string(method) == "auto" ? auto_vdp_system() : counter_vdp_system();
}

SolveResult solve(const char* method, double tol, double duration, precision p = precision::float64,
                  std::int64_t max_chunk_runs = 0) {
  solver_settings s = settings(method, tol, p);
  s.memory.max_chunk_runs = max_chunk_runs;
  Solver solver(system_for(method), s);
  return solver.solve(inits(n_sweep), {{"mu", mus(n_sweep)}}, spec(duration));
}

TEST(AutoSwitch, NamesAndFamily) {
  const method_info& m = find_method("auto");
  EXPECT_EQ(m.name, "auto_switch");
  EXPECT_EQ(m.family, method_family::auto_switch);
  EXPECT_TRUE(m.implicit);
  EXPECT_TRUE(m.adaptive);
  EXPECT_EQ(m.order, 5);
  EXPECT_EQ(m.error_order, 4);
  EXPECT_STREQ(family_name(m.family), "auto_switch");
}

TEST(AutoSwitch, SwitchesExactlyTheStiffRuns) {
  for (precision p : {precision::float64, precision::float32}) {
    const double tol = p == precision::float64 ? 1e-6 : 1e-4;
    const SolveResult r = solve("auto", tol, 20.0, p);
    const SolveResult explicit_only = solve("dormand_prince_54", tol, 20.0, p);
    const std::span<const u32> switches = {static_cast<const u32*>(r.array_data(output_id::stiff_switches)), n_sweep};
    const std::span<const double> t_first = {static_cast<const double*>(r.array_data(output_id::t_first_stiff)),
                                             n_sweep};
    const std::span<const u32> stiff_steps = {static_cast<const u32*>(r.array_data(output_id::stiff_steps)), n_sweep};
    const std::vector<double> mu = mus(n_sweep);
    for (std::size_t i = 0; i < n_sweep; ++i) {
      std::printf("%s mu %9.3g  status %u  switches %u  t_first_stiff %9.4g  stiff steps %6u of %6u  (dopri54: %u)\n",
                  p == precision::float64 ? "f64" : "f32", mu[i], r.status()[i], switches[i], t_first[i],
                  stiff_steps[i], r.steps_accepted()[i], explicit_only.steps_accepted()[i]);
      ASSERT_EQ(r.status()[i], 0u) << "mu " << mu[i];
      if (mu[i] <= 1.0) {
        // Non-stiff: never switched.
        EXPECT_EQ(switches[i], 0u) << "mu " << mu[i];
        EXPECT_EQ(stiff_steps[i], 0u) << "mu " << mu[i];
        EXPECT_TRUE(std::isnan(t_first[i])) << "mu " << mu[i];
      }
      if (mu[i] >= 30.0) {
        // Stiff from the start (the slow branch from x = 2): switched within the first time
        // unit (after Hairer's 15 estimates), and the rest costs a few large implicit steps
        // where dormand_prince_54 alone is held at its stability limit.
        EXPECT_GE(switches[i], 1u) << "mu " << mu[i];
        EXPECT_LT(t_first[i], 1.0) << "mu " << mu[i];
        EXPECT_GT(stiff_steps[i], 0u) << "mu " << mu[i];
        EXPECT_LT(5 * r.steps_accepted()[i], explicit_only.steps_accepted()[i]) << "mu " << mu[i];
      }
      // The record agrees with itself: stiff steps only after a switch.
      EXPECT_EQ(stiff_steps[i] > 0, switches[i] > 0) << "mu " << mu[i];
      EXPECT_EQ(std::isnan(t_first[i]), switches[i] == 0) << "mu " << mu[i];
    }
  }
}

// Final states against rodas5p at rtol = atol = 1e-10: auto's error within a small factor of
// the worse of dormand_prince_54 and rodas5p at the same tolerance (1e-6), run by run.
TEST(AutoSwitch, AccurateAsTheSingleMethods) {
  const double duration = 20.0;
  const SolveResult ref = solve("rodas5p", 1e-10, duration);
  const SolveResult aut = solve("auto", 1e-6, duration);
  const SolveResult dop = solve("dormand_prince_54", 1e-6, duration);
  const SolveResult ros = solve("rodas5p", 1e-6, duration);
  const std::int64_t last = ref.n_saves() - 1;
  auto error = [&](const SolveResult& r, std::size_t i) {
    double e = 0;
    for (int v = 0; v < 2; ++v) {
      const double x = ref.at(last, v, static_cast<std::int64_t>(i));
      e = std::max(e, std::fabs(r.at(last, v, static_cast<std::int64_t>(i)) - x) / (1e-6 + 1e-6 * std::fabs(x)));
    }
    return e;
  };
  const std::vector<double> mu = mus(n_sweep);
  for (std::size_t i = 0; i < n_sweep; ++i) {
    ASSERT_EQ(ref.status()[i], 0u);
    ASSERT_EQ(aut.status()[i], 0u);
    const double ea = error(aut, i), ed = error(dop, i), er = error(ros, i);
    std::printf("mu %9.3g  error in tolerances: auto %9.3g  dopri54 %9.3g  rodas5p %9.3g\n", mu[i], ea, ed, er);
    EXPECT_LE(ea, 5.0 * std::max({ed, er, 1.0})) << "mu " << mu[i];
  }
}

// Stiff trials solve 8 times (rodas5p's stages), explicit ones not at all; the counters add up
// to the totals, and the stiff method's accepted steps are within the accepted steps.
TEST(AutoSwitch, IterationCountersFollowTheMode) {
  const SolveResult r = solve("auto", 1e-6, 20.0);
  const std::span<const u32> c = r.iteration_counters();
  const std::span<const u32> stiff_steps = {static_cast<const u32*>(r.array_data(output_id::stiff_steps)), n_sweep};
  const auto n = static_cast<std::int64_t>(n_sweep);
  for (std::int64_t i = 0; i < n; ++i) {
    std::uint64_t linear = 0, acc = 0, rej = 0;
    for (std::int64_t j = 0; j < r.n_counter_saves(); ++j) {
      EXPECT_EQ(c[(j * 4 + 0) * n + i], 0u);
      linear += c[(j * 4 + 1) * n + i];
      acc += c[(j * 4 + 2) * n + i];
      rej += c[(j * 4 + 3) * n + i];
    }
    EXPECT_EQ(acc, r.steps_accepted()[i]);
    EXPECT_EQ(rej, r.steps_rejected()[i]);
    EXPECT_EQ(linear % 8, 0u);
    EXPECT_GE(linear, 8u * stiff_steps[i]);             // every accepted stiff step solved 8 times
    EXPECT_LE(linear, 8u * (stiff_steps[i] + rej));     // and only stiff trials did
  }
}

// Chunks of 3 runs put every run in a different SIMD pack position than one solve does: no
// bit changes (each run's switching is its own).
TEST(AutoSwitch, ChunkedEqualsUnchunked) {
  const SolveResult a = solve("auto", 1e-6, 20.0);
  const SolveResult b = solve("auto", 1e-6, 20.0, precision::float64, 3);
  ASSERT_GT(b.statistics().chunks, 1);
  for (output_id id : {output_id::time_domain, output_id::stiff_switches, output_id::t_first_stiff,
                       output_id::stiff_steps, output_id::iteration_counters, output_id::steps_accepted}) {
    const output_array* arr = a.outputs().find(id);
    ASSERT_NE(arr, nullptr);
    const std::size_t bytes =
        static_cast<std::size_t>(arr->values_per_run() * a.n_runs()) * arr->element_bytes(a.precision());
    EXPECT_EQ(std::memcmp(a.array_data(id), b.array_data(id), bytes), 0) << arr->name;
  }
}

}  // namespace
