// tests/batch/auto_switch_gpu_test.cpp
// algorithm = "auto" and iteration_counters on the GPU (one run per thread; warps whose
// threads are in both modes run both branches): the Van der Pol sweep mu = logspace(-1, 3)
// switches the same runs as on the CPU (SIMD packs), ends at the same states within the
// tolerance, and its counters add up to its step totals, with 8 solves per stiff trial.
// Label gpu; skipped without a GPU.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "counter_test_systems.hpp"
#include "cubie/backends/backend_registry.hpp"
#include "cubie/batch/solver.hpp"

namespace cubie::test {
std::shared_ptr<const compiled_system> auto_vdp_gpu_system();
}

namespace {

using namespace cubie;
using namespace cubie::test;

constexpr std::size_t n = 200;  // not a multiple of a warp

SolveResult sweep(const std::shared_ptr<const compiled_system>& sys, const char* backend, precision p) {
  solver_settings s;
  s.algorithm = "auto";
  s.backend = backend;
  s.precision = p;
  s.rtol = s.atol = {p == precision::float64 ? 1e-6 : 1e-4};
  s.max_steps = 1'000'000;
  Solver solver(sys, s);
  std::vector<double> mu(n);
  for (std::size_t i = 0; i < n; ++i) mu[i] = std::pow(10.0, -1.0 + 4.0 * double(i) / double(n - 1));
  solve_spec spec;
  spec.duration = 20.0;
  spec.save_every = 5.0;
  spec.output_types = std::vector<std::string>{"state", "iteration_counters"};
  return solver.solve({{"x", std::vector<double>(n, 2.0)}, {"y", {0.0}}}, {{"mu", mu}}, spec);
}

TEST(AutoSwitchGpu, SweepMatchesTheCpu) {
  if (!cuda_device_available()) GTEST_SKIP() << "no usable CUDA device: " << cuda_unavailable_reason();
  for (precision p : {precision::float64, precision::float32}) {
    const SolveResult gpu = sweep(auto_vdp_gpu_system(), "cuda", p);
    const SolveResult cpu = sweep(auto_vdp_system(), "cpu", p);
    const auto* gs = static_cast<const u32*>(gpu.array_data(output_id::stiff_switches));
    const auto* cs = static_cast<const u32*>(cpu.array_data(output_id::stiff_switches));
    const double tol = p == precision::float64 ? 1e-6 : 1e-4;
    std::size_t switched = 0;
    double worst = 0;
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_EQ(gpu.status()[i], 0u) << "run " << i;
      // Rounding differs (FMA contraction), so a borderline run may switch a step earlier or
      // later; whether it switched at all does not differ.
      EXPECT_EQ(gs[i] > 0, cs[i] > 0) << "run " << i;
      switched += gs[i] > 0;
      for (int v = 0; v < 2; ++v) {
        const double a = gpu.at(gpu.n_saves() - 1, v, static_cast<std::int64_t>(i));
        const double b = cpu.at(cpu.n_saves() - 1, v, static_cast<std::int64_t>(i));
        worst = std::max(worst, std::fabs(a - b) / (tol + tol * std::fabs(b)));
      }
      std::uint64_t acc = 0, linear = 0;
      for (std::int64_t j = 0; j < gpu.n_counter_saves(); ++j) {
        acc += gpu.iteration_counter("steps_accepted", j)[i];
        linear += gpu.iteration_counter("linear_iterations", j)[i];
      }
      EXPECT_EQ(acc, gpu.steps_accepted()[i]) << "run " << i;
      EXPECT_EQ(linear % 8, 0u) << "run " << i;
    }
    std::printf("%s: %zu of %zu runs switched; GPU vs CPU final states within %.3g tolerance scales\n",
                precision_name(p), switched, n, worst);
    EXPECT_GT(switched, n / 3);
    EXPECT_LE(worst, 100.0);
  }
}

}  // namespace
