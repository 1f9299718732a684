// The precompiled prelude of CPU model units (src/models/precompiled_prelude.hpp): built
// beside the first compile in a cache folder and used by the next, with the same compiled
// code and results as a compile without it; one the compiler rejects is deleted and built
// again; a build that fails, or a compile that fails with it, leaves the user a working
// model and no error; new headers make a new one.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "compile_test_support.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/models/model_compiler.hpp"
#include "models/host_compiler.hpp"
#include "models/precompiled_prelude.hpp"

namespace {

namespace fs = std::filesystem;
using cubie::models::compile_options;
using cubie::models::compile_report;
using cubie::test::scratch_folder;

bool gcc_host_compiler() {
  return cubie::models::detail::precompiled_prelude::supported(cubie::models::detail::host_toolchain_for({}));
}

compile_options options_in(const fs::path& cache_dir, bool pch = true) {
  compile_options o;
  o.gpu = cubie::models::gpu_compile::off;
  o.methods = {"euler"};  // the cheapest compile: these tests are about the header, not the method
  o.cache_dir = cache_dir;
  o.precompiled_header = pch;
  return o;
}

// Lorenz with sigma = `sigma`: each value is a model of its own (a cache miss).
cubie::models::model_definition lorenz_with_sigma(double sigma) {
  auto model = cubie::test::lorenz_model();
  cubie::models::apply_override(model, "constants.sigma=" + std::to_string(sigma));
  return model;
}

// Every saved value of a fixed-step solve of the Lorenz ensemble.
std::vector<float> solve(std::shared_ptr<const cubie::compiled_system> sys) {
  cubie::solver_settings s;
  s.algorithm = "euler";
  s.precision = cubie::precision::float32;
  s.backend = "cpu";
  s.dt = 1.0 / 1024;
  cubie::Solver solver(std::move(sys), s);
  const auto ensemble = cubie::test::make_lorenz_ensemble(64);
  cubie::solve_spec spec;
  spec.duration = 2.0;
  spec.save_every = 0.25;
  const cubie::SolveResult r = solver.solve(ensemble.initial_values, ensemble.parameters, spec);
  EXPECT_EQ(r.failed_runs(), 0);
  const auto values = r.time_domain<float>();
  return {values.begin(), values.end()};
}

std::string file_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> pch_files(const scratch_folder& dir) { return dir.files_ending(".pch.hpp.gch"); }

// A compiler wrapper script in `dir` that fails (exit 1) when its arguments hold `word`
// and runs the real compiler otherwise.
fs::path failing_compiler(const fs::path& dir, const std::string& word) {
  const fs::path script = dir / ("cxx-fails-on" + word);
  std::ofstream(script) << "#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = \"" << word
                        << "\" ] && { echo 'test compiler refuses " << word << "' >&2; exit 1; }; done\nexec '"
                        << cubie::models::detail::host_toolchain_for({}).compiler << "' \"$@\"\n";
  fs::permissions(script, fs::perms::owner_all);
  return script;
}

TEST(PrecompiledPrelude, IsBuiltByTheFirstCompileAndUsedByTheNextWithTheSameCode) {
  if (!gcc_host_compiler()) GTEST_SKIP() << "the host compiler is not GCC: no precompiled header";
  scratch_folder dir, plain_dir;
  compile_report first, second, plain;
  const auto a = cubie::models::compile_model(lorenz_with_sigma(10.0), options_in(dir.path()), &first);
  EXPECT_TRUE(first.cpu.precompiled_header_built);
  ASSERT_EQ(first.cpu.units.size(), 1u);
  EXPECT_FALSE(first.cpu.units[0].precompiled_header);  // compiled while the header was being built
  EXPECT_EQ(pch_files(dir).size(), 1u);

  const auto b = cubie::models::compile_model(lorenz_with_sigma(11.0), options_in(dir.path()), &second);
  EXPECT_FALSE(second.cpu.cache_hit);
  EXPECT_TRUE(second.cpu.units[0].precompiled_header);
  EXPECT_FALSE(second.cpu.precompiled_header_built);
  EXPECT_TRUE(dir.hidden_files().empty());

  // The same model without the precompiled header, in another folder: the same source
  // (the same key), the same machine code, the same results.
  const auto c = cubie::models::compile_model(lorenz_with_sigma(11.0), options_in(plain_dir.path(), false), &plain);
  EXPECT_FALSE(plain.cpu.units[0].precompiled_header);
  EXPECT_FALSE(plain.cpu.precompiled_header_built);
  EXPECT_TRUE(pch_files(plain_dir).empty());
  EXPECT_EQ(plain.cpu.cache_key, second.cpu.cache_key);
  EXPECT_EQ(file_bytes(plain.cpu.artifact_path), file_bytes(second.cpu.artifact_path));
  EXPECT_EQ(solve(b), solve(c));
  EXPECT_NE(solve(a), solve(b));  // sigma changed: the solves can tell the models apart
}

TEST(PrecompiledPrelude, OneTheCompilerRejectsIsDeletedAndBuiltAgain) {
  if (!gcc_host_compiler()) GTEST_SKIP() << "the host compiler is not GCC: no precompiled header";
  scratch_folder dir, plain_dir;
  compile_report built, rejected, again, plain;
  (void)cubie::models::compile_model(lorenz_with_sigma(10.0), options_in(dir.path()), &built);
  ASSERT_EQ(pch_files(dir).size(), 1u);
  const fs::path gch = dir.path() / pch_files(dir).front();
  {
    // Not a precompiled header any more, and the same size (so the size check passes):
    // GCC's own check must catch it.
    std::fstream f(gch, std::ios::in | std::ios::out | std::ios::binary);
    f.write("not-gch!", 8);
  }
  const auto sys = cubie::models::compile_model(lorenz_with_sigma(12.0), options_in(dir.path()), &rejected);
  EXPECT_FALSE(rejected.cpu.units[0].precompiled_header);
  EXPECT_TRUE(rejected.cpu.precompiled_header_built);  // deleted, then built again
  EXPECT_NE(file_bytes(gch).substr(0, 8), "not-gch!");
  (void)cubie::models::compile_model(lorenz_with_sigma(13.0), options_in(dir.path()), &again);
  EXPECT_TRUE(again.cpu.units[0].precompiled_header);

  const auto reference = cubie::models::compile_model(lorenz_with_sigma(12.0), options_in(plain_dir.path(), false), &plain);
  EXPECT_EQ(solve(sys), solve(reference));
}

TEST(PrecompiledPrelude, ABuildThatFailsLeavesAWorkingModelAndNoError) {
  if (!gcc_host_compiler()) GTEST_SKIP() << "the host compiler is not GCC: no precompiled header";
  scratch_folder dir, tools;
  setenv("CUBIE_CXX", failing_compiler(tools.path(), "c++-header").c_str(), 1);
  compile_report first, second;
  std::shared_ptr<const cubie::compiled_system> sys;
  try {
    sys = cubie::models::compile_model(lorenz_with_sigma(10.0), options_in(dir.path()), &first);
    (void)cubie::models::compile_model(lorenz_with_sigma(11.0), options_in(dir.path()), &second);
  } catch (...) {
    unsetenv("CUBIE_CXX");
    throw;
  }
  unsetenv("CUBIE_CXX");
  EXPECT_FALSE(first.cpu.precompiled_header_built);
  EXPECT_FALSE(second.cpu.units[0].precompiled_header);
  EXPECT_TRUE(pch_files(dir).empty());
  EXPECT_TRUE(dir.hidden_files().empty());
  EXPECT_FALSE(solve(sys).empty());
}

TEST(PrecompiledPrelude, ACompileThatFailsWithItIsRepeatedWithoutIt) {
  if (!gcc_host_compiler()) GTEST_SKIP() << "the host compiler is not GCC: no precompiled header";
  scratch_folder dir, tools, plain_dir;
  compile_report retried, plain;
  // A compiler that fails whenever it is handed the precompiled header (-include).
  setenv("CUBIE_CXX", failing_compiler(tools.path(), "-include").c_str(), 1);
  std::shared_ptr<const cubie::compiled_system> sys;
  compile_report with_wrapper;
  try {
    // The first compile builds the header (the compiler is part of its key); the second
    // is handed it, fails, and is repeated without it.
    (void)cubie::models::compile_model(lorenz_with_sigma(11.0), options_in(dir.path()), &with_wrapper);
    sys = cubie::models::compile_model(lorenz_with_sigma(12.0), options_in(dir.path()), &retried);
  } catch (...) {
    unsetenv("CUBIE_CXX");
    throw;
  }
  unsetenv("CUBIE_CXX");
  EXPECT_TRUE(with_wrapper.cpu.precompiled_header_built);
  EXPECT_FALSE(retried.cpu.units[0].precompiled_header);
  EXPECT_TRUE(retried.cpu.units[0].compiled);
  EXPECT_TRUE(pch_files(dir).empty());  // deleted, and this compiler is given none again
  EXPECT_TRUE(dir.hidden_files().empty());
  compile_report after;
  setenv("CUBIE_CXX", failing_compiler(tools.path(), "-include").c_str(), 1);
  (void)cubie::models::compile_model(lorenz_with_sigma(13.0), options_in(dir.path()), &after);
  unsetenv("CUBIE_CXX");
  EXPECT_FALSE(after.cpu.units[0].precompiled_header);
  EXPECT_FALSE(after.cpu.precompiled_header_built);
  EXPECT_TRUE(pch_files(dir).empty());
  const auto reference = cubie::models::compile_model(lorenz_with_sigma(12.0), options_in(plain_dir.path(), false), &plain);
  EXPECT_EQ(solve(sys), solve(reference));
}

TEST(PrecompiledPrelude, OtherHeadersMakeANewOne) {
  if (!gcc_host_compiler()) GTEST_SKIP() << "the host compiler is not GCC: no precompiled header";
  scratch_folder dir, headers;
  compile_report before, after, later;
  (void)cubie::models::compile_model(lorenz_with_sigma(10.0), options_in(dir.path()), &before);
  ASSERT_EQ(pch_files(dir).size(), 1u);
  // A copy of cubie's headers with one comment more: another header digest.
  fs::copy(cubie::models::include_dir() / "cubie", headers.path() / "cubie", fs::copy_options::recursive);
  std::ofstream(headers.path() / "cubie/core/types.hpp", std::ios::app) << "// edited\n";
  setenv("CUBIE_INCLUDE_DIR", headers.path().c_str(), 1);
  try {
    (void)cubie::models::compile_model(lorenz_with_sigma(10.0), options_in(dir.path()), &after);
    (void)cubie::models::compile_model(lorenz_with_sigma(11.0), options_in(dir.path()), &later);
  } catch (...) {
    unsetenv("CUBIE_INCLUDE_DIR");
    throw;
  }
  unsetenv("CUBIE_INCLUDE_DIR");
  EXPECT_FALSE(after.cpu.cache_hit);  // the headers are part of every key
  EXPECT_TRUE(after.cpu.precompiled_header_built);
  EXPECT_FALSE(after.cpu.units[0].precompiled_header);  // the old header is not used
  EXPECT_TRUE(later.cpu.units[0].precompiled_header);
  EXPECT_EQ(pch_files(dir).size(), 2u);
}

// Runs `body` with the environment variable `name` set to `value`, then unsets it.
template <class F>
void with_env(const char* name, const std::string& value, F&& body) {
  setenv(name, value.c_str(), 1);
  try {
    body();
  } catch (...) {
    unsetenv(name);
    throw;
  }
  unsetenv(name);
}

TEST(PrecompiledPrelude, OnePreparedInTheSharedFolderServesTheFirstCompileInAnEmptyCache) {
  if (!gcc_host_compiler()) GTEST_SKIP() << "the host compiler is not GCC: no precompiled header";
  scratch_folder shared, dir, plain_dir;
  const fs::path gch = cubie::models::precompile_model_headers(shared.path());  // what `cubie prepare` runs
  ASSERT_TRUE(fs::is_regular_file(gch));
  EXPECT_EQ(gch.parent_path(), shared.path());
  EXPECT_EQ(cubie::models::precompile_model_headers(shared.path()), gch);  // complete: nothing rebuilt
  compile_report first, plain;
  std::shared_ptr<const cubie::compiled_system> sys;
  with_env("CUBIE_PCH_DIR", shared.path().string(), [&] {
    EXPECT_EQ(cubie::models::precompiled_headers_directory(), shared.path());
    sys = cubie::models::compile_model(lorenz_with_sigma(10.0), options_in(dir.path()), &first);
  });
  EXPECT_TRUE(first.cpu.units[0].precompiled_header);  // the very first compile in `dir`
  EXPECT_FALSE(first.cpu.precompiled_header_built);
  EXPECT_TRUE(pch_files(dir).empty());  // the cache folder needs none of its own
  const auto reference = cubie::models::compile_model(lorenz_with_sigma(10.0), options_in(plain_dir.path(), false), &plain);
  EXPECT_EQ(plain.cpu.cache_key, first.cpu.cache_key);
  EXPECT_EQ(file_bytes(plain.cpu.artifact_path), file_bytes(first.cpu.artifact_path));
  EXPECT_EQ(solve(sys), solve(reference));
}

TEST(PrecompiledPrelude, ASharedOneTheCompilerRejectsIsLeftAloneAndTheCacheBuildsItsOwn) {
  if (!gcc_host_compiler()) GTEST_SKIP() << "the host compiler is not GCC: no precompiled header";
  scratch_folder shared, dir;
  const fs::path gch = cubie::models::precompile_model_headers(shared.path());
  {
    std::fstream f(gch, std::ios::in | std::ios::out | std::ios::binary);
    f.write("not-gch!", 8);  // same size: only GCC's own check can tell
  }
  compile_report rejected, next;
  with_env("CUBIE_PCH_DIR", shared.path().string(), [&] {
    (void)cubie::models::compile_model(lorenz_with_sigma(10.0), options_in(dir.path()), &rejected);
    (void)cubie::models::compile_model(lorenz_with_sigma(11.0), options_in(dir.path()), &next);
  });
  EXPECT_FALSE(rejected.cpu.units[0].precompiled_header);
  EXPECT_TRUE(rejected.cpu.precompiled_header_built);  // the cache folder's own
  EXPECT_EQ(file_bytes(gch).substr(0, 8), "not-gch!");  // shared files are never written
  EXPECT_TRUE(next.cpu.units[0].precompiled_header);   // the cache folder's, not the shared one
  EXPECT_EQ(pch_files(dir).size(), 1u);
}

}  // namespace
