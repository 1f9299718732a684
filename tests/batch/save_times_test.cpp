// tests/batch/save_times_test.cpp
// Save times given as a list (solve_spec::save_times), shared by every run: the recorded
// times are the list bit for bit, steps land on them exactly (the values match the exact
// solution of a problem that reads t, adaptive and fixed steps), runs still integrate to
// the span's end, settling shifts the span, summaries ride along; and bad lists are refused
// with the field, the offending entry and the allowed span.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "batch_test_systems.hpp"
#include "cubie/batch/solve_spec_check.hpp"
#include "cubie/batch/solver.hpp"
#include "summary_test_system.hpp"
#include "test_systems.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;

// Run 0: y0' = -y0 + sin(t) from 1 (reads t); run 1: the harmonic oscillator from (1, 0.5).
const named_arrays inits = {{"y0", {1.0, 1.0}}, {"y1", {0.0, 0.5}}};
const named_arrays params = {
    {"a11", {-1.0, 0.0}}, {"a12", {0.0, 1.0}}, {"a21", {0.0, -1.0}}, {"a22", {0.0, 0.0}}, {"forcing", {1.0, 0.0}}};

double exact_y0(int run, double t0, double t) {
  if (run == 0) return exact_forced(1.0, t0, t);
  double a = 0, b = 0;
  exact_oscillator(1.0, 0.5, t0, t, a, b);
  return a;
}

solver_settings settings(const std::string& algorithm) {
  solver_settings s;
  s.algorithm = algorithm;
  s.backend = "cpu";
  s.atol = {1e-12};
  s.rtol = {1e-12};
  if (algorithm == "classical_rk4") s.dt = 1.0 / 1024;
  return s;
}

TEST(SaveTimes, RecordedTimesAreTheListAndStepsLandOnThem) {
  for (const char* algorithm : {"dormand_prince_54", "classical_rk4"}) {
    SCOPED_TRACE(algorithm);
    struct list_case {
      double t0, settling, duration;
      std::vector<double> times;
    };
    // The design's example; a list without the span's ends; awkward values after settling.
    const std::vector<list_case> cases = {{0.0, 0.0, 10.0, {0.0, 0.5, 2.0, 10.0}},
                                          {0.0, 0.0, 1.0, {0.3, 0.7}},
                                          {1.0, 0.5, 2.0, {1.5, 1.6, 2.2999999999999998, 3.1}}};
    for (const list_case& c : cases) {
      solve_spec spec;
      spec.t0 = c.t0;
      spec.settling_time = c.settling;
      spec.duration = c.duration;
      spec.save_times = c.times;
      const SolveResult r = Solver(linear_system(), settings(algorithm)).solve(inits, params, spec);
      ASSERT_EQ(r.times(), c.times);
      const double t_end = c.t0 + c.settling + c.duration;
      for (int run = 0; run < 2; ++run) {
        EXPECT_EQ(r.status()[run], 0u);
        EXPECT_EQ(r.t_reached()[run], t_end) << "runs integrate to the span's end";
        const std::vector<double> y0 = r.series("y0", run);
        for (std::size_t k = 0; k < c.times.size(); ++k) {
          const double want = exact_y0(run, c.t0, c.times[k]);
          // rk4 at dt = 1/1024: global error ~1e-12 over these spans.
          EXPECT_NEAR(y0[k], want, 1e-9) << "run " << run << " at t = " << c.times[k];
        }
      }
    }
  }
}

TEST(SaveTimes, SummariesRideAlong) {
  solve_spec spec;
  spec.duration = 2.0;
  spec.save_times = std::vector<double>{0.25, 1.0, 1.75};
  spec.summarise_every = 1.0;
  spec.sample_summaries_every = 0.125;
  spec.output_types = std::vector<std::string>{"state", "max", "min"};
  spec.summarise_variables = std::vector<std::string>{"y0"};
  solver_settings s = settings("dormand_prince_54");
  s.atol = s.rtol = {1e-10};
  const SolveResult r = Solver(linear_summary_system(), s).solve(inits, params, spec);
  EXPECT_EQ(r.times(), (std::vector<double>{0.25, 1.0, 1.75}));
  ASSERT_EQ(r.n_windows(), 2);
  // Run 1, y0 = cos t + 0.5 sin t: its samples at 0.125 k in (0, 1] and (1, 2].
  for (int w = 0; w < 2; ++w) {
    double hi = -1e300, lo = 1e300;
    for (int j = 8 * w + 1; j <= 8 * (w + 1); ++j) {
      const double y = exact_y0(1, 0.0, 0.125 * j);
      hi = std::max(hi, y);
      lo = std::min(lo, y);
    }
    EXPECT_NEAR(r.summary("y0", "max", w)[1], hi, 1e-8);
    EXPECT_NEAR(r.summary("y0", "min", w)[1], lo, 1e-8);
  }
}

void expect_refused(const solve_spec& spec, const std::string& field, const std::string& fragment) {
  try {
    check_solve_spec(linear_system()->info, spec);
    ADD_FAILURE() << "accepted; expected an error naming " << field;
  } catch (const setting_error& e) {
    EXPECT_EQ(e.field(), field) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
  // The Solver refuses it the same way, before any work.
  EXPECT_THROW((void)Solver(linear_system(), settings("dormand_prince_54")).solve(inits, params, spec),
               invalid_argument);
}

TEST(SaveTimes, BadListsAreRefused) {
  solve_spec spec;
  spec.t0 = 1.0;
  spec.duration = 2.0;
  spec.save_times = std::vector<double>{1.0, 2.0, 2.0};
  expect_refused(spec, "save_times", "save_times[2] = 2 is not after save_times[1] = 2");
  spec.save_times = std::vector<double>{1.5, 1.2};
  expect_refused(spec, "save_times", "strictly increasing");
  spec.save_times = std::vector<double>{0.5, 1.5};
  expect_refused(spec, "save_times", "save_times[0] = 0.5 is outside the recorded span [1, 3]");
  spec.save_times = std::vector<double>{1.5, 3.5};
  expect_refused(spec, "save_times", "save_times[1] = 3.5 is outside the recorded span [1, 3]");
  spec.save_times = std::vector<double>{1.5, std::nan("")};
  expect_refused(spec, "save_times", "finite");
  spec.save_times = std::vector<double>{};
  expect_refused(spec, "save_times", "empty");
  spec.save_times = std::vector<double>{1.5};
  spec.save_every = 0.5;
  expect_refused(spec, "save_times", "save_every both given");
  spec.save_every.reset();
  spec.settling_time = 1.0;  // the recorded span is now [2, 4]
  expect_refused(spec, "save_times", "save_times[0] = 1.5 is outside the recorded span [2, 4]");
}

}  // namespace
