// A model compiled at run time through NVRTC: kernels built and cached, and on a GPU
// with the CUDA backend, results bit-identical to the same system compiled by nvcc
// (this file is a CUDA translation unit, so make_system instantiates the nvcc kernels).
// Every test skips, with the reason, where no GPU or no NVRTC is usable.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iostream>

#include "compile_test_support.hpp"
#include "cubie/backends/backend_registry.hpp"
#include "cubie/batch/make_system.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/execution/deferred_kernels.hpp"
#include "cubie/models/model_compiler.hpp"
#include "cubie/systems/lorenz.hpp"

namespace {

namespace fs = std::filesystem;
using cubie::precision;
using cubie::models::compile_options;
using cubie::models::compile_report;
using cubie::models::gpu_compile;

#define SKIP_WITHOUT_GPU_COMPILE()                                           \
  do {                                                                       \
    const std::string why = cubie::models::gpu_compile_unavailable_reason(); \
    if (!why.empty()) GTEST_SKIP() << "no GPU model compile here: " << why;  \
  } while (0)

compile_options gpu_options(const fs::path& cache_dir, precision p) {
  compile_options o;
  o.cpu = false;
  o.gpu = gpu_compile::required;
  o.methods = {"dormand_prince_54", "classical_rk4"};
  o.precision = p;
  o.cache_dir = cache_dir;
  return o;
}

cubie::SolveResult solve_on_gpu(std::shared_ptr<const cubie::compiled_system> sys, const char* method, precision p,
                                int runs, double save_every = 0.1, double dt = 1.0 / 1024) {
  cubie::solver_settings s;
  s.algorithm = method;
  s.precision = p;
  s.backend = "cuda";
  if (std::string(method) == "classical_rk4") {
    s.dt = dt;
  } else {
    s.atol = {1e-5};
    s.rtol = {1e-5};
  }
  cubie::Solver solver(std::move(sys), s);
  const auto ensemble = cubie::test::make_lorenz_ensemble(runs);
  cubie::solve_spec spec;
  spec.duration = 1.0;
  // save_every = 0: no save_every at all, so only the span's ends are saved and a fixed-step
  // solve takes the fixed-count path (any save_every, even the whole span, records the time
  // domain on the save grid and runs the general loop).
  if (save_every > 0) spec.save_every = save_every;
  return solver.solve(ensemble.initial_values, ensemble.parameters, spec);
}

template <class V>
void expect_bit_identical(const cubie::SolveResult& a, const cubie::SolveResult& b) {
  const auto ta = a.time_domain<V>();
  const auto tb = b.time_domain<V>();
  ASSERT_EQ(ta.size(), tb.size());
  std::size_t differing = 0, first = 0;
  for (std::size_t i = 0; i < ta.size(); ++i) {
    if (std::memcmp(&ta[i], &tb[i], sizeof(V)) != 0 && ++differing == 1) first = i;
  }
  EXPECT_EQ(differing, 0u) << "first difference at flat index " << first << ": " << ta[first] << " vs " << tb[first];
  EXPECT_TRUE(std::equal(a.status().begin(), a.status().end(), b.status().begin()));
  EXPECT_TRUE(std::equal(a.steps_accepted().begin(), a.steps_accepted().end(), b.steps_accepted().begin()));
  EXPECT_TRUE(std::equal(a.steps_rejected().begin(), a.steps_rejected().end(), b.steps_rejected().begin()));
  EXPECT_EQ(a.failed_runs(), 0);
}

TEST(GpuModelCompile, BuildsKernelsThroughNvrtcAndHitsTheCache) {
  SKIP_WITHOUT_GPU_COMPILE();
  cubie::test::scratch_folder dir;
  compile_report first, second;
  const auto sys =
      cubie::models::compile_model(cubie::test::lorenz_model(), gpu_options(dir.path(), precision::float32), &first);
  EXPECT_TRUE(first.gpu.built);
  EXPECT_FALSE(first.cpu.requested);
  EXPECT_FALSE(first.gpu.cache_hit);
  // One program per method now: the general loop's. lorenz.toml saves every 0.01, so its
  // solves never take the fixed-count path; those programs wait for a solve that does.
  EXPECT_EQ(first.gpu.compiler_runs, 2);
  ASSERT_EQ(first.gpu.units.size(), 2u);
  for (const auto& unit : first.gpu.units) {
    EXPECT_TRUE(unit.compiled && !unit.cache_hit);
    EXPECT_TRUE(fs::is_regular_file(unit.artifact_path)) << unit.artifact_path;
  }
  EXPECT_EQ(dir.files_ending(".cubin").size(), 2u);
  EXPECT_TRUE(fs::is_regular_file(first.gpu.artifact_path));
  EXPECT_EQ(first.gpu.artifact_path.extension(), ".cubin");
  EXPECT_TRUE(fs::is_regular_file(first.gpu.source_path));
  EXPECT_TRUE(sys->cpu.empty());
  ASSERT_EQ(sys->gpu_methods(precision::float32), (std::vector<std::string>{"classical_rk4", "dormand_prince_54"}));
  ASSERT_NE(sys->gpu_fixed_count, nullptr);
  EXPECT_EQ(sys->gpu_fixed_count->size(), 2u);
  for (const auto& [key, kernel] : sys->gpu) {
    EXPECT_NE(kernel.function, nullptr) << kernel.name;
    EXPECT_NE(kernel.owner, nullptr) << kernel.name;
    EXPECT_FALSE(sys->gpu_fixed_count->built(kernel.function)) << kernel.name;
  }
  std::cout << "[ timing ] cold NVRTC compile (dormand_prince_54 + classical_rk4, float32): " << first.gpu.compile_ms
            << " ms\n";

  const auto again =
      cubie::models::compile_model(cubie::test::lorenz_model(), gpu_options(dir.path(), precision::float32), &second);
  EXPECT_TRUE(second.gpu.cache_hit);
  EXPECT_EQ(second.gpu.compiler_runs, 0);
  EXPECT_EQ(second.gpu.cache_key, first.gpu.cache_key);
  EXPECT_EQ(again->gpu.size(), 2u);
  EXPECT_EQ(again->gpu_fixed_count->size(), 2u);
}

// A fixed-count kernel that no solve needed is never compiled; the first fixed-step solve
// that takes the path compiles it (once; the hook hears of it), and a later process finds
// it in the cache. The fixed-count kernel built at once (fixed_count_build::now) is the same
// program, so results are bit-identical either way.
TEST(GpuModelCompile, TheFixedCountKernelCompilesOnItsFirstSolve) {
  SKIP_WITHOUT_GPU_COMPILE();
  if (!cubie::cuda_device_available()) GTEST_SKIP() << "CUDA backend: " << cubie::cuda_unavailable_reason();
  cubie::test::scratch_folder dir;
  auto o = gpu_options(dir.path(), precision::float32);
  std::vector<std::string> heard;
  o.on_deferred_compile = [&](const std::string& what) { heard.push_back(what); };
  compile_report rep;
  const auto sys = cubie::models::compile_model(cubie::test::lorenz_model(), o, &rep);
  EXPECT_EQ(rep.gpu.compiler_runs, 2);
  const auto& dopri = sys->gpu.at({"dormand_prince_54", precision::float32});
  const auto& rk4 = sys->gpu.at({"classical_rk4", precision::float32});

  // Adaptive: the general kernel only, nothing compiled.
  const auto adaptive = solve_on_gpu(sys, "dormand_prince_54", precision::float32, 256, 1.0);
  EXPECT_EQ(adaptive.failed_runs(), 0);
  EXPECT_FALSE(sys->gpu_fixed_count->built(dopri.function));
  EXPECT_EQ(sys->gpu_fixed_count->builds().first, 0);
  EXPECT_EQ(dir.files_ending(".cubin").size(), 2u);
  EXPECT_TRUE(heard.empty());
  // rk4 saving every 0.1: the general loop, still nothing compiled.
  (void)solve_on_gpu(sys, "classical_rk4", precision::float32, 256, 0.1, 1e-3);
  EXPECT_EQ(sys->gpu_fixed_count->builds().first, 0);

  // rk4 with no save between the ends: the fixed-count path, compiled now, once.
  const auto fixed = solve_on_gpu(sys, "classical_rk4", precision::float32, 1000, 0.0, 1e-3);
  EXPECT_TRUE(sys->gpu_fixed_count->built(rk4.function));
  EXPECT_FALSE(sys->gpu_fixed_count->built(dopri.function));
  EXPECT_EQ(sys->gpu_fixed_count->builds().first, 1);
  EXPECT_EQ(dir.files_ending(".cubin").size(), 3u);
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(heard.front(), "compiling model 'lorenz' (classical_rk4, float, fixed-count path)");
  (void)solve_on_gpu(sys, "classical_rk4", precision::float32, 1000, 0.0, 1e-3);
  EXPECT_EQ(sys->gpu_fixed_count->builds().first, 1);

  // Built at once instead (another compile of the same model, from the cache): the same
  // programs, the same bits.
  o.gpu_fixed_count = cubie::models::fixed_count_build::now;
  heard.clear();
  compile_report eager;
  const auto at_once = cubie::models::compile_model(cubie::test::lorenz_model(), o, &eager);
  EXPECT_EQ(eager.gpu.units.size(), 4u);
  EXPECT_EQ(eager.gpu.compiler_runs, 1);  // dopri54's fixed-count program; the rest are hits
  EXPECT_TRUE(at_once->gpu_fixed_count->built(at_once->gpu.at({"classical_rk4", precision::float32}).function));
  expect_bit_identical<float>(fixed, solve_on_gpu(at_once, "classical_rk4", precision::float32, 1000, 0.0, 1e-3));
  EXPECT_EQ(at_once->gpu_fixed_count->builds().first, 0);
  EXPECT_TRUE(heard.empty());
}

// A model whose own settings take the fixed-count path (rk4, saving its end state only)
// gets that kernel at once, beside the general one: `cubie run` compiles what it launches.
TEST(GpuModelCompile, AModelThatTakesTheFixedCountPathBuildsItAtOnce) {
  SKIP_WITHOUT_GPU_COMPILE();
  cubie::test::scratch_folder dir;
  auto model = cubie::test::lorenz_model();
  model.settings.algorithm = "classical_rk4";
  model.settings.dt = 1e-3;
  model.spec.save_every.reset();
  model.spec.save_times.reset();
  compile_options o;
  o.cpu = false;
  o.gpu = gpu_compile::required;
  o.cache_dir = dir.path();
  compile_report rep;
  const auto sys = cubie::models::compile_model(model, o, &rep);
  EXPECT_EQ(rep.gpu.compiler_runs, 2);
  const auto& rk4 = sys->gpu.at({"classical_rk4", model.precision});
  EXPECT_TRUE(sys->gpu_fixed_count->built(rk4.function));
  // With saves between the ends the model's own solve takes the general loop only.
  model.spec.save_every = 0.1;
  cubie::test::scratch_folder other;
  o.cache_dir = other.path();
  const auto general_only = cubie::models::compile_model(model, o, &rep);
  EXPECT_EQ(rep.gpu.compiler_runs, 1);
  EXPECT_FALSE(general_only->gpu_fixed_count->built(general_only->gpu.at({"classical_rk4", model.precision}).function));
}

TEST(GpuModelCompile, BuildsCpuAndGpuTogether) {
  SKIP_WITHOUT_GPU_COMPILE();
  auto o = gpu_options(CUBIE_TEST_CACHE_DIR, precision::float64);
  o.cpu = true;
  compile_report rep;
  const auto sys = cubie::models::compile_model(cubie::test::lorenz_model(), o, &rep);
  EXPECT_TRUE(rep.cpu.built && rep.gpu.built);
  EXPECT_NE(rep.cpu.cache_key, rep.gpu.cache_key);
  EXPECT_EQ(sys->cpu_methods(precision::float64).size(), 2u);
  EXPECT_EQ(sys->gpu_methods(precision::float64).size(), 2u);
}

TEST(GpuModelCompile, AFailureIsAnInternalErrorThatKeepsTheSource) {
  SKIP_WITHOUT_GPU_COMPILE();
  cubie::test::scratch_folder dir;
  auto o = gpu_options(dir.path(), precision::float32);
  o.gpu_fixed_count = cubie::models::fixed_count_build::now;  // every program at once
  o.extra_nvrtc_options = {"--cubie-test-no-such-option"};
  try {
    (void)cubie::models::compile_model(cubie::test::lorenz_model(), o);
    FAIL() << "expected cubie::internal_error";
  } catch (const cubie::internal_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("failed to compile for the GPU"), std::string::npos) << what;
    // Every program's source is kept (they compile in parallel); the message names one.
    const auto sources = dir.files_ending(".cu");
    ASSERT_EQ(sources.size(), 4u);
    bool named = false;
    for (const auto& s : sources) named = named || what.find((dir.path() / s).string()) != std::string::npos;
    EXPECT_TRUE(named) << what;
    EXPECT_TRUE(dir.files_ending(".cubin").empty());
  }
}

TEST(GpuModelCompile, LorenzIsBitIdenticalToTheNvccCompiledSystem) {
  SKIP_WITHOUT_GPU_COMPILE();
  if (!cubie::cuda_device_available()) GTEST_SKIP() << "CUDA backend: " << cubie::cuda_unavailable_reason();
  namespace m = cubie::methods;
  const auto cxx_f32 = cubie::make_system<cubie::systems::lorenz, m::method_list<m::dormand_prince_54>, float>();
  const auto cxx_f64 = cubie::make_system<cubie::systems::lorenz, m::method_list<m::classical_rk4>, double>();
  const auto model_f32 =
      cubie::models::compile_model(cubie::test::lorenz_model(), gpu_options(CUBIE_TEST_CACHE_DIR, precision::float32));
  const auto model_f64 =
      cubie::models::compile_model(cubie::test::lorenz_model(), gpu_options(CUBIE_TEST_CACHE_DIR, precision::float64));
  expect_bit_identical<float>(solve_on_gpu(model_f32, "dormand_prince_54", precision::float32, 1000),
                              solve_on_gpu(cxx_f32, "dormand_prince_54", precision::float32, 1000));
  expect_bit_identical<double>(solve_on_gpu(model_f64, "classical_rk4", precision::float64, 1000),
                               solve_on_gpu(cxx_f64, "classical_rk4", precision::float64, 1000));
}

// Fixed steps with no save between the span's ends take the fixed-count path: the model's
// solve launches its fixed-count kernel (a program of its own) and matches the nvcc kernel
// holding both paths bit for bit; dt = 1/1000 is not a binary fraction, so the general loop
// (t accumulated and the last step landed on the end) would end on other bits.
TEST(GpuModelCompile, TheFixedCountPathRunsItsOwnKernel) {
  SKIP_WITHOUT_GPU_COMPILE();
  if (!cubie::cuda_device_available()) GTEST_SKIP() << "CUDA backend: " << cubie::cuda_unavailable_reason();
  namespace m = cubie::methods;
  const auto cxx_f32 = cubie::make_system<cubie::systems::lorenz, m::method_list<m::classical_rk4>, float>();
  const auto cxx_f64 = cubie::make_system<cubie::systems::lorenz, m::method_list<m::classical_rk4>, double>();
  const auto model_f32 =
      cubie::models::compile_model(cubie::test::lorenz_model(), gpu_options(CUBIE_TEST_CACHE_DIR, precision::float32));
  const auto model_f64 =
      cubie::models::compile_model(cubie::test::lorenz_model(), gpu_options(CUBIE_TEST_CACHE_DIR, precision::float64));
  expect_bit_identical<float>(solve_on_gpu(model_f32, "classical_rk4", precision::float32, 1000, 0.0, 1e-3),
                              solve_on_gpu(cxx_f32, "classical_rk4", precision::float32, 1000, 0.0, 1e-3));
  expect_bit_identical<double>(solve_on_gpu(model_f64, "classical_rk4", precision::float64, 1000, 0.0, 1e-3),
                               solve_on_gpu(cxx_f64, "classical_rk4", precision::float64, 1000, 0.0, 1e-3));
}

}  // namespace
