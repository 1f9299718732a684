// tests/integrate/rosenbrock_gpu_test.cpp
// Rosenbrock methods on the GPU (one run per thread, dual-number Jacobians and the pivoting
// LU in each thread): a Robertson sweep agrees with the CPU backend (SIMD packs) to the
// tolerance's order in both precisions with every run status 0, and a run whose iteration
// matrix is not finite stops with status 2048 while its neighbours match a solve without it.
// Skips where no GPU is present.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "cubie/backends/backend_registry.hpp"
#include "cubie/batch/make_system.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/status.hpp"
#include "cubie/integrate/methods/rosenbrock_methods.hpp"
#include "stiff_systems.hpp"

namespace cubie::test {
std::shared_ptr<const compiled_system> robertson_gpu_system();
std::shared_ptr<const compiled_system> sqrt_decay_gpu_system();
}  // namespace cubie::test

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

const std::shared_ptr<const compiled_system>& robertson_cpu_system() {
  static const auto sys = make_system<robertson, m::method_list<m::rodas5p, m::rosenbrock23_sciml>, float, double>();
  return sys;
}

SolveResult robertson_sweep(const std::shared_ptr<const compiled_system>& sys, const char* method, const char* backend,
                            precision prec, double rtol) {
  solver_settings s;
  s.algorithm = method;
  s.backend = backend;
  s.precision = prec;
  s.rtol = {rtol};
  s.atol = {rtol * 1e-2, rtol * 1e-6, rtol * 1e-2};
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = 4e4;
  spec.save_every = 4e3;
  std::vector<double> k1(1000);
  for (std::size_t i = 0; i < k1.size(); ++i) k1[i] = 0.04 * std::pow(10.0, -1.0 + 2.0 * double(i) / (k1.size() - 1));
  return solver.solve({{"y1", {1.0}}, {"y2", {0.0}}, {"y3", {0.0}}}, {{"k1", k1}, {"k2", {3e7}}, {"k3", {1e4}}}, spec);
}

TEST(RosenbrockGpu, RobertsonSweepMatchesTheCpu) {
  if (!cuda_device_available()) GTEST_SKIP() << "no usable CUDA device: " << cuda_unavailable_reason();
  struct study {
    const char* method;
    precision prec;
    double rtol, agree;  // agreement asked, relative to each state's tolerance scale
  };
  for (const study& c : {study{"rodas5p", precision::float64, 1e-8, 1.0}, study{"rosenbrock23_sciml", precision::float64, 1e-6, 1.0},
                         study{"rodas5p", precision::float32, 1e-4, 1.0}}) {
    const SolveResult gpu = robertson_sweep(robertson_gpu_system(), c.method, "cuda", c.prec, c.rtol);
    const SolveResult cpu = robertson_sweep(robertson_cpu_system(), c.method, "cpu", c.prec, c.rtol);
    const double atol[3] = {c.rtol * 1e-2, c.rtol * 1e-6, c.rtol * 1e-2};
    double worst = 0;
    for (std::size_t r = 0; r < gpu.status().size(); ++r) {
      ASSERT_EQ(gpu.status()[r], 0u) << c.method << " run " << r;
      ASSERT_EQ(cpu.status()[r], 0u) << c.method << " run " << r;
    }
    int i = 0;
    for (const char* y : {"y1", "y2", "y3"}) {
      const auto g = gpu.final_values(y), h = cpu.final_values(y);
      for (std::size_t r = 0; r < g.size(); ++r)
        worst = std::max(worst, std::fabs(g[r] - h[r]) / (atol[i] + c.rtol * std::fabs(h[r])));
      ++i;
    }
    std::printf("%-20s %s: GPU vs CPU, largest difference %.3g tolerance scales\n", c.method, precision_name(c.prec), worst);
    EXPECT_LE(worst, c.agree) << c.method;
  }
}

TEST(RosenbrockGpu, NonFiniteJacobianStopsOnlyItsRun) {
  if (!cuda_device_available()) GTEST_SKIP() << "no usable CUDA device: " << cuda_unavailable_reason();
  solver_settings s;
  s.algorithm = "rodas4p";
  s.backend = "cuda";
  s.rtol = s.atol = {1e-10};
  Solver solver(sqrt_decay_gpu_system(), s);
  solve_spec spec;
  spec.duration = 1.0;
  const std::vector<double> y0 = {1.0, 0.0, 4.0, 0.0, 2.0};
  const SolveResult all = solver.solve({{"y", y0}}, {{"c", {1.0}}}, spec);
  const SolveResult alone = solver.solve({{"y", {1.0, 4.0, 2.0}}}, {{"c", {1.0}}}, spec);
  std::size_t g = 0;
  for (std::size_t r = 0; r < y0.size(); ++r) {
    if (y0[r] == 0.0) {
      EXPECT_EQ(all.status()[r], u32(status_singular_matrix)) << "run " << r;
      continue;
    }
    EXPECT_EQ(all.status()[r], 0u);
    EXPECT_EQ(all.final_values("y")[r], alone.final_values("y")[g]) << "run " << r;
    ++g;
  }
}

}  // namespace
