// A model file compiled at run time for the CPU runs through the Solver exactly like
// the same system written in C++: the Lorenz example against cubie::systems::lorenz on
// the Lorenz ensemble, bit for bit, for dormand_prince_54 and classical_rk4 in both
// precisions; and a 16-state model whose expensive right-hand side the model compiler
// calls instead of inlining (one register per pack) against its inlined C++ build.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "compile_reference_bodies.hpp"
#include "compile_reference_lorenz.hpp"
#include "compile_test_support.hpp"
#include "cubie/backends/cpu/simd_width.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/execution/deferred_kernels.hpp"
#include "cubie/models/model_compiler.hpp"

namespace {

using cubie::precision;

// Persistent across runs (the build folder): these tests are about results, the cache
// tests (compile_cache_test.cpp) about compiling from nothing.
std::shared_ptr<const cubie::compiled_system> compiled_lorenz(precision p, cubie::models::compile_report* report) {
  cubie::models::compile_options o;
  o.gpu = cubie::models::gpu_compile::off;
  o.methods = {"dormand_prince_54", "rk4"};
  o.precision = p;
  o.cache_dir = CUBIE_TEST_CACHE_DIR;
  return cubie::models::compile_model(cubie::test::lorenz_model(), o, report);
}

std::shared_ptr<const cubie::compiled_system> cxx_lorenz() { return cubie::test::cxx_lorenz_reference(); }

cubie::SolveResult solve_lorenz(std::shared_ptr<const cubie::compiled_system> sys, const char* method, precision p) {
  cubie::solver_settings s;
  s.algorithm = method;
  s.precision = p;
  s.backend = "cpu";
  if (std::string(method) == "classical_rk4") {
    s.dt = 1.0 / 1024;
  } else {
    s.atol = {1e-5};
    s.rtol = {1e-5};
  }
  cubie::Solver solver(std::move(sys), s);
  const auto ensemble = cubie::test::make_lorenz_ensemble(1000);
  cubie::solve_spec spec;
  spec.duration = 1.0;
  spec.save_every = 0.1;
  return solver.solve(ensemble.initial_values, ensemble.parameters, spec);
}

template <class V>
void expect_bit_identical(const cubie::SolveResult& a, const cubie::SolveResult& b) {
  ASSERT_EQ(a.n_saves(), b.n_saves());
  ASSERT_EQ(a.n_runs(), b.n_runs());
  ASSERT_EQ(a.variables(), b.variables());
  const auto ta = a.time_domain<V>();
  const auto tb = b.time_domain<V>();
  ASSERT_EQ(ta.size(), tb.size());
  // Counted per variable: a difference only in observables and one in states have
  // different causes.
  std::vector<std::size_t> per_variable(a.variables().size(), 0);
  std::size_t differing = 0, first = 0;
  for (std::size_t i = 0; i < ta.size(); ++i) {
    if (std::memcmp(&ta[i], &tb[i], sizeof(V)) != 0) {
      if (differing++ == 0) first = i;
      ++per_variable[(i / static_cast<std::size_t>(a.n_runs())) % per_variable.size()];
    }
  }
  std::string by_name;
  for (std::size_t v = 0; v < per_variable.size(); ++v)
    by_name += " " + a.variables()[v] + ":" + std::to_string(per_variable[v]);
  EXPECT_EQ(differing, 0u) << "differing values per variable:" << by_name << "; first at flat index " << first << ": "
                           << ta[first] << " vs " << tb[first];
  EXPECT_TRUE(std::equal(a.status().begin(), a.status().end(), b.status().begin()));
  ASSERT_TRUE(a.has_counters() && b.has_counters());
  EXPECT_TRUE(std::equal(a.steps_accepted().begin(), a.steps_accepted().end(), b.steps_accepted().begin()));
  EXPECT_TRUE(std::equal(a.steps_rejected().begin(), a.steps_rejected().end(), b.steps_rejected().begin()));
  EXPECT_EQ(a.failed_runs(), 0);
}

class CompiledLorenzOnCpu : public ::testing::TestWithParam<std::tuple<const char*, precision>> {};

TEST_P(CompiledLorenzOnCpu, IsBitIdenticalToTheCxxSystem) {
  const auto [method, p] = GetParam();
  cubie::models::compile_report report;
  const auto model = compiled_lorenz(p, &report);
  ASSERT_TRUE(report.cpu.built);
  EXPECT_FALSE(report.gpu.requested);
  EXPECT_EQ(model->info.states, (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(model->info.parameters, (std::vector<std::string>{"rho"}));
  EXPECT_EQ(model->info.observables, (std::vector<std::string>{"r2"}));
  EXPECT_EQ(model->cpu_methods(p), (std::vector<std::string>{"classical_rk4", "dormand_prince_54"}));
  if (p == precision::float32) {
    EXPECT_EQ(model->cpu_simd_lanes_float, cxx_lorenz()->cpu_simd_lanes_float);
  } else {
    EXPECT_EQ(model->cpu_simd_lanes_double, cxx_lorenz()->cpu_simd_lanes_double);
  }

  const cubie::SolveResult from_model = solve_lorenz(model, method, p);
  const cubie::SolveResult from_cxx = solve_lorenz(cxx_lorenz(), method, p);
  if (p == precision::float32) {
    expect_bit_identical<float>(from_model, from_cxx);
  } else {
    expect_bit_identical<double>(from_model, from_cxx);
  }
}

INSTANTIATE_TEST_SUITE_P(MethodsAndPrecisions, CompiledLorenzOnCpu,
                         ::testing::Combine(::testing::Values("dormand_prince_54", "classical_rk4"),
                                            ::testing::Values(precision::float32, precision::float64)),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param)) +
                                  (std::get<1>(info.param) == precision::float32 ? "_float32" : "_float64");
                         });

// ---- an expensive right-hand side, called rather than inlined --------------------------

cubie::models::model_definition four_bodies_model() {
  return cubie::models::load_model(std::filesystem::path(CUBIE_TEST_DATA_DIR) / "four_bodies.toml");
}

cubie::SolveResult solve_four_bodies(std::shared_ptr<const cubie::compiled_system> sys, const char* method,
                                     precision p) {
  cubie::solver_settings s;
  s.algorithm = method;
  s.precision = p;
  s.backend = "cpu";
  if (std::string(method) == "classical_rk4") {
    s.dt = 1.0 / 512;
  } else {
    s.atol = {1e-8};
    s.rtol = {1e-8};
  }
  cubie::Solver solver(std::move(sys), s);
  // 37 runs: packs of 8 and 16 lanes, the last one partly masked.
  std::vector<double> m1(37);
  for (std::size_t i = 0; i < m1.size(); ++i) m1[i] = 0.5 + 1.5 * static_cast<double>(i) / 36.0;
  const auto model = four_bodies_model();
  cubie::named_arrays initial;
  for (const auto& state : model.states) initial.push_back({state.name, {state.value}});
  cubie::solve_spec spec;
  spec.duration = 1.0;
  spec.save_every = 0.125;
  return solver.solve(initial, {{"m1", m1}}, spec);
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class CompiledFourBodiesOnCpu : public ::testing::TestWithParam<std::tuple<const char*, precision>> {};

TEST_P(CompiledFourBodiesOnCpu, CallsItsRightHandSideAndIsBitIdenticalToTheInlinedCxxSystem) {
  const auto [method, p] = GetParam();
  cubie::models::compile_options o;
  o.gpu = cubie::models::gpu_compile::off;
  o.methods = {method};
  o.precision = p;
  o.cache_dir = CUBIE_TEST_CACHE_DIR;
  cubie::models::compile_report report;
  const auto model = cubie::models::compile_model(four_bodies_model(), o, &report);
  ASSERT_TRUE(report.cpu.built);
  // The compiled unit is the outlined form: otherwise this test would test nothing new.
  EXPECT_NE(read_text(report.cpu.source_path).find("[[gnu::noinline]] void rhs("), std::string::npos)
      << report.cpu.source_path;
  const auto cxx = cubie::test::cxx_four_bodies_reference();
  // 16 states: one register per pack, on both sides.
  if (p == precision::float32) {
    EXPECT_EQ(model->cpu_simd_lanes_float, cxx->cpu_simd_lanes_float);
    EXPECT_EQ(model->cpu_simd_lanes_float, (cubie::cpu::simd_lanes_for<float, 16>));
  } else {
    EXPECT_EQ(model->cpu_simd_lanes_double, cxx->cpu_simd_lanes_double);
    EXPECT_EQ(model->cpu_simd_lanes_double, (cubie::cpu::simd_lanes_for<double, 16>));
  }

  const cubie::SolveResult from_model = solve_four_bodies(model, method, p);
  const cubie::SolveResult from_cxx = solve_four_bodies(cxx, method, p);
  if (p == precision::float32) {
    expect_bit_identical<float>(from_model, from_cxx);
  } else {
    expect_bit_identical<double>(from_model, from_cxx);
  }
}

INSTANTIATE_TEST_SUITE_P(TheReferencesPairs, CompiledFourBodiesOnCpu,
                         ::testing::Values(std::tuple{"dormand_prince_54", precision::float64},
                                           std::tuple{"classical_rk4", precision::float32}),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param)) +
                                  (std::get<1>(info.param) == precision::float32 ? "_float32" : "_float64");
                         });

TEST(CompiledModel, CarriesTheModelsNamesAndDefaults) {
  const auto model = compiled_lorenz(precision::float32, nullptr);
  EXPECT_EQ(model->info.name, "lorenz");
  EXPECT_EQ(model->info.state_defaults, (std::vector<double>{1.0, 0.0, 0.0}));
  EXPECT_EQ(model->info.parameter_defaults, (std::vector<double>{21.0}));
  // Only what was asked for: float32 entries, no float64 and no GPU kernels.
  EXPECT_TRUE(model->cpu_methods(precision::float64).empty());
  EXPECT_TRUE(model->gpu.empty());
}

TEST(CompiledModel, OutlivesTheCallerAndKeepsItsCodeLoaded) {
  // The Solver holds the compiled_system; the library stays loaded while it does.
  std::unique_ptr<cubie::Solver> solver;
  {
    auto model = compiled_lorenz(precision::float64, nullptr);
    cubie::solver_settings s;
    s.algorithm = "rk4";
    s.dt = 1.0 / 256;
    s.precision = precision::float64;
    s.backend = "cpu";
    solver = std::make_unique<cubie::Solver>(std::move(model), s);
  }
  const auto ensemble = cubie::test::make_lorenz_ensemble(17);
  const cubie::SolveResult r = solver->solve(ensemble.initial_values, ensemble.parameters, {});
  EXPECT_EQ(r.failed_runs(), 0);
  EXPECT_EQ(r.n_runs(), 17);
}

// A method's library holds the general loop only unless the model's own solve takes the
// fixed-count path; the first solve that takes it compiles the fixed-count library (once; the
// hook hears of it), and its results are the C++ system's, bit for bit, as are those of the
// library built with both paths at once (fixed_count_build::now).
TEST(CompiledModel, CompilesTheFixedCountPathOnItsFirstSolve) {
  cubie::test::scratch_folder dir;
  cubie::models::compile_options o;
  o.gpu = cubie::models::gpu_compile::off;
  o.methods = {"dormand_prince_54", "rk4"};
  o.precision = precision::float64;
  o.cache_dir = dir.path();
  std::vector<std::string> heard;
  o.on_deferred_compile = [&](const std::string& what) { heard.push_back(what); };
  cubie::models::compile_report report;
  const auto model = cubie::models::compile_model(cubie::test::lorenz_model(), o, &report);
  EXPECT_EQ(report.cpu.compiler_runs, 2);  // lorenz.toml saves every 0.01: no fixed-count path
  ASSERT_NE(model->cpu_fixed_count, nullptr);
  EXPECT_EQ(model->cpu_fixed_count->size(), 2u);
  const cubie::cpu_entry rk4 = model->cpu.at({"classical_rk4", precision::float64});
  const cubie::cpu_entry dopri = model->cpu.at({"dormand_prince_54", precision::float64});

  auto solve = [&](std::shared_ptr<const cubie::compiled_system> sys, const char* method) {
    cubie::solver_settings s;
    s.algorithm = method;
    s.precision = precision::float64;
    s.backend = "cpu";
    s.dt = 1e-3;  // not a binary fraction: the general loop would end on other bits
    cubie::Solver solver(std::move(sys), s);
    const auto ensemble = cubie::test::make_lorenz_ensemble(100);
    cubie::solve_spec spec;  // no save between the ends
    spec.duration = 1.0;
    return solver.solve(ensemble.initial_values, ensemble.parameters, spec);
  };
  // Adaptive and saving in between: the general loop, nothing compiled.
  (void)solve(model, "dormand_prince_54");
  (void)solve_lorenz(model, "classical_rk4", precision::float64);
  EXPECT_EQ(model->cpu_fixed_count->builds().first, 0);
  EXPECT_EQ(dir.files_ending(".so").size(), 2u);
  EXPECT_TRUE(heard.empty());

  const cubie::SolveResult fixed = solve(model, "classical_rk4");
  EXPECT_TRUE(model->cpu_fixed_count->built(cubie::entry_key_of(rk4)));
  EXPECT_FALSE(model->cpu_fixed_count->built(cubie::entry_key_of(dopri)));
  EXPECT_EQ(model->cpu_fixed_count->builds().first, 1);
  EXPECT_EQ(dir.files_ending(".so").size(), 3u);
  ASSERT_EQ(heard.size(), 1u);
  EXPECT_EQ(heard.front(), "compiling model 'lorenz' (classical_rk4, double, fixed-count path)");
  (void)solve(model, "classical_rk4");
  EXPECT_EQ(model->cpu_fixed_count->builds().first, 1);
  expect_bit_identical<double>(fixed, solve(cxx_lorenz(), "classical_rk4"));

  // Both paths at once: one library per method, no deferred entries, the same bits.
  o.gpu_fixed_count = cubie::models::fixed_count_build::now;
  heard.clear();
  const auto at_once = cubie::models::compile_model(cubie::test::lorenz_model(), o, &report);
  EXPECT_EQ(report.cpu.compiler_runs, 2);
  EXPECT_EQ(at_once->cpu_fixed_count, nullptr);
  expect_bit_identical<double>(fixed, solve(at_once, "classical_rk4"));
  expect_bit_identical<double>(solve_lorenz(model, "dormand_prince_54", precision::float64),
                               solve_lorenz(at_once, "dormand_prince_54", precision::float64));
  EXPECT_TRUE(heard.empty());
}

}  // namespace
