// tests/batch/summary_signals_test.cpp
// Summary metrics in runs with drivers and events (CPU backend, SIMD packs), checked against
// the same statistics of the analytic trajectory at the sample times (summary_reference.hpp):
// a driven state and a driver observable (x' = k u(t), u a cubic the not-a-knot spline
// reproduces), adaptive and fixed steps; a bouncing ball whose resets are state changes
// like any other for the accumulators; a falling body whose terminating event ends its
// sampling, leaving the windows it never finished NaN while its neighbours in the pack go on.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "cubie/batch/solver.hpp"
#include "summary_reference.hpp"
#include "summary_signal_systems.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;

constexpr double g_earth = 9.81;

solver_settings settings(const std::string& algorithm, double tol) {
  solver_settings s;
  s.algorithm = algorithm;
  s.precision = precision::float64;
  s.backend = "cpu";
  s.atol = {tol};
  s.rtol = {tol};
  return s;
}

/// Summaries of [max, mean] every `window` with a sample every `sample`, no time domain.
solve_spec summary_spec(double duration, double window, double sample, std::vector<std::string> variables) {
  solve_spec spec{.duration = duration};
  spec.output_types = std::vector<std::string>{"max", "mean"};
  spec.summarise_variables = std::move(variables);
  spec.summarise_every = window;
  spec.sample_summaries_every = sample;
  return spec;
}

/// Checks the [max, mean] windows of `variable` in run r against the analytic values f(t)
/// at the sample times; windows from `first_nan` on must hold NaN.
template <class F>
void expect_windows(const SolveResult& res, const std::string& variable, std::int64_t r, F&& f, double sample,
                    std::int64_t m, std::int64_t n_windows, double tol, std::int64_t first_nan) {
  std::vector<double> x, t;
  for (std::int64_t j = 0; j <= m * n_windows; ++j) {
    t.push_back(sample * static_cast<double>(j));
    x.push_back(f(t.back()));
  }
  const std::vector<window_reference> ref = reference_windows(x, t, m, n_windows, sample, 0, 0);
  ASSERT_EQ(res.n_windows(), n_windows);
  for (std::int64_t w = 0; w < n_windows; ++w) {
    SCOPED_TRACE(variable + " run " + std::to_string(r) + " window " + std::to_string(w));
    const double max = res.summary(variable, "max", w)[static_cast<std::size_t>(r)];
    const double mean = res.summary(variable, "mean", w)[static_cast<std::size_t>(r)];
    if (w >= first_nan) {
      EXPECT_TRUE(std::isnan(max)) << max;
      EXPECT_TRUE(std::isnan(mean)) << mean;
      continue;
    }
    const double scale = 1.0 + ref[static_cast<std::size_t>(w)].scale;
    EXPECT_NEAR(max, ref[static_cast<std::size_t>(w)].max, tol * scale);
    EXPECT_NEAR(mean, ref[static_cast<std::size_t>(w)].mean, tol * scale);
  }
}

// ---- a driven system -------------------------------------------------------------------

double cubic(double t) { return 0.5 - 1.25 * t + 0.75 * t * t - 0.125 * t * t * t; }
double cubic_integral(double t) { return 0.5 * t - 0.625 * t * t + 0.25 * t * t * t - 0.03125 * t * t * t * t; }

driver_signal cubic_signal() {
  driver_signal s{.name = "u", .dt = 0.25, .wrap = false, .boundary = spline_boundary::not_a_knot};
  for (int k = 0; k <= 16; ++k) s.samples.push_back(cubic(0.25 * k));
  return s;
}

class DrivenSummaries : public ::testing::TestWithParam<const char*> {};

TEST_P(DrivenSummaries, StateAndDriverObservableMatchTheirIntegrals) {
  const std::string algorithm = GetParam();
  solver_settings s = settings(algorithm, 1e-12);
  if (algorithm == "classical_rk4") s.dt = 1.0 / 64;  // Simpson's rule: exact for a cubic u
  Solver solver(integrated_driver_summary_system(), s);
  // 6 windows of 8 samples; the event x_reaches_1 is recorded on the way (no cut).
  solve_spec spec = summary_spec(3.0, 0.5, 0.0625, {"x", "u_now"});
  spec.drivers = {cubic_signal()};
  const std::vector<double> k = {1.0, 2.0, -0.5, 0.25, 3.0};
  const SolveResult res = solver.solve({{"x", {0.0}}}, {{"k", k}}, spec);
  EXPECT_FALSE(res.outputs().has(output_id::time_domain));
  for (std::size_t r = 0; r < k.size(); ++r) {
    EXPECT_EQ(res.status()[r], 0u);
    const double kr = k[r];
    expect_windows(res, "x", static_cast<std::int64_t>(r), [&](double t) { return kr * cubic_integral(t); }, 0.0625, 8,
                   6, 1e-10, 6);
    expect_windows(res, "u_now", static_cast<std::int64_t>(r), cubic, 0.0625, 8, 6, 1e-12, 6);
  }
}

INSTANTIATE_TEST_SUITE_P(Methods, DrivenSummaries, ::testing::Values("dormand_prince_54", "classical_rk4"));

// ---- resets ------------------------------------------------------------------------------

/// The analytic flight of a ball dropped from h0 at rest: before the first impact a fall,
/// after impact k a parabola leaving the floor at e^(k+1) times the first impact speed.
struct ball {
  double h0, e;
  std::vector<double> impacts, speeds;  // impact k's time and the speed it leaves with
  ball(double h, double restitution, double until) : h0(h), e(restitution) {
    const double t1 = std::sqrt(2.0 * h0 / g_earth);
    double at = t1, speed = g_earth * t1;
    while (at <= until) {
      impacts.push_back(at);
      speed *= e;
      speeds.push_back(speed);
      at += 2.0 * speed / g_earth;
    }
  }
  // The last impact at or before t (-1: none yet).
  int flight(double t) const {
    int k = -1;
    while (k + 1 < static_cast<int>(impacts.size()) && impacts[static_cast<std::size_t>(k + 1)] <= t) ++k;
    return k;
  }
  double h(double t) const {
    const int k = flight(t);
    if (k < 0) return h0 - 0.5 * g_earth * t * t;
    const double s = t - impacts[static_cast<std::size_t>(k)];
    return speeds[static_cast<std::size_t>(k)] * s - 0.5 * g_earth * s * s;
  }
  double v(double t) const {
    const int k = flight(t);
    if (k < 0) return -g_earth * t;
    return speeds[static_cast<std::size_t>(k)] - g_earth * (t - impacts[static_cast<std::size_t>(k)]);
  }
};

TEST(ResetSummaries, BouncingBallWindowsFollowTheFlights) {
  Solver solver(bouncing_ball_summary_system(), settings("dormand_prince_54", 1e-11));
  // The bounces accumulate at t1 (1 + e) / (1 - e): 5.7 s for h0 = 2, e = 0.8. Stop at 4.
  const std::vector<double> h0 = {2.0, 3.0, 5.0};
  const double e = 0.8;
  const solve_spec spec = summary_spec(4.0, 0.5, 1.0 / 32, {"h", "v"});
  const SolveResult res = solver.solve({{"h", h0}, {"v", {0.0}}}, {{"e", {e}}}, spec);
  for (std::size_t r = 0; r < h0.size(); ++r) {
    ASSERT_EQ(res.status()[r], 0u);
    const ball b(h0[r], e, 4.5);
    ASSERT_GE(b.impacts.size(), 3u);
    // A sample within the event tolerance of an impact may fall either side of it; none does here.
    for (double ti : b.impacts) EXPECT_GT(std::fabs(ti * 32 - std::round(ti * 32)), 1e-6);
    expect_windows(res, "h", static_cast<std::int64_t>(r), [&](double t) { return b.h(t); }, 1.0 / 32, 16, 8, 1e-7, 8);
    expect_windows(res, "v", static_cast<std::int64_t>(r), [&](double t) { return b.v(t); }, 1.0 / 32, 16, 8, 1e-7, 8);
  }
}

// ---- termination -------------------------------------------------------------------------

TEST(TerminatedSummaries, WindowsAfterTheEndHoldNaN) {
  Solver solver(falling_body_summary_system(), settings("dormand_prince_54", 1e-11));
  // Ground at sqrt(2 h0 / g): 1.43 s (windows 0 and 1 finished, 2 cut), 0.45 s (window 0
  // cut), 3.19 s (every window), 2.02 s (windows 0 to 3).
  const std::vector<double> h0 = {10.0, 1.0, 50.0, 20.0};
  const std::vector<std::int64_t> finished = {2, 0, 6, 4};
  const solve_spec spec = summary_spec(3.0, 0.5, 1.0 / 32, {"h", "v"});
  const SolveResult res = solver.solve({{"h", h0}, {"v", {0.0}}}, {{"g", {g_earth}}, {"T", {100.0}}}, spec);
  for (std::size_t r = 0; r < h0.size(); ++r) {
    EXPECT_EQ(res.status()[r], 0u);  // a terminating event is a success
    const double h_start = h0[r];
    expect_windows(res, "h", static_cast<std::int64_t>(r), [&](double t) { return h_start - 0.5 * g_earth * t * t; },
                   1.0 / 32, 16, 6, 1e-9, finished[r]);
    expect_windows(res, "v", static_cast<std::int64_t>(r), [&](double t) { return -g_earth * t; }, 1.0 / 32, 16, 6,
                   1e-9, finished[r]);
  }
}

}  // namespace
