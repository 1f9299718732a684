// tests/models/ring_modulator_gpu_test.cpp
// The ring modulator (examples/stiff/ring_modulator.toml, 15 states) in float64 with rodas5p,
// compiled at run time for the CPU and the GPU: on the GPU its kernel keeps all 67 LU factor
// values per thread in shared memory, in blocks of 64 threads (integrate/
// shared_factor_slices.hpp, the defaults of CUBIE_SHARED_LU_VALUES and CUBIE_SPLIT_BLOCK;
// the executor launches the kernel's own block size), and a Cs sweep must agree with the CPU backend, which keeps
// them in registers: every run status 0, final states within the tolerance's scale, the same
// step counts to within a few steps. Skips where no GPU or no NVRTC is usable.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cubie/backends/backend_registry.hpp"
#include "cubie/backends/cuda/kernel_launcher.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/integrate/shared_factor_slices.hpp"
#include "cubie/models/model.hpp"
#include "cubie/models/model_compiler.hpp"

namespace {

using namespace cubie;

constexpr double tol = 1e-8;

SolveResult sweep(const std::shared_ptr<const compiled_system>& sys, const char* backend) {
  solver_settings s;
  s.algorithm = "rodas5p";
  s.backend = backend;
  s.precision = precision::float64;
  s.rtol = {tol};
  s.atol = {tol};
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = 1e-4;  // a tenth of the benchmark's span: 2 of Uin2's periods
  std::vector<double> cs(200);  // a partial block of 64 threads (and of 128)
  for (std::size_t i = 0; i < cs.size(); ++i)
    cs[i] = 2e-13 * std::pow(1e4, double(i) / double(cs.size() - 1));  // logspace [2e-13, 2e-9]
  return solver.solve({}, {{"Cs", cs}}, spec);
}

TEST(RingModulatorGpu, SharedFactorSlicesMatchTheCpu) {
  if (!cuda_device_available()) GTEST_SKIP() << "no usable CUDA device: " << cuda_unavailable_reason();
  if (const std::string why = models::gpu_compile_unavailable_reason(); !why.empty())
    GTEST_SKIP() << "no GPU model compile here: " << why;
  models::compile_options o;
  o.cpu = true;
  o.gpu = models::gpu_compile::required;
  o.methods = {"rodas5p"};
  o.precision = precision::float64;
  o.cache_dir = CUBIE_TEST_CACHE_DIR;
  const auto sys =
      models::compile_model(models::load_model(std::filesystem::path(CUBIE_EXAMPLES_DIR) / "stiff/ring_modulator.toml"), o);

  // The default build keeps all 67 factor values per thread of a 64-thread block: 34 KB, and
  // the kernel says so in its maxThreadsPerBlock (its __launch_bounds__), which the launch uses.
  const cuda::kernel_properties k = cuda::query_kernel_properties(sys->gpu.at({"rodas5p", precision::float64}), 0);
  EXPECT_EQ(k.max_threads_per_block, shared_split_block_threads);
  EXPECT_EQ(k.block_size, shared_split_block_threads);
  EXPECT_EQ(cuda::launch_block_size(k.max_threads_per_block), shared_split_block_threads);
  // In pairs (CUBIE_SHARED_LU_PAIRS, the default) the odd 67th value takes a whole pair's room.
  EXPECT_EQ(k.static_shared_bytes,
            std::size_t(shared_slice_elements<67, shared_split_block_threads, shared_lu_group>()) * sizeof(double));
  EXPECT_GE(k.blocks_per_multiprocessor, 1);
  std::printf("ring modulator rodas5p float64 kernel: %d threads per block, %d registers, %zu B stack, %zu B static "
              "shared, %d blocks/SM\n",
              k.block_size, k.registers_per_thread, k.local_bytes_per_thread, k.static_shared_bytes,
              k.blocks_per_multiprocessor);

  const SolveResult gpu = sweep(sys, "cuda");
  const SolveResult cpu = sweep(sys, "cpu");
  ASSERT_EQ(gpu.status().size(), cpu.status().size());
  for (std::size_t r = 0; r < gpu.status().size(); ++r) {
    ASSERT_EQ(gpu.status()[r], 0u) << "GPU run " << r;
    ASSERT_EQ(cpu.status()[r], 0u) << "CPU run " << r;
    const double g = gpu.steps_accepted()[r], c = cpu.steps_accepted()[r];
    EXPECT_LE(std::fabs(g - c), 5.0 + 0.01 * c) << "accepted steps of run " << r;
  }
  double worst = 0;
  for (const char* y : {"U1", "U2", "U3", "U4", "U5", "U6", "U7", "I1", "I2", "I3", "I4", "I5", "I6", "I7", "I8"}) {
    const auto g = gpu.final_values(y), c = cpu.final_values(y);
    for (std::size_t r = 0; r < g.size(); ++r) worst = std::max(worst, std::fabs(g[r] - c[r]) / (tol + tol * std::fabs(c[r])));
  }
  std::printf("ring modulator rodas5p float64: GPU vs CPU, largest difference %.3g tolerance scales\n", worst);
  EXPECT_LE(worst, 10.0);
}

}  // namespace
