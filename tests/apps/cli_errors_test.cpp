// What the user gets wrong: a bad --set key or value, a malformed model, a bad option.
// Each exits with code 2, says what is wrong on stderr, and leaves no result file. Also
// `check` on every example, `devices`, and --help on every command.
#include <gtest/gtest.h>

#include "cli_runner.hpp"
#include "io/io_test_dir.hpp"

namespace {

using namespace cubie::test;

class cli_errors : public temp_dir_test {
 protected:
  /// Runs `cubie run lorenz.toml EXTRA... --out DIR/out.h5` and expects exit 2, `message`
  /// on stderr, and no file at all.
  void expect_rejected(std::vector<std::string> extra, const std::string& message, std::string model = "") {
    std::vector<std::string> args = {"run", model.empty() ? example("lorenz.toml") : model};
    if (std::find(extra.begin(), extra.end(), "--backend") == extra.end()) {
      args.push_back("--backend");
      args.push_back("cpu");
    }
    args.insert(args.end(), extra.begin(), extra.end());
    if (std::find(extra.begin(), extra.end(), "--out") == extra.end()) {
      args.push_back("--out");
      args.push_back((dir_ / "out.h5").string());
    }
    const cli_result r = run_cli(args, dir_);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << "stderr: " << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      EXPECT_EQ(entry.path().filename(), "stderr.txt") << "left behind: " << entry.path();
    }
  }
};

TEST_F(cli_errors, unknown_set_key) {
  expect_rejected({"--set", "solver.tolerance=1e-3"}, "unknown key 'tolerance' in [solver]");
}

TEST_F(cli_errors, bad_set_value) {
  expect_rejected({"--set", "solver.atol=-1"}, "solver.atol");
  expect_rejected({"--set", "parameters.rho=abc"}, "must be a number");
  expect_rejected({"--set", "solver.algorithm=rk99"}, "unknown method 'rk99'");
  expect_rejected({"--set", "nonsense"}, "--set");
}

TEST_F(cli_errors, malformed_model_file) {
  const auto model = dir_ / "broken.toml";
  std::ofstream(model) << "name = \"broken\"\nequations = \"\"\"\ndx = -k * x +\n\"\"\"\n[states]\nx = 1.0\n"
                          "[parameters]\nk = 2.0\n";
  const cli_result check = run_cli({"check", model.string()}, dir_);
  EXPECT_EQ(check.exit_code, 2);
  EXPECT_NE(check.err.find("broken.toml:3:"), std::string::npos) << check.err;
  const cli_result r = run_cli({"run", model.string(), "--out", (dir_ / "m.h5").string()}, dir_);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("broken.toml:3:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("dx = -k * x +"), std::string::npos) << r.err;  // the line is quoted
  EXPECT_FALSE(std::filesystem::exists(dir_ / "m.h5"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "m.partial.h5"));
}

TEST_F(cli_errors, missing_model_file) { expect_rejected({}, "cannot read", (dir_ / "absent.toml").string()); }

TEST_F(cli_errors, bad_options) {
  expect_rejected({"--backend", "gpu"}, "--backend");
  expect_rejected({"--out", (dir_ / "results.txt").string()}, "unknown file type '.txt'");
  expect_rejected({"--out", (dir_ / "no_such_folder" / "r.h5").string()}, "does not exist");
  expect_rejected({"--compress", "12"}, "--compress");
  expect_rejected({"--no-such-flag"}, "--no-such-flag");
}

TEST_F(cli_errors, missing_subcommand_or_model) {
  EXPECT_EQ(run_cli({}, dir_).exit_code, 2);
  EXPECT_EQ(run_cli({"run"}, dir_).exit_code, 2);
  EXPECT_EQ(run_cli({"frobnicate"}, dir_).exit_code, 2);
}

class cli_commands : public temp_dir_test {};

TEST_F(cli_commands, check_every_example) {
  const std::pair<const char*, const char*> examples[] = {
      {"lorenz.toml", "runs       2000"}, {"van_der_pol.toml", "runs       64"}, {"lotka_volterra.toml", "runs       1000"}};
  for (const auto& [file, runs] : examples) {
    const cli_result r = run_cli({"check", example(file)}, dir_);
    EXPECT_EQ(r.exit_code, 0) << file << ": " << r.err;
    EXPECT_NE(r.out.find(runs), std::string::npos) << r.out;
    for (const char* section : {"states", "parameters", "constants", "observables", "solver", "sweep"})
      EXPECT_NE(r.out.find(section), std::string::npos) << file << " lacks " << section;
  }
  const cli_result r = run_cli({"check", example("lorenz.toml"), "--set", "sweep.x=[1, 2, 3]"}, dir_);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("runs       3000"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("x = 1, y = 0, z = 0"), std::string::npos) << r.out;
}

TEST_F(cli_commands, devices_lists_the_cpu) {
  const cli_result r = run_cli({"devices"}, dir_);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("cpu "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cores"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cuda "), std::string::npos) << r.out;
  const cli_result j = run_cli({"devices", "--json"}, dir_);
  EXPECT_EQ(j.exit_code, 0);
  EXPECT_NE(j.out.find("\"cores\":"), std::string::npos) << j.out;
  EXPECT_NE(j.out.find("\"gpus\":["), std::string::npos) << j.out;
}

TEST_F(cli_commands, help_on_every_command) {
  for (std::vector<std::string> args : {std::vector<std::string>{"--help"}, {"run", "--help"}, {"check", "--help"},
                                        {"devices", "--help"}}) {
    const cli_result r = run_cli(args, dir_);
    EXPECT_EQ(r.exit_code, 0) << args[0];
    EXPECT_NE(r.out.find("Usage:"), std::string::npos) << r.out;
  }
  EXPECT_NE(run_cli({"run", "--help"}, dir_).out.find("--set"), std::string::npos);
  EXPECT_NE(run_cli({"--help"}, dir_).out.find("Exit codes"), std::string::npos);
}

}  // namespace
