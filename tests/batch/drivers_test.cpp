// Driver signals through the Solver on the CPU backend (SIMD packs): x' = k u(t) integrates
// the driver, so x is checked against the exact integral of the interpolant; one signal per
// run; landing on samples; an event on a driven state; chunking; bad input.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "cubie/batch/solver.hpp"
#include "cubie/core/error.hpp"
#include "signal_test_systems.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;

// A cubic the not-a-knot spline reproduces exactly, and its integral from 0.
double cubic(double t) { return 0.5 - 1.25 * t + 0.75 * t * t - 0.125 * t * t * t; }
double cubic_integral(double t) { return 0.5 * t - 0.625 * t * t + 0.25 * t * t * t - 0.03125 * t * t * t * t; }

driver_signal cubic_signal() {
  driver_signal s{.name = "u", .dt = 0.25, .wrap = false, .boundary = spline_boundary::not_a_knot};
  for (int k = 0; k <= 16; ++k) s.samples.push_back(cubic(0.25 * k));
  return s;
}

solver_settings tight(precision p, double tol = 1e-12) {
  solver_settings s;
  s.algorithm = "dormand_prince_54";
  s.precision = p;
  s.backend = "cpu";
  s.atol = {tol};
  s.rtol = {tol};
  return s;
}

template <class V>
class Drivers : public ::testing::Test {};
using precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(Drivers, precisions);

TYPED_TEST(Drivers, CubicDriverIsIntegratedExactly) {
  constexpr bool is_float = sizeof(TypeParam) == 4;
  Solver solver(integrated_driver_system(), tight(is_float ? precision::float32 : precision::float64,
                                                  is_float ? 1e-6 : 1e-12));
  solve_spec spec{.duration = 3.5, .save_every = 0.5};
  spec.drivers = {cubic_signal()};
  const std::vector<double> k = {1.0, 2.0, -0.5, 0.25, 3.0};
  const SolveResult res = solver.solve({{"x", {0.0}}}, {{"k", k}}, spec);
  const double tol_x = is_float ? 2e-5 : 1e-11, tol_u = is_float ? 1e-6 : 1e-13;
  for (std::size_t r = 0; r < k.size(); ++r) {
    EXPECT_EQ(res.status()[r], 0u);
    const std::vector<double> x = res.series("x", static_cast<std::int64_t>(r));
    const std::vector<double> u = res.series("u_now", static_cast<std::int64_t>(r));
    for (std::int64_t j = 0; j < res.n_saves(); ++j) {
      const double t = res.times()[static_cast<std::size_t>(j)];
      EXPECT_NEAR(x[j], k[r] * cubic_integral(t), tol_x * (1 + std::fabs(k[r]))) << "run " << r << " t " << t;
      EXPECT_NEAR(u[j], cubic(t), tol_u) << "t " << t;
    }
  }
}

TYPED_TEST(Drivers, OneSignalPerRun) {
  constexpr bool is_float = sizeof(TypeParam) == 4;
  Solver solver(integrated_driver_system(), tight(is_float ? precision::float32 : precision::float64,
                                                  is_float ? 1e-6 : 1e-12));
  constexpr int runs = 11;  // not a multiple of any SIMD width: the last pack is partial
  driver_signal s = cubic_signal();
  const std::vector<double> one = s.samples;
  s.runs = runs;
  s.samples.clear();
  for (double v : one)
    for (int r = 0; r < runs; ++r) s.samples.push_back((r + 1) * v);
  solve_spec spec{.duration = 3.0};
  spec.drivers = {s};
  const SolveResult res = solver.solve({{"x", {0.0}}}, {{"k", std::vector<double>(runs, 1.0)}}, spec);
  const std::vector<double> x = res.final_values("x");
  for (int r = 0; r < runs; ++r) {
    EXPECT_NEAR(x[r], (r + 1) * cubic_integral(3.0), (is_float ? 2e-5 : 1e-11) * (r + 1)) << "run " << r;
  }
}

// A triangle wave (linear, period 1): its integral is piecewise quadratic, and DOPRI5
// integrates it exactly when steps end on the kinks.
driver_signal triangle() {
  return driver_signal{.name = "u", .samples = {0.0, 1.0, 0.0, -1.0, 0.0}, .dt = 0.25, .order = 1};
}
double triangle_integral(double t) {
  const double x = t - std::floor(t);  // each period integrates to 0
  if (x <= 0.25) return 2.0 * x * x;                                       // u = 4x
  if (x <= 0.75) return 0.125 + 2.0 * (x - 0.25) - 2.0 * (x * x - 0.0625);  // u = 2 - 4x
  return 0.125 + 2.0 * (x * x - 0.5625) - 4.0 * (x - 0.75);                 // u = 4x - 4
}

TEST(DriversLanding, StepsOnSamplesRemoveTheKinksRejections) {
  // Exact integral of the triangle wave, checked independently at quarter periods.
  EXPECT_NEAR(triangle_integral(0.25), 0.125, 1e-15);
  EXPECT_NEAR(triangle_integral(0.5), 0.25, 1e-15);
  EXPECT_NEAR(triangle_integral(0.75), 0.125, 1e-15);
  EXPECT_NEAR(triangle_integral(1.0), 0.0, 1e-15);

  auto run = [&](bool land, double& error, std::uint32_t& rejected) {
    Solver solver(integrated_driver_system(), tight(precision::float64, 1e-9));
    solve_spec spec{.duration = 4.6, .save_every = 0.1};
    spec.drivers = {triangle()};
    spec.land_on_samples = land;
    const SolveResult res = solver.solve({{"x", {0.0}}}, {{"k", {1.0}}}, spec);
    ASSERT_EQ(res.status()[0], 0u);
    error = 0;
    const std::vector<double> x = res.series("x", 0);
    for (std::int64_t j = 0; j < res.n_saves(); ++j)
      error = std::max(error, std::fabs(x[j] - triangle_integral(res.times()[static_cast<std::size_t>(j)])));
    rejected = res.steps_rejected()[0];
  };
  double err_free = 0, err_landed = 0;
  std::uint32_t rej_free = 0, rej_landed = 0;
  run(false, err_free, rej_free);
  run(true, err_landed, rej_landed);
  EXPECT_LT(err_landed, 1e-13);  // exact up to rounding: every step is one quadratic piece
  EXPECT_EQ(rej_landed, 0u);
  EXPECT_GT(rej_free, rej_landed);  // without landing, steps across a kink are rejected
  // Steps across a kink are accepted on an error estimate that the kink spoils, so the
  // free run is only as good as a few hundred times the tolerance (3.3e-7 measured with
  // the span-relative dt_max); it must still be a usable answer.
  EXPECT_LT(err_free, 1e-6);
  EXPECT_GT(err_free, 100 * err_landed);
}

TEST(DriversEvents, EventOnADrivenState) {
  // u = 2 throughout: x = 2 k t reaches 1 at t = 1 / (2 k).
  Solver solver(integrated_driver_system(), tight(precision::float64, 1e-10));
  solve_spec spec{.duration = 2.0};
  spec.drivers = {driver_signal{.name = "u", .samples = {2.0, 2.0}, .dt = 1.0}};
  const std::vector<double> k = {1.0, 0.5, 0.75, 4.0, 0.2};
  const SolveResult res = solver.solve({{"x", {0.0}}}, {{"k", k}}, spec);
  for (std::size_t r = 0; r < k.size(); ++r) {
    const std::vector<event_occurrence> ev = res.events(static_cast<std::int64_t>(r));
    const bool expected = 1.0 / (2.0 * k[r]) <= 2.0;
    ASSERT_EQ(ev.size(), expected ? 1u : 0u) << "run " << r;
    if (expected) {
      EXPECT_NEAR(ev[0].time, 1.0 / (2.0 * k[r]), 1e-13);
      EXPECT_NEAR(ev[0].state[0], 1.0, 1e-13);
    }
  }
}

TEST(DriversChunking, ChunkedEqualsUnchunked) {
  driver_signal s = cubic_signal();
  const std::vector<double> one = s.samples;
  constexpr int runs = 37;
  s.runs = runs;
  s.samples.clear();
  for (double v : one)
    for (int r = 0; r < runs; ++r) s.samples.push_back(v * (1.0 + 0.1 * r));
  solve_spec spec{.duration = 3.0, .save_every = 0.25};
  spec.drivers = {s};
  std::vector<double> k(runs);
  for (int r = 0; r < runs; ++r) k[r] = 0.5 + 0.05 * r;
  solver_settings whole = tight(precision::float64, 1e-9), chunked = whole;
  chunked.memory.max_chunk_runs = 6;
  const SolveResult a = Solver(integrated_driver_system(), whole).solve({{"x", {0.1}}}, {{"k", k}}, spec);
  const SolveResult b = Solver(integrated_driver_system(), chunked).solve({{"x", {0.1}}}, {{"k", k}}, spec);
  ASSERT_GT(b.statistics().chunks, 1);
  for (const output_array& arr : a.outputs().arrays) {
    const std::size_t bytes = static_cast<std::size_t>(arr.values_per_run() * runs) * arr.element_bytes(a.precision());
    EXPECT_EQ(std::memcmp(a.array_data(arr.id), b.array_data(arr.id), bytes), 0) << arr.name;
  }
}

void expect_invalid(const solve_spec& spec, const std::string& fragment, const named_arrays& params = {{"k", {1.0}}}) {
  Solver solver(integrated_driver_system(), tight(precision::float64));
  try {
    (void)solver.solve({{"x", {0.0}}}, params, spec);
    ADD_FAILURE() << "solved; expected an error containing '" << fragment << "'";
  } catch (const invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(DriversBadInput, NamedInTheMessage) {
  solve_spec spec;
  expect_invalid(spec, "reads the driver 'u'; give its samples");
  spec.drivers = {cubic_signal(), cubic_signal()};
  spec.drivers[1].name = "w";
  expect_invalid(spec, "has no driver 'w'; its drivers are u");
  spec.drivers = {cubic_signal(), cubic_signal()};
  expect_invalid(spec, "'u' is given twice");
  spec.drivers = {cubic_signal()};
  spec.drivers[0].runs = 2;
  spec.drivers[0].samples.resize(34, 0.0);
  expect_invalid(spec, "one signal per run for 2 runs, but the solve has 3 runs", {{"k", {1.0, 2.0, 3.0}}});
  spec.drivers = {cubic_signal()};
  spec.max_events = -1;
  expect_invalid(spec, "max_events = -1");
}

TEST(DriversBadInput, LandingNeedsDrivers) {
  Solver solver(bouncing_ball_system(), tight(precision::float64));
  solve_spec spec;
  spec.land_on_samples = true;
  try {
    (void)solver.solve({{"h", {1.0}}, {"v", {0.0}}}, {{"e", {0.9}}}, spec);
    ADD_FAILURE() << "solved";
  } catch (const invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("land_on_samples"), std::string::npos) << e.what();
  }
}

}  // namespace
