// tests/integrate/dirk_gpu_test.cpp
// DIRK methods and Radau IIA 5 on the GPU (one run per thread, dual-number Jacobians, the
// pivoting real and complex LUs and the Newton iterations in each thread, J and the factors
// kept across steps in the thread by radau and the DIRKs, which the CPU's SIMD packs of the
// DIRKs take at every step): a Robertson sweep is as accurate as the CPU backend (SIMD
// packs) against a tight reference, with every run status 0, and runs whose Newton iteration
// diverges end with status 256 while their neighbours match a solve without them. Skips
// where no GPU is present.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "cubie/backends/backend_registry.hpp"
#include "cubie/batch/make_system.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/status.hpp"
#include "cubie/integrate/methods/newton_methods.hpp"
#include "stiff_systems.hpp"

namespace cubie::test {
std::shared_ptr<const compiled_system> robertson_dirk_gpu_system();
std::shared_ptr<const compiled_system> sqrt_decay_dirk_gpu_system();
}  // namespace cubie::test

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

const std::shared_ptr<const compiled_system>& robertson_cpu_system() {
  static const auto sys =
      make_system<robertson, m::method_list<m::kvaerno5, m::l_stable_sdirk_4, m::radau_iia_5>, double>();
  return sys;
}

solver_settings robertson_settings(const char* method, const char* backend, double rtol) {
  solver_settings s;
  s.algorithm = method;
  s.backend = backend;
  s.rtol = {rtol};
  s.atol = {rtol * 1e-2, rtol * 1e-6, rtol * 1e-2};
  return s;
}

SolveResult robertson_sweep(const std::shared_ptr<const compiled_system>& sys, const solver_settings& s) {
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = 4e4;
  spec.save_every = 4e3;
  std::vector<double> k1(1000);
  for (std::size_t i = 0; i < k1.size(); ++i) k1[i] = 0.04 * std::pow(10.0, -1.0 + 2.0 * double(i) / (k1.size() - 1));
  return solver.solve({{"y1", {1.0}}, {"y2", {0.0}}, {"y3", {0.0}}}, {{"k1", k1}, {"k2", {3e7}}, {"k3", {1e4}}}, spec);
}

SolveResult robertson_sweep(const std::shared_ptr<const compiled_system>& sys, const char* method, const char* backend,
                            double rtol) {
  return robertson_sweep(sys, robertson_settings(method, backend, rtol));
}

// The runs' final states equal, bit for bit.
bool same_final_states(const SolveResult& a, const SolveResult& b) {
  for (const char* y : {"y1", "y2", "y3"})
    if (a.final_values(y) != b.final_values(y)) return false;
  return std::ranges::equal(a.status(), b.status());
}

// The DIRKs' default controller follows how the backend's steppers hold runs (step_control.cpp):
// CPU SIMD packs take J and factorise at every step, so they step without RADAU5's deadband
// (it only added steps there); a GPU thread keeps J and the factors, and keeps h for gains
// within [1, 1.2] so that the next step reuses them. The solves show it: a default CPU solve
// equals one with deadband_max = 1 and differs from one with 1.2; a GPU one the other way round.
// The CPU half runs without a GPU.
TEST(DirkControllerDefaults, CpuPacksStepWithoutTheDeadband) {
  solver_settings s = robertson_settings("kvaerno5", "cpu", 1e-6);
  EXPECT_EQ(Solver(robertson_cpu_system(), s).controller().deadband_max, 1.0);
  const SolveResult by_default = robertson_sweep(robertson_cpu_system(), s);
  s.deadband_max = 1.0;
  EXPECT_TRUE(same_final_states(by_default, robertson_sweep(robertson_cpu_system(), s)));
  s.deadband_max = 1.2;
  EXPECT_FALSE(same_final_states(by_default, robertson_sweep(robertson_cpu_system(), s)));
}

TEST(DirkControllerDefaults, GpuThreadsStepWithTheDeadband) {
  if (!cuda_device_available()) GTEST_SKIP() << "no usable CUDA device: " << cuda_unavailable_reason();
  solver_settings s = robertson_settings("kvaerno5", "cuda", 1e-6);
  EXPECT_EQ(Solver(robertson_dirk_gpu_system(), s).controller().deadband_max, 1.2);
  const SolveResult by_default = robertson_sweep(robertson_dirk_gpu_system(), s);
  s.deadband_max = 1.2;
  EXPECT_TRUE(same_final_states(by_default, robertson_sweep(robertson_dirk_gpu_system(), s)));
  s.deadband_max = 1.0;
  EXPECT_FALSE(same_final_states(by_default, robertson_sweep(robertson_dirk_gpu_system(), s)));
}

// The GPU keeps J and the factors across steps (the DIRKs and radau) where the CPU's SIMD
// packs of the DIRKs take them at every step, so the two backends run different Newton
// iterations and agree only to the methods' global error, not to rounding. Each is therefore
// held to a tight reference (radau_iia_5 on the CPU at rtol 1e-11): the GPU's worst error,
// in tolerance scales, at most 1.5x the CPU's own plus one scale (as dirk_reuse_test holds
// the kept factors to the every-step ones).
TEST(DirkGpu, RobertsonSweepIsAsAccurateAsTheCpu) {
  if (!cuda_device_available()) GTEST_SKIP() << "no usable CUDA device: " << cuda_unavailable_reason();
  const SolveResult ref = robertson_sweep(robertson_cpu_system(), "radau_iia_5", "cpu", 1e-11);
  for (std::size_t r = 0; r < ref.status().size(); ++r) ASSERT_EQ(ref.status()[r], 0u) << "reference run " << r;
  for (const char* method : {"kvaerno5", "l_stable_sdirk_4", "radau_iia_5"}) {
    const double rtol = 1e-8;
    const SolveResult gpu = robertson_sweep(robertson_dirk_gpu_system(), method, "cuda", rtol);
    const SolveResult cpu = robertson_sweep(robertson_cpu_system(), method, "cpu", rtol);
    const double atol[3] = {rtol * 1e-2, rtol * 1e-6, rtol * 1e-2};
    for (std::size_t r = 0; r < gpu.status().size(); ++r) {
      ASSERT_EQ(gpu.status()[r], 0u) << method << " run " << r;
      ASSERT_EQ(cpu.status()[r], 0u) << method << " run " << r;
    }
    double gpu_err = 0, cpu_err = 0, apart = 0;
    int i = 0;
    for (const char* y : {"y1", "y2", "y3"}) {
      const auto g = gpu.final_values(y), h = cpu.final_values(y), e = ref.final_values(y);
      for (std::size_t r = 0; r < g.size(); ++r) {
        const double scale = atol[i] + rtol * std::fabs(e[r]);
        gpu_err = std::max(gpu_err, std::fabs(g[r] - e[r]) / scale);
        cpu_err = std::max(cpu_err, std::fabs(h[r] - e[r]) / scale);
        apart = std::max(apart, std::fabs(g[r] - h[r]) / scale);
      }
      ++i;
    }
    std::printf("%-18s worst error in tolerance scales: GPU %.3g, CPU %.3g; GPU vs CPU %.3g\n", method, gpu_err,
                cpu_err, apart);
    EXPECT_LE(gpu_err, 1.5 * cpu_err + 1.0) << method;
  }
}

TEST(DirkGpu, DivergedNewtonStopsOnlyItsRun) {
  if (!cuda_device_available()) GTEST_SKIP() << "no usable CUDA device: " << cuda_unavailable_reason();
  solver_settings s;
  s.algorithm = "backwards_euler";
  s.backend = "cuda";
  s.step_controller = "fixed";
  s.dt = 1.0;
  Solver solver(sqrt_decay_dirk_gpu_system(), s);
  solve_spec spec;
  spec.duration = 2.0;
  const std::vector<double> c = {0.1, 10.0, 0.2, 20.0, 0.3};
  const SolveResult all = solver.solve({{"y", {1.0}}}, {{"c", c}}, spec);
  const SolveResult alone = solver.solve({{"y", {1.0}}}, {{"c", {0.1, 0.2, 0.3}}}, spec);
  std::size_t g = 0;
  for (std::size_t r = 0; r < c.size(); ++r) {
    if (c[r] > 1.0) {
      EXPECT_EQ(all.status()[r], u32(status_newton_diverged)) << "run " << r;
      continue;
    }
    EXPECT_EQ(all.status()[r], 0u);
    EXPECT_EQ(all.final_values("y")[r], alone.final_values("y")[g]) << "run " << r;
    ++g;
  }
}

}  // namespace
