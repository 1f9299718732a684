// tests/batch/summary_metrics_test.cpp
// Summary metrics on the CPU backend (SIMD packs), checked against the same statistics
// computed independently in double from a trajectory saved at the sample times
// (summary_reference.hpp): all 18 metrics, adaptive and fixed steps, float64 and float32,
// several windows, settling time, observables, a window that does not divide the duration.
// Also: a summary-only solve equals one that saves the trajectory too, chunked equals
// unchunked, and an entry fitted to the request equals the all-groups entry, bit for bit;
// float32 keeps its digits over a 10,000-sample window of a signal far from zero; peaks
// land near the analytic maxima of cos t.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <numbers>
#include <string>
#include <vector>

#include "cubie/batch/solver.hpp"
#include "cubie/core/error.hpp"
#include "summary_reference.hpp"
#include "summary_test_system.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;

template <class V>
constexpr precision precision_of() {
  return sizeof(V) == 4 ? precision::float32 : precision::float64;
}

constexpr std::int64_t n_runs = 37;  // not a multiple of any SIMD width

named_arrays lorenz_inits() {
  std::vector<double> x(n_runs);
  for (std::int64_t i = 0; i < n_runs; ++i) x[i] = 1.0 + 0.01 * static_cast<double>(i % 5);
  return {{"x", x}, {"y", {0.0}}, {"z", {0.0}}};
}
named_arrays lorenz_params() {
  std::vector<double> rho(n_runs);
  for (std::int64_t i = 0; i < n_runs; ++i) rho[i] = 5.0 + 25.0 * static_cast<double>(i) / (n_runs - 1);
  return {{"rho", rho}};
}

solver_settings lorenz_settings(precision p, const std::string& algorithm) {
  solver_settings s;
  s.algorithm = algorithm;
  s.precision = p;
  s.backend = "cpu";
  s.atol = {1e-8};
  s.rtol = {1e-8};
  if (algorithm == "classical_rk4") s.dt = 1.0 / 512;
  return s;
}

/// The reference value named `name` ("mean", "peaks_2", "dxdt_min", ...).
double reference_value(const window_reference& r, const std::string& name) {
  if (name == "mean") return r.mean;
  if (name == "std") return r.std;
  if (name == "rms") return r.rms;
  if (name == "max") return r.max;
  if (name == "min") return r.min;
  if (name == "max_magnitude") return r.max_magnitude;
  if (name == "dxdt_max") return r.dxdt_max;
  if (name == "dxdt_min") return r.dxdt_min;
  if (name == "d2xdt2_max") return r.d2xdt2_max;
  if (name == "d2xdt2_min") return r.d2xdt2_min;
  auto numbered = [&](const std::string& base, const std::vector<double>& v) {
    if (name == base) return v.at(0);
    return v.at(static_cast<std::size_t>(std::stoi(name.substr(base.size() + 1)) - 1));
  };
  if (name.rfind("negative_peaks", 0) == 0) return numbered("negative_peaks", r.negative_peaks);
  if (name.rfind("peaks", 0) == 0) return numbered("peaks", r.peaks);
  ADD_FAILURE() << "no reference for " << name;
  return 0;
}

struct tolerance {
  double moments;     // mean, std, rms, relative to the window's max |x|
  double difference;  // differences, relative to max |x| / dt (and / dt^2)
  bool exact_extrema = true;  // max, min and max_magnitude are sample values: equal when the
                              // reference saw the same states
};

/// Every summary of `sum` against the reference from `traj`'s time domain, whose saves are
/// the span's start and every sample time.
void expect_matches_reference(const SolveResult& sum, const SolveResult& traj, double sample_every,
                              std::int64_t samples_per_window, tolerance tol) {
  const bool f32 = sum.precision() == precision::float32;
  const auto& outputs = sum.summary_outputs();
  int n_peaks = 0, n_negative = 0;
  for (const std::string& o : outputs) {
    n_peaks += o.rfind("peaks", 0) == 0;
    n_negative += o.rfind("negative_peaks", 0) == 0;
  }
  ASSERT_GT(sum.n_windows(), 0);
  const std::int64_t samples = sum.n_windows() * samples_per_window;
  ASSERT_GE(traj.n_saves(), samples + 1);
  for (std::size_t v = 0; v < sum.summarised_variables().size(); ++v) {
    const std::string& var = sum.summarised_variables()[v];
    for (std::int64_t run = 0; run < sum.n_runs(); ++run) {
      ASSERT_EQ(sum.status()[run], 0u) << "run " << run;
      const std::vector<double> series = traj.series(var, run);
      const std::vector<double> x(series.begin(), series.begin() + samples + 1);
      const std::vector<double> t(traj.times().begin(), traj.times().begin() + samples + 1);
      const auto ref = reference_windows(x, t, samples_per_window, sum.n_windows(), sample_every, n_peaks, n_negative);
      for (std::int64_t w = 0; w < sum.n_windows(); ++w) {
        const window_reference& r = ref[static_cast<std::size_t>(w)];
        for (std::size_t k = 0; k < outputs.size(); ++k) {
          const std::string& name = outputs[k];
          const double got = sum.summary_at(w, static_cast<std::int64_t>(v * outputs.size() + k), run);
          double want = reference_value(r, name);
          const std::string where = var + " " + name + ", window " + std::to_string(w) + ", run " + std::to_string(run);
          if (std::isnan(want)) {
            EXPECT_TRUE(std::isnan(got)) << where << ": " << got;
            continue;
          }
          if (name.find("peaks") != std::string::npos) {
            if (f32) want = static_cast<float>(want);  // times are stored in the solve's precision
            EXPECT_EQ(got, want) << where;
          } else if (name == "max" || name == "min" || name == "max_magnitude") {
            if (tol.exact_extrema) EXPECT_EQ(got, want) << where;
            else EXPECT_NEAR(got, want, tol.moments * r.scale) << where;
          } else if (name.rfind("dxdt", 0) == 0) {
            EXPECT_NEAR(got, want, tol.difference * r.scale / sample_every) << where;
          } else if (name.rfind("d2xdt2", 0) == 0) {
            EXPECT_NEAR(got, want, tol.difference * r.scale / (sample_every * sample_every)) << where;
          } else {
            EXPECT_NEAR(got, want, tol.moments * r.scale) << where;
          }
        }
      }
    }
  }
}

/// The trajectory solve behind a summary solve: the same span, saves at the sample times.
solve_spec trajectory_of(solve_spec spec, double sample_every) {
  spec.output_types = std::vector<std::string>{"state", "observables"};
  spec.save_every = sample_every;
  spec.save_initial = true;
  return spec;
}

// Requests that together cover the 18 metrics (one request may not list a value twice).
const std::vector<std::vector<std::string>> requests = {
    {"mean", "std", "rms", "max", "min", "max_magnitude", "peaks[3]", "negative_peaks[2]", "dxdt_max", "dxdt_min",
     "d2xdt2_max", "d2xdt2_min"},
    {"mean_std_rms", "extrema", "dxdt_extrema", "d2xdt2_extrema"},
    {"mean_std", "peaks[1]", "negative_peaks[1]"},
    {"std_rms"},
    {"mean", "rms"},
    {"rms"},
};

template <class V>
void check_lorenz(const std::string& algorithm, tolerance tol) {
  const double sample = 0.01;
  solve_spec spec;
  spec.t0 = 0.25;
  spec.settling_time = 0.3;
  spec.duration = 2.0;
  spec.summarise_every = 0.5;
  spec.sample_summaries_every = sample;
  Solver solver(lorenz_summary_system(), lorenz_settings(precision_of<V>(), algorithm));
  for (const auto& request : requests) {
    SCOPED_TRACE(::testing::PrintToString(request));
    // One solve that saves the trajectory at the sample times as well: the reference is
    // computed from exactly the states the accumulators saw.
    solve_spec both = trajectory_of(spec, sample);
    both.output_types->insert(both.output_types->end(), request.begin(), request.end());
    const SolveResult r = solver.solve(lorenz_inits(), lorenz_params(), both);
    ASSERT_TRUE(r.has_summaries());
    EXPECT_EQ(r.n_windows(), 4);
    EXPECT_EQ(r.summarised_variables(), (std::vector<std::string>{"x", "y", "z", "r2"}));
    expect_matches_reference(r, r, sample, 50, tol);

    // Summaries alone: no time domain; with fixed steps this is the step-counting path,
    // whose trajectory differs from the landing loop's by rounding only.
    spec.output_types = request;
    const SolveResult alone = solver.solve(lorenz_inits(), lorenz_params(), spec);
    EXPECT_FALSE(alone.outputs().has(output_id::time_domain));
    expect_matches_reference(alone, r, sample, 50, {tol.moments * 10, tol.difference * 10, false});
  }
}

TEST(SummaryMetrics, AdaptiveFloat64MatchesTheReference) {
  check_lorenz<double>("dormand_prince_54", {1e-12, 1e-12});
}
TEST(SummaryMetrics, AdaptiveFloat32MatchesTheReference) {
  check_lorenz<float>("dormand_prince_54", {4e-6, 4e-6});
}
TEST(SummaryMetrics, FixedStepsFloat64MatchTheReference) { check_lorenz<double>("classical_rk4", {1e-12, 1e-12}); }
TEST(SummaryMetrics, FixedStepsFloat32MatchTheReference) { check_lorenz<float>("classical_rk4", {4e-6, 4e-6}); }

TEST(SummaryMetrics, EveryFixedStepASample) {
  // sample_summaries_every = dt: the fixed-step path takes one step per sample (the
  // benchmark's case), several windows, against the landing loop saving every step.
  for (precision p : {precision::float32, precision::float64}) {
    SCOPED_TRACE(precision_name(p));
    solve_spec spec;
    spec.duration = 0.5;
    spec.summarise_every = 0.125;
    spec.sample_summaries_every = 1.0 / 1024;
    spec.output_types = std::vector<std::string>{"max", "mean", "peaks[4]", "dxdt_min", "d2xdt2_max"};
    solver_settings s = lorenz_settings(p, "classical_rk4");
    s.dt = 1.0 / 1024;
    Solver solver(lorenz_summary_system(), s);
    const SolveResult alone = solver.solve(lorenz_inits(), lorenz_params(), spec);
    solve_spec both = trajectory_of(spec, 1.0 / 1024);
    both.output_types->insert(both.output_types->end(), spec.output_types->begin(), spec.output_types->end());
    const SolveResult r = solver.solve(lorenz_inits(), lorenz_params(), both);
    const double tol = p == precision::float32 ? 4e-6 : 1e-12;
    expect_matches_reference(r, r, 1.0 / 1024, 128, {tol, tol});
    expect_matches_reference(alone, r, 1.0 / 1024, 128, {10 * tol, 10 * tol, false});
  }
}

TEST(SummaryMetrics, LegendNamesAndPerMetricViews) {
  solve_spec spec;
  spec.duration = 1.0;
  spec.output_types = std::vector<std::string>{"max", "mean", "peaks[2]", "extrema"};
  spec.summarise_variables = std::vector<std::string>{"z", "r2"};
  EXPECT_THROW((void)Solver(lorenz_summary_system(), lorenz_settings(precision::float64, "dopri54"))
                   .solve(lorenz_inits(), lorenz_params(), spec),
               invalid_argument)
      << "max is listed twice (max and extrema)";
  spec.output_types = std::vector<std::string>{"max", "mean", "peaks[2]", "negative_peaks[1]"};
  Solver solver(lorenz_summary_system(), lorenz_settings(precision::float64, "dopri54"));
  const SolveResult r = solver.solve(lorenz_inits(), lorenz_params(), spec);
  EXPECT_EQ(r.summary_legend(),
            (std::vector<std::string>{"z max", "z mean", "z peaks_1", "z peaks_2", "z negative_peaks", "r2 max",
                                      "r2 mean", "r2 peaks_1", "r2 peaks_2", "r2 negative_peaks"}));
  EXPECT_EQ(r.n_windows(), 1);
  EXPECT_EQ(r.window_times(), std::vector<double>{1.0});
  const summary_view<double> mean = r.summary_of<double>("mean");
  ASSERT_EQ(mean.n_variables, 2);
  ASSERT_EQ(mean.n_runs, n_runs);
  // Equal as bits (a run may find no second peak: NaN).
  auto same = [](double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; };
  for (std::int64_t run = 0; run < n_runs; ++run) {
    EXPECT_EQ(mean(0, 0, run), r.summary_at(0, 1, run));
    EXPECT_EQ(mean(0, 1, run), r.summary_at(0, 6, run));
    EXPECT_TRUE(same(r.summary("r2", "peaks_2")[static_cast<std::size_t>(run)], r.summary_at(0, 8, run)));
  }
  EXPECT_THROW((void)r.summary_of<float>("mean"), invalid_argument);
  EXPECT_THROW((void)r.summary_of<double>("std"), invalid_argument);
  EXPECT_THROW((void)r.summary("x", "mean"), invalid_argument);
  EXPECT_THROW((void)r.summary("z", "mean", 1), invalid_argument);
}

/// Every byte of the summaries and status equal.
void expect_same_summaries(const SolveResult& a, const SolveResult& b) {
  ASSERT_EQ(a.summary_legend(), b.summary_legend());
  ASSERT_EQ(a.n_windows(), b.n_windows());
  ASSERT_EQ(a.n_runs(), b.n_runs());
  const std::size_t n = static_cast<std::size_t>(a.n_windows() * a.n_summaries() * a.n_runs());
  const void* da = a.outputs().find(output_id::summaries) ? a.array_data(output_id::summaries) : nullptr;
  const void* db = b.array_data(output_id::summaries);
  ASSERT_NE(da, nullptr);
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(0, std::memcmp(da, db, n * a.value_bytes())) << "summaries differ";
  EXPECT_EQ(0, std::memcmp(a.status().data(), b.status().data(), a.status().size_bytes()));
}

solve_spec bit_identity_spec() {
  solve_spec spec;
  spec.duration = 1.0;
  spec.summarise_every = 0.25;
  spec.sample_summaries_every = 0.005;
  spec.output_types = std::vector<std::string>{"max", "mean", "peaks[4]"};
  return spec;
}

TEST(SummaryMetrics, ChunkedTrajectoryAndFittedEntryChangeNoBit) {
  for (precision p : {precision::float32, precision::float64}) {
    for (const char* algorithm : {"dormand_prince_54", "classical_rk4"}) {
      SCOPED_TRACE(std::string(algorithm) + " " + precision_name(p));
      const solve_spec spec = bit_identity_spec();
      Solver solver(lorenz_summary_system(), lorenz_settings(p, algorithm));
      const SolveResult plain = solver.solve(lorenz_inits(), lorenz_params(), spec);

      // Chunks of 7 runs (ragged against the SIMD width).
      solver_settings chunked = lorenz_settings(p, algorithm);
      chunked.memory.max_chunk_runs = 7;
      const SolveResult in_chunks = Solver(lorenz_summary_system(), chunked).solve(lorenz_inits(), lorenz_params(), spec);
      EXPECT_GT(in_chunks.statistics().chunks, 1);
      expect_same_summaries(plain, in_chunks);

      // The trajectory saved as well (saves at 0.01 land on sample times too).
      solve_spec with_states = spec;
      with_states.output_types->push_back("state");
      with_states.save_every = 0.01;
      const SolveResult both = solver.solve(lorenz_inits(), lorenz_params(), with_states);
      EXPECT_TRUE(both.outputs().has(output_id::time_domain));
      if (std::string(algorithm) == "dormand_prince_54") expect_same_summaries(plain, both);

      // The entry carrying every group gives what the fitted one gives.
      auto all_only = std::make_shared<compiled_system>(*lorenz_summary_system());
      std::erase_if(all_only->cpu_summaries,
                    [](const auto& e) { return std::get<2>(e.first) != summary_group::all; });
      const SolveResult superset = Solver(all_only, lorenz_settings(p, algorithm)).solve(lorenz_inits(), lorenz_params(), spec);
      expect_same_summaries(plain, superset);
    }
  }
}

TEST(SummaryMetrics, Float32KeepsItsDigitsFarFromZero) {
  // y0' = sin t from 1000: y0 = 1001 - cos t, mean ~ 1001, std ~ 0.707: a plain sum of
  // squares in float32 would lose the variance to cancellation (eps * 1e6 ~ 0.06).
  solve_spec spec;
  spec.duration = 100.0;
  spec.sample_summaries_every = 0.01;  // 10,000 samples in one window
  spec.output_types = std::vector<std::string>{"mean", "std", "rms"};
  spec.summarise_variables = std::vector<std::string>{"y0"};
  const named_arrays inits = {{"y0", {1000.0}}, {"y1", {0.0}}};
  const named_arrays params = {{"a11", {0.0}}, {"a12", {0.0}}, {"a21", {0.0}}, {"a22", {0.0}}, {"forcing", {1.0}}};
  solver_settings s;
  s.algorithm = "classical_rk4";
  s.dt = 0.005;
  s.backend = "cpu";
  s.precision = precision::float32;
  // The trajectory at the sample times from the same solve: the reference sees the same states.
  solve_spec both = trajectory_of(spec, 0.01);
  both.output_types->insert(both.output_types->end(), {"mean", "std", "rms"});
  const SolveResult sum = Solver(linear_summary_system(), s).solve(inits, params, both);
  const std::vector<double> x = sum.series("y0", 0);
  const auto ref = reference_windows(x, sum.times(), 10000, 1, 0.01, 0, 0);
  EXPECT_NEAR(sum.summary("y0", "mean")[0], ref[0].mean, 1e-7 * 1001);
  EXPECT_NEAR(sum.summary("y0", "std")[0], ref[0].std, 2e-4 * ref[0].std);
  EXPECT_NEAR(sum.summary("y0", "rms")[0], ref[0].rms, 1e-7 * 1001);
  EXPECT_NEAR(ref[0].std, std::sqrt(0.5), 0.01);  // the signal is what it should be
}

TEST(SummaryMetrics, PeaksOfCosineAreAtItsMaxima) {
  // The oscillator from (1, 0): y0 = cos t, maxima at 2 pi k, minima at pi (2k + 1).
  solve_spec spec;
  spec.duration = 20.0;
  spec.sample_summaries_every = 0.001;
  spec.output_types = std::vector<std::string>{"peaks[4]", "negative_peaks[4]", "max", "min"};
  spec.summarise_variables = std::vector<std::string>{"y0"};
  const named_arrays inits = {{"y0", {1.0}}, {"y1", {0.0}}};
  const named_arrays params = {{"a11", {0.0}}, {"a12", {1.0}}, {"a21", {-1.0}}, {"a22", {0.0}}, {"forcing", {0.0}}};
  solver_settings s;
  s.algorithm = "dopri54";
  s.atol = {1e-10};
  s.rtol = {1e-10};
  s.backend = "cpu";
  const SolveResult r = Solver(linear_summary_system(), s).solve(inits, params, spec);
  const double pi = std::numbers::pi;
  // t = 0 is the history value, not a sample: the first maxima found are 2 pi, 4 pi, 6 pi.
  for (int k = 1; k <= 3; ++k) EXPECT_NEAR(r.summary("y0", "peaks_" + std::to_string(k))[0], 2 * pi * k, 0.001);
  EXPECT_TRUE(std::isnan(r.summary("y0", "peaks_4")[0]));
  for (int k = 1; k <= 3; ++k)
    EXPECT_NEAR(r.summary("y0", "negative_peaks_" + std::to_string(k))[0], pi * (2 * k - 1), 0.001);
  EXPECT_TRUE(std::isnan(r.summary("y0", "negative_peaks_4")[0]));  // 7 pi is past the span
  EXPECT_NEAR(r.summary("y0", "max")[0], 1.0, 1e-6);
  EXPECT_NEAR(r.summary("y0", "min")[0], -1.0, 1e-6);
}

TEST(SummaryMetrics, WindowsThatDoNotFillTheDuration) {
  // duration 1, windows of 0.3: three windows end at 0.3, 0.6, 0.9; the run goes on to 1.
  for (const char* algorithm : {"dormand_prince_54", "classical_rk4"}) {
    SCOPED_TRACE(algorithm);
    solve_spec spec;
    spec.duration = 1.0;
    spec.summarise_every = 0.3;
    spec.sample_summaries_every = 0.01;
    spec.output_types = std::vector<std::string>{"state", "mean", "d2xdt2_max"};
    Solver solver(lorenz_summary_system(), lorenz_settings(precision::float64, algorithm));
    const SolveResult r = solver.solve(lorenz_inits(), lorenz_params(), spec);
    ASSERT_EQ(r.n_windows(), 3);
    EXPECT_NEAR(r.window_times()[2], 0.9, 1e-15);
    EXPECT_EQ(r.times().back(), 1.0);
    for (double t : r.t_reached()) EXPECT_EQ(t, 1.0);
    const SolveResult traj = solver.solve(lorenz_inits(), lorenz_params(), trajectory_of(spec, 0.01));
    expect_matches_reference(r, traj, 0.01, 30, {1e-12, 1e-12, std::string(algorithm) != "classical_rk4"});
    // The final state equals the trajectory solve's (the tail after the last window).
    for (std::int64_t run = 0; run < n_runs; ++run)
      EXPECT_NEAR(r.final_values("x")[run], traj.final_values("x")[run], 1e-6 * (1 + std::fabs(traj.final_values("x")[run])));
  }
}

TEST(SummaryMetrics, ASingleSampleWindowHasNoFirstSecondDifference) {
  solve_spec spec;
  spec.duration = 0.05;
  spec.summarise_every = 0.01;
  spec.sample_summaries_every = 0.01;
  spec.output_types = std::vector<std::string>{"d2xdt2_max", "dxdt_max"};
  spec.summarise_variables = std::vector<std::string>{"x"};
  const SolveResult r = Solver(lorenz_summary_system(), lorenz_settings(precision::float64, "dopri54"))
                            .solve(lorenz_inits(), lorenz_params(), spec);
  ASSERT_EQ(r.n_windows(), 5);
  EXPECT_TRUE(std::isnan(r.summary("x", "d2xdt2_max", 0)[0]));
  EXPECT_FALSE(std::isnan(r.summary("x", "d2xdt2_max", 1)[0]));
  EXPECT_FALSE(std::isnan(r.summary("x", "dxdt_max", 0)[0]));
}

TEST(SummaryMetrics, SummariesAloneNeedFarFewerBytesPerRun) {
  solve_spec spec;
  spec.duration = 1.0;
  spec.save_every = 1.0 / 1024;
  spec.save_counters = false;
  spec.save_t_reached = false;
  const batch_grid grid = batch_grid::build(lorenz_summary_system()->info, lorenz_inits(), lorenz_params());
  Solver solver(lorenz_summary_system(), lorenz_settings(precision::float32, "classical_rk4"));
  const auto trajectories = solver.output_layout(grid, spec);
  // 1025 saves of x, y, z, r2 in float32, and the status word.
  EXPECT_EQ(trajectories.bytes_per_run(), 1025u * 4 * 4 + 4);
  spec.output_types = std::vector<std::string>{"max", "mean", "peaks[4]"};
  spec.summarise_variables = std::vector<std::string>{"x"};
  const auto summaries = solver.output_layout(grid, spec);
  EXPECT_FALSE(summaries.has(output_id::time_domain));
  EXPECT_EQ(summaries.bytes_per_run(), 6u * 4 + 4);
}

}  // namespace
