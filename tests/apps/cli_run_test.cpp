// `cubie run` end to end on the examples: exit code 0, the --json keys, the HDF5 file
// read back with the HDF5 C API (sweep order, model text, completeness), CSV output, and
// a small host budget that streams many chunks into the same file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "cli_runner.hpp"
#include "io/hdf5_reader.hpp"
#include "io/io_test_dir.hpp"

namespace {

using namespace cubie::test;

class cli_run : public temp_dir_test {};

TEST_F(cli_run, lorenz_to_hdf5_with_json_summary) {
  const auto out = dir_ / "lorenz.h5";
  const cli_result r =
      run_cli({"run", example("lorenz.toml"), "--backend", "cpu", "--out", out.string(), "--json"}, dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // One JSON object on one line, with the documented keys.
  ASSERT_FALSE(r.out.empty());
  EXPECT_EQ(r.out.front(), '{');
  EXPECT_EQ(r.out.find('\n'), r.out.size() - 1);
  for (const char* key : {"\"runs\":2000", "\"failed\":{\"count\":0", "\"by_status\":", "\"backend\":\"cpu\"",
                          "\"chunks\":", "\"peak_device_bytes\":", "\"timings_ms\":{\"compile\":", "\"solve\":",
                          "\"write\":", "\"output\":"}) {
    EXPECT_NE(r.out.find(key), std::string::npos) << key << " missing in " << r.out;
  }
  ASSERT_TRUE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "lorenz.partial.h5"));

  h5_reader f(out);
  EXPECT_EQ(f.shape("time_domain"), (std::vector<hsize_t>{101, 4, 2000}));
  EXPECT_EQ(f.element_type("time_domain").second, 4u);  // the model is float32
  EXPECT_EQ(f.scalar_attribute<std::uint8_t>("complete"), 1);
  EXPECT_EQ(f.string_attributes("variables"), (std::vector<std::string>{"x", "y", "z", "r2"}));
  EXPECT_EQ(f.string_attribute("model"), read_text(example("lorenz.toml")));
  EXPECT_NE(f.string_attribute("solver_settings").find("\"algorithm\":\"dormand_prince_54\""), std::string::npos);
  EXPECT_EQ(f.string_attribute("backend"), "cpu");
  const auto status = f.read<std::uint32_t>("status");
  EXPECT_EQ(std::count(status.begin(), status.end(), 0u), 2000);
  // The sweep in file order: rho (1000 values) then x (2 values), x varying fastest.
  const auto rho = f.read<double>("inputs/parameters");
  const auto iv = f.read<double>("inputs/initial_values");
  ASSERT_EQ(rho.size(), 2000u);
  EXPECT_EQ(rho[0], 0.0);
  EXPECT_EQ(rho[1], 0.0);
  EXPECT_EQ(rho[2], 21.0 / 999.0);
  EXPECT_EQ(rho[1999], 21.0);
  EXPECT_EQ(iv[0], 1.0);  // x of run 0
  EXPECT_EQ(iv[1], 2.0);  // x of run 1
  EXPECT_EQ(iv[2000], 0.0);  // y of run 0 (the default)
  const auto t = f.read<double>("time");
  EXPECT_EQ(t.front(), 0.0);
  EXPECT_DOUBLE_EQ(t.back(), 1.0);
}

TEST_F(cli_run, small_host_budget_streams_many_chunks_into_the_same_file) {
  const auto whole = dir_ / "whole.h5", streamed = dir_ / "streamed.h5";
  const std::vector<std::string> common = {"run", example("lorenz.toml"), "--backend", "cpu", "--quiet"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> a = common;
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  ASSERT_EQ(run_cli(with({"--out", whole.string()}), dir_).exit_code, 0);
  const cli_result r = run_cli(with({"--out", streamed.string(), "--json", "--set", "memory.host_budget_bytes=200000"}), dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto pos = r.out.find("\"chunks\":");
  ASSERT_NE(pos, std::string::npos);
  EXPECT_GT(std::stoll(r.out.substr(pos + 9)), 5) << r.out;
  h5_reader a(whole), b(streamed);
  const auto x = a.read<float>("time_domain"), y = b.read<float>("time_domain");
  ASSERT_EQ(x.size(), y.size());
  EXPECT_EQ(std::memcmp(x.data(), y.data(), x.size() * sizeof(float)), 0);
  EXPECT_EQ(a.read<std::uint32_t>("steps_accepted"), b.read<std::uint32_t>("steps_accepted"));
}

TEST_F(cli_run, csv_output_and_quiet) {
  const auto out = dir_ / "vdp.csv";
  const cli_result r = run_cli({"run", example("van_der_pol.toml"), "--backend", "cpu", "--set", "sweep.mu=[0.5, 2.0]",
                                "--set", "solver.duration=1.0", "--set", "solver.save_every=0.25", "--out",
                                out.string(), "--quiet"},
                               dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  const std::string text = read_text(out);
  EXPECT_EQ(text.substr(0, text.find('\n')), "run,status,t_reached,dt_last,mu,x_0,v_0,t,x,v,energy,damping");
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1 + 2 * 5);
  // Run 1 reached the end time 1; its last step size, then mu = 2, x_0 = 2, v_0 = 0, t = 0.25.
  EXPECT_NE(text.find("\n1,0,1,"), std::string::npos) << text;
  EXPECT_NE(text.find(",2,2,0,0.25,"), std::string::npos) << text;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "vdp.partial.csv"));
}

TEST_F(cli_run, no_output_file_prints_a_summary) {
  const cli_result r = run_cli({"run", example("lotka_volterra.toml"), "--backend", "cpu", "--set",
                                "solver.duration=2.0"},
                               dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("runs     1000"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("failed   0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("backend  cpu"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\noutput "), std::string::npos) << r.out;  // no "output" line (the path may hold the word)
}

TEST_F(cli_run, numerically_failed_runs_are_reported_not_an_error) {
  const cli_result r = run_cli({"run", example("lorenz.toml"), "--backend", "cpu", "--set", "solver.max_steps=20",
                                "--json", "--out", (dir_ / "f.h5").string()},
                               dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"failed\":{\"count\":2000"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"max_steps_exceeded\":2000"), std::string::npos) << r.out;
  h5_reader f(dir_ / "f.h5");
  EXPECT_EQ(f.read<std::uint32_t>("status")[0], 32u);
  // Where they stopped: the summary's range is the file's t_reached range.
  const auto t_reached = f.read<double>("t_reached");
  const auto [lo, hi] = std::minmax_element(t_reached.begin(), t_reached.end());
  EXPECT_LT(*hi, 1.0);
  EXPECT_NE(r.out.find("\"stopped_early\":2000"), std::string::npos) << r.out;
  const auto number_after = [&](const std::string& key) {
    const auto pos = r.out.find("\"" + key + "\":");
    EXPECT_NE(pos, std::string::npos) << key << " in " << r.out;
    return pos == std::string::npos ? -1.0 : std::stod(r.out.substr(pos + key.size() + 3));
  };
  EXPECT_EQ(number_after("t_reached_min"), *lo);
  EXPECT_EQ(number_after("t_reached_max"), *hi);
  EXPECT_GT(number_after("dt_last_min"), 0.0);
}

TEST_F(cli_run, summary_says_where_failed_runs_stopped) {
  const cli_result r = run_cli({"run", example("lorenz.toml"), "--backend", "cpu", "--set", "solver.max_steps=20"}, dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("stopped  2000 runs early at t = "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("; smallest final dt "), std::string::npos) << r.out;
}

// The files in `dir` whose names end with `suffix`.
int count_ending(const std::filesystem::path& dir, const std::string& suffix) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    n += name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  }
  return n;
}

// `cubie prepare` (what cmake --install runs): the precompiled headers it leaves serve the
// first `cubie run` in an empty cache folder, which then builds none of its own.
TEST_F(cli_run, prepare_precompiles_the_headers_the_first_run_uses) {
  const auto pch = dir_ / "pch", cache = dir_ / "cache";
  const cli_result prep = run_cli({"prepare", "--dir", pch.string()}, dir_);
  if (prep.exit_code != 0 && prep.err.find("GCC only") != std::string::npos) {
    GTEST_SKIP() << "the host compiler is not GCC: no precompiled headers";
  }
  ASSERT_EQ(prep.exit_code, 0) << prep.err;
  EXPECT_NE(prep.out.find("cubie: precompiled headers for model compiles: " + pch.string() + "/"), std::string::npos)
      << prep.out;
  EXPECT_EQ(count_ending(pch, ".pch.hpp.gch"), 1);
  EXPECT_EQ(run_cli({"prepare", "--dir", pch.string(), "--quiet"}, dir_).out, "");  // already there: quiet

  ::setenv("CUBIE_PCH_DIR", pch.c_str(), 1);
  const cli_result r = run_cli_as({"run", example("lorenz.toml"), "--backend", "cpu", "--set", "constants.sigma=10.5",
                                   "--json"},
                                  dir_, {.cache_dir = cache.string()});
  ::unsetenv("CUBIE_PCH_DIR");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"compile_cache_hit\":false"), std::string::npos) << r.out;
  EXPECT_EQ(count_ending(cache, ".so"), 1);
  EXPECT_EQ(count_ending(cache, ".pch.hpp.gch"), 0);  // the prepared one was used
}

}  // namespace
