// tests/batch/auto_switch_gpu_test.cpp
// algorithm = "auto" and iteration_counters on the GPU (one run per thread; warps whose
// threads are in both modes run both branches): the Van der Pol sweep mu = logspace(-1, 3)
// switches the same runs as on the CPU (SIMD packs), ends at the same states within the
// tolerance, and its counters add up to its step totals, with 8 solves per stiff trial.
// On the GPU auto runs in two passes by default (integrate/continuation.hpp): the same runs
// switch as in one kernel (CUBIE_AUTO_PASSES=1), the second pass takes the runs that turned
// stiff, and chunks change no bit. Without a GPU: the same kernel code run on the CPU one run
// at a time, two passes against one kernel (OneRunAtATimeTwoPassesEqualOneKernel).
// Label gpu; the GPU tests skip without a GPU.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
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

// passes: 0 the backend's default for auto, 1 one kernel, 2 two passes.
SolveResult sweep(const std::shared_ptr<const compiled_system>& sys, const char* backend, precision p, int passes = 0,
                  std::int64_t max_chunk_runs = 0) {
  if (passes != 0) ::setenv("CUBIE_AUTO_PASSES", passes == 2 ? "2" : "1", 1);
  solver_settings s;
  s.memory.max_chunk_runs = max_chunk_runs;
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
  SolveResult r = solver.solve({{"x", std::vector<double>(n, 2.0)}, {"y", {0.0}}}, {{"mu", mu}}, spec);
  ::unsetenv("CUBIE_AUTO_PASSES");
  return r;
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

TEST(AutoSwitchGpu, TwoPassesMatchOneKernelAndTheCpu) {
  if (!cuda_device_available()) GTEST_SKIP() << "no usable CUDA device: " << cuda_unavailable_reason();
  for (precision p : {precision::float64, precision::float32}) {
    const SolveResult two = sweep(auto_vdp_gpu_system(), "cuda", p);  // the default on the GPU
    const SolveResult one = sweep(auto_vdp_gpu_system(), "cuda", p, 1);
    const SolveResult cpu = sweep(auto_vdp_system(), "cpu", p, 1);
    ASSERT_EQ(two.statistics().auto_passes, 2);
    ASSERT_EQ(one.statistics().auto_passes, 1);
    // The two kernels' resources are reported apart: the first pass (explicit method and
    // entry test) carries no Rosenbrock state, so it needs fewer registers than the second
    // (the auto_switch stepper); one kernel reports no first pass.
    EXPECT_GT(two.statistics().first_pass_registers, 0);
    EXPECT_LT(two.statistics().first_pass_registers, two.statistics().kernel_registers);
    EXPECT_GE(two.statistics().first_pass_blocks_per_sm, two.statistics().kernel_blocks_per_sm);
    EXPECT_EQ(one.statistics().first_pass_registers, 0);
    const auto* ts = static_cast<const u32*>(two.array_data(output_id::stiff_switches));
    const auto* os = static_cast<const u32*>(one.array_data(output_id::stiff_switches));
    const auto* tsteps = static_cast<const u32*>(two.array_data(output_id::stiff_steps));
    const double tol = p == precision::float64 ? 1e-6 : 1e-4;
    std::size_t stiff = 0;
    double worst = 0;
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_EQ(two.status()[i], 0u) << "run " << i;
      EXPECT_EQ(ts[i] > 0, os[i] > 0) << "run " << i;
      stiff += tsteps[i] > 0;
      for (int v = 0; v < 2; ++v) {
        const double a = two.at(two.n_saves() - 1, v, static_cast<std::int64_t>(i));
        const double b = cpu.at(cpu.n_saves() - 1, v, static_cast<std::int64_t>(i));
        worst = std::max(worst, std::fabs(a - b) / (tol + tol * std::fabs(b)));
      }
      // Counters continue across the passes: they add up to the run's totals.
      std::uint64_t acc = 0, rej = 0;
      for (std::int64_t j = 0; j < two.n_counter_saves(); ++j) {
        acc += two.iteration_counter("steps_accepted", j)[i];
        rej += two.iteration_counter("steps_rejected", j)[i];
      }
      EXPECT_EQ(acc, two.steps_accepted()[i]) << "run " << i;
      EXPECT_EQ(rej, two.steps_rejected()[i]) << "run " << i;
    }
    std::printf("%s: two passes handed %lld runs on (%zu took stiff steps); two passes vs CPU final states within %.3g "
                "tolerance scales\n",
                precision_name(p), static_cast<long long>(two.statistics().second_pass_runs), stiff, worst);
    EXPECT_GE(two.statistics().second_pass_runs, static_cast<std::int64_t>(stiff));
    EXPECT_GT(stiff, n / 3);
    EXPECT_LE(worst, 100.0);

    // Chunks of 64 runs (each its own two passes) change no bit.
    const SolveResult chunked = sweep(auto_vdp_gpu_system(), "cuda", p, 2, 64);
    ASSERT_GT(chunked.statistics().chunks, 1);
    EXPECT_EQ(chunked.statistics().second_pass_runs, two.statistics().second_pass_runs);
    for (const output_array& arr : two.outputs().arrays) {
      const std::size_t bytes =
          static_cast<std::size_t>(arr.values_per_run() * two.n_runs()) * arr.element_bytes(two.precision());
      EXPECT_EQ(std::memcmp(two.array_data(arr.id), chunked.array_data(arr.id), bytes), 0) << arr.name;
    }
  }
}

// The second pass launched once each chunk's count of handed-on runs is on the host, over those
// runs alone and not at all for a chunk that handed none on (CUBIE_AUTO_SECOND_LAUNCH=counted,
// cuda_executor.cpp): every output byte as the default launch's, whole and in chunks of 32 (the
// sweep's first chunks, mu < 0.5, hand nothing on: no launch); an unknown value is refused.
TEST(AutoSwitchGpu, SecondPassLaunchedOnItsCountChangesNoBit) {
  if (!cuda_device_available()) GTEST_SKIP() << "no usable CUDA device: " << cuda_unavailable_reason();
  for (precision p : {precision::float64, precision::float32}) {
    const SolveResult always = sweep(auto_vdp_gpu_system(), "cuda", p, 2);
    ::setenv("CUBIE_AUTO_SECOND_LAUNCH", "counted", 1);
    const SolveResult counted = sweep(auto_vdp_gpu_system(), "cuda", p, 2);
    const SolveResult chunked = sweep(auto_vdp_gpu_system(), "cuda", p, 2, 32);
    ::unsetenv("CUBIE_AUTO_SECOND_LAUNCH");
    ASSERT_EQ(counted.statistics().auto_passes, 2);
    ASSERT_GT(chunked.statistics().chunks, 4);
    EXPECT_GT(always.statistics().second_pass_runs, static_cast<std::int64_t>(n / 3));
    for (const SolveResult* r : {&counted, &chunked}) {
      EXPECT_EQ(r->statistics().second_pass_runs, always.statistics().second_pass_runs);
      for (const output_array& arr : always.outputs().arrays) {
        const std::size_t bytes =
            static_cast<std::size_t>(arr.values_per_run() * always.n_runs()) * arr.element_bytes(always.precision());
        EXPECT_EQ(std::memcmp(always.array_data(arr.id), r->array_data(arr.id), bytes), 0)
            << precision_name(p) << " " << arr.name << (r == &chunked ? " (chunks of 32)" : "");
      }
    }
  }
  ::setenv("CUBIE_AUTO_SECOND_LAUNCH", "sometimes", 1);
  try {
    (void)sweep(auto_vdp_gpu_system(), "cuda", precision::float64, 2);
    ADD_FAILURE() << "CUBIE_AUTO_SECOND_LAUNCH = sometimes was accepted";
  } catch (const invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("CUBIE_AUTO_SECOND_LAUNCH = 'sometimes'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("counted"), std::string::npos) << e.what();
  }
  ::unsetenv("CUBIE_AUTO_SECOND_LAUNCH");
  ::unsetenv("CUBIE_AUTO_PASSES");  // sweep() threw before it could
}

// The GPU's code path on the CPU, no GPU needed: this system's CPU entries are compiled by
// nvcc, one run at a time (a GPU thread's lanes: no SIMD packs), so two passes take the
// paths only a GPU thread takes (its run leaves the step loop when handed on and writes its
// record after it; auto's slope and proposal are values) and must end exactly as one kernel.
TEST(AutoSwitchGpu, OneRunAtATimeTwoPassesEqualOneKernel) {
  for (precision p : {precision::float64, precision::float32}) {
    const SolveResult two = sweep(auto_vdp_gpu_system(), "cpu", p, 2);
    const SolveResult one = sweep(auto_vdp_gpu_system(), "cpu", p, 1);
    ASSERT_EQ(two.statistics().auto_passes, 2);
    ASSERT_EQ(one.statistics().auto_passes, 1);
    ASSERT_GT(two.statistics().second_pass_runs, static_cast<std::int64_t>(n / 3)) << precision_name(p);
    for (const output_array& arr : one.outputs().arrays) {
      const std::size_t bytes =
          static_cast<std::size_t>(arr.values_per_run() * one.n_runs()) * arr.element_bytes(one.precision());
      EXPECT_EQ(std::memcmp(one.array_data(arr.id), two.array_data(arr.id), bytes), 0)
          << precision_name(p) << " " << arr.name;
    }
    // And the runs that switched are the ones the SIMD packs switch (tests/batch/auto_switch_test.cpp).
    const SolveResult packs = sweep(auto_vdp_system(), "cpu", p, 1);
    const auto* os = static_cast<const u32*>(one.array_data(output_id::stiff_switches));
    const auto* ps = static_cast<const u32*>(packs.array_data(output_id::stiff_switches));
    for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(os[i] > 0, ps[i] > 0) << precision_name(p) << " run " << i;
    std::printf("%s, one run at a time on the CPU: two passes handed %lld runs on, every output equal to one kernel's\n",
                precision_name(p), static_cast<long long>(two.statistics().second_pass_runs));
  }
}

}  // namespace
