// The backend registry of a CUDA build on whatever machine runs it (label cpu): with no driver
// or GPU the library must load, answer "no GPU" with a reason, and solve on the CPU; with a
// GPU it lists it and "auto" picks it.
#include <gtest/gtest.h>

#include <string>

#include "cubie/backends/backend_registry.hpp"
#include "cubie/batch/make_system.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/error.hpp"
#include "cubie/systems/lorenz.hpp"

using namespace cubie;

namespace {

std::shared_ptr<const compiled_system> lorenz_cpu_only() {
  static const auto sys = make_system<systems::lorenz, methods::method_list<methods::classical_rk4>, double>();
  return sys;
}

}  // namespace

TEST(backends_cuda_registry, the_backend_is_compiled_in) { EXPECT_TRUE(cuda_backend_compiled()); }

TEST(backends_cuda_registry, availability_and_reason_agree) {
  const bool available = cuda_device_available();
  EXPECT_EQ(available, cuda_device_available()) << "the answer is cached and stable";
  EXPECT_EQ(cuda_unavailable_reason().empty(), available) << cuda_unavailable_reason();
  const auto gpus = list_gpus();
  if (!available) {
    EXPECT_TRUE(gpus.empty());
    return;
  }
  ASSERT_FALSE(gpus.empty());
  EXPECT_FALSE(gpus[0].name.empty());
  EXPECT_GT(gpus[0].total_bytes, 0u);
  EXPECT_GT(gpus[0].multiprocessors, 0);
}

TEST(backends_cuda_registry, without_a_gpu_cuda_is_refused_and_auto_runs_on_the_cpu) {
  if (cuda_device_available()) GTEST_SKIP() << "a GPU is present: this test is about machines without one";
  solver_settings s;
  s.algorithm = "rk4";
  s.dt = 0.01;
  s.backend = "cuda";
  try {
    Solver bad(lorenz_cpu_only(), s);
    FAIL() << "backend = cuda must be refused without a GPU";
  } catch (const invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("backend"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)make_cuda_executor(s.memory), invalid_argument);
  s.backend = "auto";
  Solver solver(lorenz_cpu_only(), s);
  EXPECT_EQ(solver.backend(), "cpu");
  const SolveResult r = solver.solve({{"x", {1.0}}, {"y", {0.0}}, {"z", {0.0}}}, {{"rho", {28.0}}});
  EXPECT_EQ(r.status()[0], 0u);
}

TEST(backends_cuda_registry, result_storage_is_pinned_when_a_gpu_is_present) {
  if (!cuda_device_available()) GTEST_SKIP() << "no usable CUDA device: " << cuda_unavailable_reason();
  const host_allocator a = cuda_result_allocator(memory::memory_settings{});
  EXPECT_TRUE(a.pinned);
  void* p = a.allocate(1 << 20);
  ASSERT_NE(p, nullptr);
  a.deallocate(p, 1 << 20);
  void* q = a.allocate(1 << 20);
  EXPECT_EQ(p, q) << "the block comes back from the pool";
  a.deallocate(q, 1 << 20);
}
