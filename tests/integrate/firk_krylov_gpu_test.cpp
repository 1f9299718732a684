// tests/integrate/firk_krylov_gpu_test.cpp
// Radau IIA 5 through GMRES on the GPU (one run per thread; the transformed real and complex
// systems solved matrix-free in each thread) against the CPU backend (SIMD packs): the 100-state
// Brusselator over a sweep of the diffusion, every run status 0 and the final states within
// the tolerance of each other. Skips where no GPU is present.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "brusselator_systems.hpp"
#include "cubie/backends/backend_registry.hpp"
#include "cubie/batch/make_system.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/integrate/methods/radau_iia_5.hpp"

namespace cubie::test {
std::shared_ptr<const compiled_system> bruss100_radau_gpu_system();
}  // namespace cubie::test

namespace {

using namespace cubie;
using namespace cubie::test;

SolveResult bruss100_sweep(const std::shared_ptr<const compiled_system>& sys, const char* backend, double tol,
                           const std::vector<double>& alpha) {
  solver_settings s;
  s.algorithm = "radau";
  s.backend = backend;
  s.rtol = {tol};
  s.atol = {tol};
  s.linear_solver = "gmres";
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = 10.0;
  return solver.solve(brusselator_start(50, int(alpha.size())), {{"alpha", alpha}}, spec);
}

TEST(FirkKrylovGpu, BrusselatorRadauGmresMatchesTheCpu) {
  if (!cuda_device_available()) GTEST_SKIP() << "no usable CUDA device: " << cuda_unavailable_reason();
  static const auto cpu_sys = make_system<bruss100, methods::method_list<methods::radau_iia_5>, double>();
  std::vector<double> alpha(256);
  for (std::size_t i = 0; i < alpha.size(); ++i) alpha[i] = 0.02 * std::pow(10.0, 2.0 * double(i) / (alpha.size() - 1));
  const double tol = 1e-6;
  const SolveResult gpu = bruss100_sweep(bruss100_radau_gpu_system(), "cuda", tol, alpha);
  const SolveResult cpu = bruss100_sweep(cpu_sys, "cpu", tol, alpha);
  for (std::size_t r = 0; r < alpha.size(); ++r) {
    ASSERT_EQ(gpu.status()[r], 0u) << "GPU run " << r;
    ASSERT_EQ(cpu.status()[r], 0u) << "CPU run " << r;
  }
  double worst = 0;
  for (int i = 1; i <= 50; ++i) {
    for (const char* var : {"u", "v"}) {
      const std::string name = var + std::to_string(i);
      const auto g = gpu.final_values(name), c = cpu.final_values(name);
      for (std::size_t r = 0; r < g.size(); ++r) worst = std::max(worst, std::fabs(g[r] - c[r]) / (tol + tol * std::fabs(c[r])));
    }
  }
  std::printf("radau_iia_5 gmres Brusselator 100 states, %zu runs: GPU vs CPU largest difference %.3g tolerances\n",
              alpha.size(), worst);
  EXPECT_LE(worst, 1.0);
}

}  // namespace
