// Model files with drivers and events compiled at run time for the CPU: the bouncing ball
// example and a driven integrator give the same results (to a few ulp) as the same systems written in C++
// (tests/batch/signal_test_systems.hpp), and the integrate-and-fire example's spikes fall
// where the piecewise-constant stimulus puts them analytically.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cubie/batch/solver.hpp"
#include "cubie/models/model_compiler.hpp"
#include "integrate_and_fire_reference.hpp"
#include "signal_test_systems.hpp"

namespace {

using namespace cubie;

std::shared_ptr<const compiled_system> compile_cpu(const models::model_definition& m) {
  models::compile_options o;
  o.gpu = models::gpu_compile::off;
  o.methods = {"dormand_prince_54"};
  o.cache_dir = CUBIE_TEST_CACHE_DIR;
  return models::compile_model(m, o);
}

// The same run from the model file and from the C++ system: counts, status and event ids
// equal, values equal far below the solve's tolerance (1e-10). Not bit for bit: both are
// the same template under -ffp-contract=fast, and which products the compiler fuses into
// FMAs depends on its inlining in each translation unit (the run-time one holds one
// method, the test's several), so sums round differently (1-2 ulp at the first save of the
// bouncing ball, 2e-14 after its resets). dt_last is left out: it is the controller's
// proposal clamped to the next driver sample, and a time one ulp either side of a sample
// changes which clamp applies.
void expect_same_results(const SolveResult& a, const SolveResult& b) {
  ASSERT_EQ(a.outputs().arrays.size(), b.outputs().arrays.size());
  for (const output_array& arr : a.outputs().arrays) {
    const std::size_t n = static_cast<std::size_t>(arr.values_per_run() * a.n_runs());
    if (arr.id == output_id::dt_last) continue;
    if (arr.type == element_type::uint32) {
      EXPECT_EQ(std::memcmp(a.array_data(arr.id), b.array_data(arr.id), n * 4), 0) << arr.name;
      continue;
    }
    const bool f32 = arr.type == element_type::value && a.precision() == precision::float32;
    auto at = [&](const SolveResult& r, std::size_t i) {
      return f32 ? static_cast<double>(static_cast<const float*>(r.array_data(arr.id))[i])
                 : static_cast<const double*>(r.array_data(arr.id))[i];
    };
    const double bound = f32 ? 1e-5 : 1e-12;
    for (std::size_t i = 0; i < n; ++i) {
      const double x = at(a, i), y = at(b, i);
      if (std::isnan(x) || std::isnan(y)) {
        EXPECT_EQ(std::isnan(x), std::isnan(y)) << arr.name << " element " << i;
        continue;
      }
      ASSERT_LE(std::fabs(x - y), bound * std::max(1.0, std::fabs(x))) << arr.name << " element " << i;
    }
  }
}

solver_settings settings(double tol) {
  solver_settings s;
  s.algorithm = "dormand_prince_54";
  s.backend = "cpu";
  s.atol = {tol};
  s.rtol = {tol};
  return s;
}

TEST(CompiledSignals, BouncingBallExampleEqualsTheCxxSystem) {
  const models::model_definition m =
      models::load_model(std::filesystem::path(CUBIE_EXAMPLES_DIR) / "bouncing_ball.toml");
  solve_spec spec = m.spec;
  std::vector<double> h0;
  for (int r = 0; r < 19; ++r) h0.push_back(0.5 + 0.4 * r);
  const named_arrays init{{"h", h0}, {"v", {0.0}}}, params{{"e", {0.85}}};
  const SolveResult a = Solver(compile_cpu(m), settings(1e-10)).solve(init, params, spec);
  const SolveResult b = Solver(test::bouncing_ball_system(), settings(1e-10)).solve(init, params, spec);
  EXPECT_EQ(a.outputs().event_names, std::vector<std::string>{"floor"});
  EXPECT_GT(a.event_counts()[0], 5u);
  expect_same_results(a, b);
}

TEST(CompiledSignals, DrivenModelEqualsTheCxxSystem) {
  const models::model_definition m = models::parse_model(R"(
name = "integrated_driver"
observables = ["u_now"]
equations = """
u_now = u
dx = k * u
"""
[states]
x = 0.0
[parameters]
k = 1.0
[drivers]
dt = 0.25
wrap = false
boundary_condition = "natural"
u = [0.5, -0.2, 1.5, 1.0, 0.0, 0.25, 2.0, 1.0, 0.5]
[events.x_reaches_1]
condition = "x - 1"
direction = "up"
[solver]
duration = 2.5
save_every = 0.1
land_on_samples = true
)",
                                                         "driven.toml");
  const named_arrays init{{"x", {0.0}}}, params{{"k", {0.5, 1.0, 2.0, 3.0, 4.0, -1.0, 1.5}}};
  const SolveResult a = Solver(compile_cpu(m), settings(1e-9)).solve(init, params, m.spec);
  const SolveResult b = Solver(test::integrated_driver_system(), settings(1e-9)).solve(init, params, m.spec);
  EXPECT_GT(a.event_counts()[3], 0u);
  expect_same_results(a, b);
}

TEST(CompiledSignals, IntegrateAndFireSpikesWhereTheStimulusPutsThem) {
  const std::filesystem::path dir(CUBIE_EXAMPLES_DIR);
  const models::model_definition m = models::load_model(dir / "integrate_and_fire.toml");
  std::vector<std::pair<double, double>> steps = test::stimulus_steps(dir);
  ASSERT_EQ(steps.size(), 11u);
  steps.pop_back();  // the last sample only ends the protocol
  const std::vector<double> gains = {0.8, 1.0, 1.4, 2.0};
  solver_settings s = m.settings;
  s.backend = "cpu";
  Solver solver(compile_cpu(m), s);
  const SolveResult res = solver.solve({{"V", {0.0}}}, {{"gain", gains}}, m.spec);
  solve_spec free = m.spec;
  free.land_on_samples = false;
  const SolveResult unlanded = solver.solve({{"V", {0.0}}}, {{"gain", gains}}, free);
  for (std::size_t r = 0; r < gains.size(); ++r) {
    const std::vector<double> expected = test::analytic_spikes(gains[r], steps, 0.02, 1.0);
    const std::vector<event_occurrence> ev = res.events(static_cast<std::int64_t>(r));
    ASSERT_EQ(res.event_counts()[r], expected.size()) << "gain " << gains[r];
    ASSERT_EQ(ev.size(), std::min<std::size_t>(expected.size(), 64));  // max_events = 64 in the example
    for (std::size_t k = 0; k < ev.size(); ++k) EXPECT_NEAR(ev[k].time, expected[k], 1e-7) << gains[r] << " " << k;
    // Landing on the protocol's switching times spares the steps a jump would reject.
    EXPECT_LT(res.steps_rejected()[r], unlanded.steps_rejected()[r]) << "gain " << gains[r];
  }
}

}  // namespace
