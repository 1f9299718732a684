// The compile cache: SHA-256 and key framing, atomic entries, and compile_model's use
// of it: a miss compiles, a hit compiles nothing, a changed model or option misses,
// concurrent compiles of one model leave one valid entry, a damaged entry is rebuilt,
// and a generated-code compile failure is an internal_error that keeps the source.
#include "cubie/models/compile_cache.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <sstream>
#include <thread>

#include "compile_test_support.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/error.hpp"
#include "cubie/models/model_compiler.hpp"
#include "models/sha256.hpp"

namespace {

namespace fs = std::filesystem;
using cubie::models::cache_key_builder;
using cubie::models::compile_cache;
using cubie::models::compile_options;
using cubie::models::compile_report;
using cubie::test::scratch_folder;

// ---- SHA-256 and keys ----------------------------------------------------------

TEST(Sha256, MatchesTheFipsTestVectors) {
  using cubie::models::detail::sha256_hex;
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, GivesTheSameDigestWhateverTheUpdateSizes) {
  std::string text;
  for (int i = 0; i < 1000; ++i) text += std::to_string(i * 7919) + ",";
  cubie::models::detail::sha256 pieces;
  for (std::size_t at = 0, n = 1; at < text.size(); at += n, n = n % 97 + 13) pieces.update(text.substr(at, n));
  EXPECT_EQ(pieces.hex_digest(), cubie::models::detail::sha256_hex(text));
}

TEST(CacheKey, FramesFieldsSoConcatenationsDoNotCollide) {
  const std::string a = cache_key_builder().add("x", "ab").add("y", "c").key();
  const std::string b = cache_key_builder().add("x", "a").add("y", "bc").key();
  const std::string c = cache_key_builder().add("x", "ab").add("y", "c").key();
  EXPECT_NE(a, b);
  EXPECT_EQ(a, c);
  EXPECT_EQ(a.size(), 64u);
  const std::string manifest = cache_key_builder().add("short", "value").add("long", std::string(500, 'z')).manifest();
  EXPECT_NE(manifest.find("short: value\n"), std::string::npos);
  EXPECT_NE(manifest.find("long: sha256 "), std::string::npos);
  EXPECT_NE(manifest.find("(500 bytes)"), std::string::npos);
}

TEST(DefaultCacheDirectory, FollowsCubieCacheDirThenXdgThenHome) {
  struct saved_env {
    std::string name;
    std::optional<std::string> value;
    explicit saved_env(std::string n) : name(std::move(n)) {
      if (const char* v = std::getenv(name.c_str())) value = v;
    }
    ~saved_env() {
      if (value)
        setenv(name.c_str(), value->c_str(), 1);
      else
        unsetenv(name.c_str());
    }
  };
  saved_env cubie_dir("CUBIE_CACHE_DIR"), xdg("XDG_CACHE_HOME"), home("HOME");
  setenv("CUBIE_CACHE_DIR", "/tmp/a", 1);
  setenv("XDG_CACHE_HOME", "/tmp/b", 1);
  setenv("HOME", "/tmp/c", 1);
  EXPECT_EQ(cubie::models::default_cache_directory(), fs::path("/tmp/a"));
  setenv("CUBIE_CACHE_DIR", "", 1);
  EXPECT_EQ(cubie::models::default_cache_directory(), fs::path("/tmp/b/cubie"));
  unsetenv("XDG_CACHE_HOME");
  EXPECT_EQ(cubie::models::default_cache_directory(), fs::path("/tmp/c/.cache/cubie"));
  unsetenv("HOME");
  unsetenv("CUBIE_CACHE_DIR");
  EXPECT_THROW((void)cubie::models::default_cache_directory(), cubie::invalid_argument);
}

// ---- the cache folder ----------------------------------------------------------

TEST(CompileCache, WritesEntriesAtomicallyAndLeavesNoScratch) {
  scratch_folder dir;
  const compile_cache cache(dir.path() / "nested" / "cache");
  const std::string key(64, 'a');
  EXPECT_FALSE(cache.contains(key, ".txt"));
  EXPECT_FALSE(cache.read(key, ".txt").has_value());
  cache.write(key, ".txt", "first");
  cache.write(key, ".txt", "second");  // replaces
  EXPECT_EQ(cache.read(key, ".txt"), std::optional<std::string>("second"));
  EXPECT_TRUE(fs::is_empty(dir.path() / "nested" / "cache") == false);
  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(cache.directory())) {
    ++files;
    EXPECT_NE(e.path().filename().string()[0], '.') << "scratch file left: " << e.path();
  }
  EXPECT_EQ(files, 1u);
}

TEST(CompileCache, ScratchPathsAreUniqueAndStaleOnesAreRemoved) {
  scratch_folder dir;
  const compile_cache cache(dir.path());
  const std::string key(64, 'b');
  const fs::path s1 = cache.scratch_path(key, ".so"), s2 = cache.scratch_path(key, ".so");
  EXPECT_NE(s1, s2);
  EXPECT_EQ(s1.parent_path(), dir.path());
  std::ofstream(s1) << "left by a crashed compile";
  std::ofstream(s2) << "being written now";
  fs::last_write_time(s1, fs::file_time_type::clock::now() - std::chrono::hours(48));
  EXPECT_EQ(cache.remove_stale_scratch(std::chrono::hours(24)), 1u);
  EXPECT_FALSE(fs::exists(s1));
  EXPECT_TRUE(fs::exists(s2));
  std::ofstream(dir.path() / "unrelated.txt") << "not ours";
  cache.write(key, ".so", "x");
  EXPECT_EQ(cache.clear(), 2u);  // the entry and the scratch file, not the unrelated file
  EXPECT_TRUE(fs::exists(dir.path() / "unrelated.txt"));
}

TEST(CompileCache, RefusesAFolderItCannotCreate) {
  scratch_folder dir;
  std::ofstream(dir.path() / "a_file") << "x";
  EXPECT_THROW(compile_cache(dir.path() / "a_file" / "cache"), cubie::invalid_argument);
}

// ---- compile_model and the cache ------------------------------------------------

// Euler keeps these compiles short; what is tested is the caching, not the method.
compile_options cpu_options(const fs::path& cache_dir) {
  compile_options o;
  o.gpu = cubie::models::gpu_compile::off;
  o.methods = {"euler"};
  o.cache_dir = cache_dir;
  return o;
}

// Runs a small fixed-step solve, so a loaded entry is known to work.
double final_x(std::shared_ptr<const cubie::compiled_system> sys) {
  cubie::solver_settings s;
  s.algorithm = "euler";
  s.dt = 1.0 / 512;
  s.precision = cubie::precision::float32;
  s.backend = "cpu";
  cubie::Solver solver(std::move(sys), s);
  const auto ensemble = cubie::test::make_lorenz_ensemble(8);
  const cubie::SolveResult r = solver.solve(ensemble.initial_values, ensemble.parameters, {});
  EXPECT_EQ(r.failed_runs(), 0);
  return r.final_values("x").back();
}

TEST(ModelCompileCache, AMissCompilesAndASecondCallHits) {
  scratch_folder dir;
  const auto model = cubie::test::lorenz_model();
  compile_report first, second;
  const auto a = cubie::models::compile_model(model, cpu_options(dir.path()), &first);
  EXPECT_TRUE(first.cpu.built);
  EXPECT_FALSE(first.cpu.cache_hit);
  EXPECT_EQ(first.cpu.compiler_runs, 1);
  EXPECT_EQ(first.cpu.cache_key.size(), 64u);
  EXPECT_TRUE(fs::is_regular_file(first.cpu.artifact_path));
  EXPECT_EQ(first.cpu.artifact_path, dir.path() / (first.cpu.cache_key + ".so"));
  EXPECT_TRUE(fs::is_regular_file(first.cpu.source_path));  // kept for inspection
  EXPECT_TRUE(fs::is_regular_file(dir.path() / (first.cpu.cache_key + ".key")));

  const auto b = cubie::models::compile_model(model, cpu_options(dir.path()), &second);
  EXPECT_TRUE(second.cpu.cache_hit);
  EXPECT_EQ(second.cpu.compiler_runs, 0);
  EXPECT_EQ(second.cpu.cache_key, first.cpu.cache_key);
  EXPECT_LT(second.cpu.compile_ms, first.cpu.compile_ms);
  std::cout << "[ timing ] cold CPU compile (euler, float32): " << first.cpu.compile_ms
            << " ms; cache hit: " << second.cpu.compile_ms << " ms\n";
  EXPECT_EQ(final_x(a), final_x(b));
}

TEST(ModelCompileFailure, AMissingHostCompilerIsAClearError) {
  scratch_folder dir;
  setenv("CUBIE_CXX", "/nonexistent/c++", 1);
  try {
    (void)cubie::models::compile_model(cubie::test::lorenz_model(), cpu_options(dir.path()));
    unsetenv("CUBIE_CXX");
    FAIL() << "expected cubie::error";
  } catch (const cubie::internal_error& e) {
    unsetenv("CUBIE_CXX");
    FAIL() << "not an internal error: the generated code is fine, the compiler is missing: " << e.what();
  } catch (const cubie::error& e) {
    unsetenv("CUBIE_CXX");
    EXPECT_NE(std::string(e.what()).find("/nonexistent/c++"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("CUBIE_CXX"), std::string::npos) << e.what();
  }
}

TEST(ModelCompileCache, ChangingAConstantOrAnOptionMisses) {
  scratch_folder dir;
  auto model = cubie::test::lorenz_model();
  compile_report base, constant, flag, method, precision;
  (void)cubie::models::compile_model(model, cpu_options(dir.path()), &base);

  auto changed = model;
  cubie::models::apply_override(changed, "constants.sigma=11.0");
  (void)cubie::models::compile_model(changed, cpu_options(dir.path()), &constant);
  EXPECT_FALSE(constant.cpu.cache_hit);
  EXPECT_EQ(constant.cpu.compiler_runs, 1);
  EXPECT_NE(constant.cpu.cache_key, base.cpu.cache_key);

  auto with_flag = cpu_options(dir.path());
  with_flag.extra_cxx_flags = {"-DCUBIE_TEST_CACHE_KEY_FLAG=1"};
  (void)cubie::models::compile_model(model, with_flag, &flag);
  EXPECT_FALSE(flag.cpu.cache_hit);
  EXPECT_NE(flag.cpu.cache_key, base.cpu.cache_key);

  // Each method is a unit of its own: euler's entry is reused, only heun compiles.
  auto with_methods = cpu_options(dir.path());
  with_methods.methods = {"euler", "heun"};
  const auto two = cubie::models::compile_model(model, with_methods, &method);
  EXPECT_FALSE(method.cpu.cache_hit);
  EXPECT_EQ(method.cpu.compiler_runs, 1);
  ASSERT_EQ(method.cpu.units.size(), 2u);
  EXPECT_EQ(method.cpu.units[0].methods, std::vector<std::string>{"euler"});
  EXPECT_TRUE(method.cpu.units[0].cache_hit);
  EXPECT_EQ(method.cpu.units[0].cache_key, base.cpu.cache_key);
  EXPECT_EQ(method.cpu.units[1].methods, std::vector<std::string>{"heun_21"});
  EXPECT_TRUE(method.cpu.units[1].compiled);
  EXPECT_NE(method.cpu.units[1].cache_key, base.cpu.cache_key);
  EXPECT_EQ(two->cpu_methods(cubie::precision::float32), (std::vector<std::string>{"euler", "heun_21"}));

  auto with_precision = cpu_options(dir.path());
  with_precision.precision = cubie::precision::float64;
  const auto f64 = cubie::models::compile_model(model, with_precision, &precision);
  EXPECT_FALSE(precision.cpu.cache_hit);
  EXPECT_NE(precision.cpu.cache_key, base.cpu.cache_key);
  EXPECT_EQ(f64->cpu_methods(cubie::precision::float64), std::vector<std::string>{"euler"});

  // Each is now a hit, and the original entry is still there.
  compile_report again;
  (void)cubie::models::compile_model(changed, cpu_options(dir.path()), &again);
  EXPECT_TRUE(again.cpu.cache_hit);
  (void)cubie::models::compile_model(model, cpu_options(dir.path()), &again);
  EXPECT_TRUE(again.cpu.cache_hit);
  EXPECT_EQ(again.cpu.cache_key, base.cpu.cache_key);
}

TEST(ModelCompileCache, ConcurrentCompilesOfOneModelLeaveOneValidEntry) {
  scratch_folder dir;
  const auto model = cubie::test::lorenz_model();
  auto compile = [&] {
    compile_report rep;
    auto sys = cubie::models::compile_model(model, cpu_options(dir.path()), &rep);
    return std::pair{sys, rep};
  };
  auto one = std::async(std::launch::async, compile);
  auto two = std::async(std::launch::async, compile);
  const auto [sys_one, rep_one] = one.get();
  const auto [sys_two, rep_two] = two.get();
  EXPECT_EQ(rep_one.cpu.cache_key, rep_two.cpu.cache_key);
  EXPECT_EQ(dir.files_ending(".so").size(), 1u);
  EXPECT_EQ(dir.files_ending(".cpp").size(), 1u);
  EXPECT_TRUE(dir.hidden_files().empty()) << dir.hidden_files().front();
  EXPECT_EQ(final_x(sys_one), final_x(sys_two));
  compile_report later;
  const auto sys_three = cubie::models::compile_model(model, cpu_options(dir.path()), &later);
  EXPECT_TRUE(later.cpu.cache_hit);
  EXPECT_EQ(final_x(sys_three), final_x(sys_one));
}

TEST(ModelCompileCache, ADamagedEntryIsRebuilt) {
  scratch_folder dir;
  const auto model = cubie::test::lorenz_model();
  compile_report first, second;
  double expected = 0.0;
  {
    const auto sys = cubie::models::compile_model(model, cpu_options(dir.path()), &first);
    expected = final_x(sys);
  }  // unloaded here, so the next dlopen reads the file again
  std::ofstream(first.cpu.artifact_path, std::ios::trunc) << "not a shared object";
  const auto sys = cubie::models::compile_model(model, cpu_options(dir.path()), &second);
  EXPECT_FALSE(second.cpu.cache_hit);
  EXPECT_EQ(second.cpu.compiler_runs, 1);
  EXPECT_EQ(final_x(sys), expected);
}

TEST(ModelCompileFailure, IsAnInternalErrorThatKeepsTheGeneratedSource) {
  scratch_folder dir;
  auto o = cpu_options(dir.path());
  o.extra_cxx_flags = {"-fcubie-test-no-such-flag"};
  try {
    (void)cubie::models::compile_model(cubie::test::lorenz_model(), o);
    FAIL() << "expected cubie::internal_error";
  } catch (const cubie::internal_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("failed to compile for the CPU"), std::string::npos) << what;
    EXPECT_NE(what.find("bug in cubie"), std::string::npos) << what;
    EXPECT_NE(what.find("-fcubie-test-no-such-flag"), std::string::npos) << "the compiler's log: " << what;
    const auto sources = dir.files_ending(".cpp");
    ASSERT_EQ(sources.size(), 1u);
    const fs::path kept = dir.path() / sources.front();
    EXPECT_NE(what.find(kept.string()), std::string::npos) << what;
    std::ifstream in(kept);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NE(text.str().find("struct cubie_generated_system"), std::string::npos);
    EXPECT_EQ(dir.files_ending(".log").size(), 1u);
    EXPECT_TRUE(dir.files_ending(".so").empty());
    EXPECT_TRUE(dir.hidden_files().empty());
  }
}

TEST(ModelCompileOptions, RejectUnknownMethodsAndEmptyRequests) {
  scratch_folder dir;
  auto o = cpu_options(dir.path());
  o.methods = {"runge_kutta_99"};
  try {
    (void)cubie::models::compile_model(cubie::test::lorenz_model(), o);
    FAIL() << "expected invalid_argument";
  } catch (const cubie::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("runge_kutta_99"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("dormand_prince_54"), std::string::npos);
  }
  o = cpu_options(dir.path());
  o.cpu = false;
  EXPECT_THROW((void)cubie::models::compile_model(cubie::test::lorenz_model(), o), cubie::invalid_argument);
}

TEST(ModelCompileOptions, DefaultToTheModelsAlgorithmAndPrecision) {
  auto o = cpu_options(CUBIE_TEST_CACHE_DIR);
  o.methods.clear();
  compile_report rep;
  const auto sys = cubie::models::compile_model(cubie::test::lorenz_model(), o, &rep);
  EXPECT_EQ(sys->cpu_methods(cubie::precision::float32), std::vector<std::string>{"dormand_prince_54"});
  EXPECT_TRUE(sys->cpu_methods(cubie::precision::float64).empty());
}

}  // namespace
