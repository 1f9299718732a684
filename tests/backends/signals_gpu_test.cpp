// Drivers and events on the GPU (ctest label gpu): one thread per run with its own events
// and driver lookups, against the CPU backend and the analytic event times; shared and
// per-run drivers; chunked = unchunked. Each test skips, with the reason, where no GPU is usable.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "cubie/backends/backend_registry.hpp"
#include "cubie/batch/solver.hpp"
#include "signal_gpu_systems.hpp"

using namespace cubie;

namespace {

#define SKIP_WITHOUT_GPU()                                                          \
  do {                                                                              \
    if (!cuda_device_available()) GTEST_SKIP() << cuda_unavailable_reason();        \
  } while (0)

solver_settings gpu(precision p, double tol) {
  solver_settings s;
  s.algorithm = "dormand_prince_54";
  s.precision = p;
  s.backend = "cuda";
  s.atol = {tol};
  s.rtol = {tol};
  return s;
}

TEST(SignalsGpu, BouncingBallMatchesTheAnalyticTimesAndTheCpu) {
  SKIP_WITHOUT_GPU();
  const std::int64_t n = 3000;
  std::vector<double> h0(static_cast<std::size_t>(n));
  for (std::int64_t r = 0; r < n; ++r) h0[static_cast<std::size_t>(r)] = 1.0 + std::fmod(0.618 * r, 1.0) * 9.0;
  solve_spec spec{.duration = 8.0, .save_every = 0.5};
  spec.max_events = 30;
  const named_arrays init{{"h", h0}, {"v", {0.0}}}, params{{"e", {0.9}}};
  const SolveResult g = Solver(test::bouncing_ball_gpu_system(), gpu(precision::float64, 1e-10)).solve(init, params, spec);
  solver_settings cpu = gpu(precision::float64, 1e-10);
  cpu.backend = "cpu";
  const SolveResult c = Solver(test::bouncing_ball_gpu_system(), cpu).solve(init, params, spec);
  for (std::int64_t r = 0; r < n; r += 7) {
    const double t1 = std::sqrt(2.0 * h0[static_cast<std::size_t>(r)] / 9.81);
    double at = t1, speed = 9.81 * t1;
    const std::vector<event_occurrence> eg = g.events(r), ec = c.events(r);
    ASSERT_EQ(eg.size(), ec.size()) << "run " << r;
    for (std::size_t k = 0; k < eg.size(); ++k) {
      EXPECT_NEAR(eg[k].time, at, 1e-11 * at) << "run " << r << " bounce " << k;
      EXPECT_NEAR(eg[k].time, ec[k].time, 1e-12 * at);
      speed *= 0.9;
      at += 2.0 * speed / 9.81;
    }
  }
}

TEST(SignalsGpu, DriversSharedAndPerRunMatchTheCpu) {
  SKIP_WITHOUT_GPU();
  const std::int64_t n = 2000;
  driver_signal shared{.name = "u", .dt = 0.05, .wrap = false, .boundary = spline_boundary::natural};
  for (int k = 0; k <= 80; ++k) shared.samples.push_back(std::sin(0.3 * k) + 0.1 * k);
  driver_signal per_run = shared;
  per_run.runs = n;
  per_run.samples.clear();
  for (double v : shared.samples)
    for (std::int64_t r = 0; r < n; ++r) per_run.samples.push_back(v * (1.0 + 1e-3 * r));
  std::vector<double> k(static_cast<std::size_t>(n));
  for (std::int64_t r = 0; r < n; ++r) k[static_cast<std::size_t>(r)] = 0.2 + 1e-3 * r;
  for (const driver_signal& s : {shared, per_run}) {
    for (precision p : {precision::float32, precision::float64}) {
      const double tol = p == precision::float32 ? 1e-6 : 1e-11;
      solve_spec spec{.duration = 3.9, .save_every = 0.1};
      spec.drivers = {s};
      spec.land_on_samples = true;
      solver_settings cpu = gpu(p, tol);
      cpu.backend = "cpu";
      const SolveResult a = Solver(test::integrated_driver_gpu_system(), gpu(p, tol)).solve({{"x", {0.0}}}, {{"k", k}}, spec);
      const SolveResult b = Solver(test::integrated_driver_gpu_system(), cpu).solve({{"x", {0.0}}}, {{"k", k}}, spec);
      solver_settings chunked = gpu(p, tol);
      chunked.memory.max_chunk_runs = 256;
      const SolveResult d = Solver(test::integrated_driver_gpu_system(), chunked).solve({{"x", {0.0}}}, {{"k", k}}, spec);
      for (std::int64_t r = 0; r < n; r += 13) {
        const std::vector<double> xa = a.series("x", r), xb = b.series("x", r), xd = d.series("x", r);
        for (std::size_t j = 0; j < xa.size(); ++j) {
          EXPECT_NEAR(xa[j], xb[j], (p == precision::float32 ? 1e-4 : 1e-10) * (1 + std::fabs(xb[j])));
          EXPECT_EQ(xa[j], xd[j]) << "chunked differs at run " << r;
        }
        EXPECT_EQ(a.events(r).size(), b.events(r).size());
      }
    }
  }
}

TEST(SignalsGpu, TerminatedRunsEndWhereTheyHitTheGround) {
  SKIP_WITHOUT_GPU();
  std::vector<double> h0;
  for (int r = 0; r < 500; ++r) h0.push_back(0.5 + 0.25 * r);
  solve_spec spec{.duration = 6.0, .save_every = 0.5};
  const SolveResult res =
      Solver(test::falling_body_gpu_system(), gpu(precision::float64, 1e-10)).solve({{"h", h0}, {"v", {0.0}}},
                                                                                   {{"g", {9.81}}, {"T", {100.0}}}, spec);
  for (std::size_t r = 0; r < h0.size(); ++r) {
    const double t_hit = std::sqrt(2.0 * h0[r] / 9.81);
    EXPECT_EQ(res.status()[r], 0u);
    if (t_hit <= 6.0) EXPECT_NEAR(res.event_terminated()[r], t_hit, 1e-12 * t_hit);
    else EXPECT_TRUE(std::isnan(res.event_terminated()[r]));
  }
}

}  // namespace
