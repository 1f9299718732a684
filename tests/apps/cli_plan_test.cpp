// Plan before work: `check` and `run` state the size of the results, of the file and the
// peak host memory; `run` refuses (exit 2, the numbers and the ways out, nothing written) a
// run whose results cannot fit in memory without --out or whose file cannot fit on its
// disk. No silent surprises: the default step of a fixed-step method is named with its
// step count (checked against the steps the file records), parameters no equation uses are
// warned about, a solver key under [parameters] gets a hint.
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/statvfs.h>

#include <cmath>

#include "cli_runner.hpp"
#include "io/hdf5_reader.hpp"
#include "io/io_test_dir.hpp"

namespace {

using namespace cubie::test;

class cli_plan : public temp_dir_test {
 protected:
  void TearDown() override {
    if (mounted_) ::umount(mounted_->c_str());
    temp_dir_test::TearDown();
  }
  /// A 1 MiB tmpfs at dir_/small, or nullopt where this process may not mount one.
  std::optional<std::filesystem::path> small_disk() {
    const auto at = dir_ / "small";
    std::filesystem::create_directory(at);
    if (::mount("tmpfs", at.c_str(), "tmpfs", 0, "size=1m") != 0) return std::nullopt;
    mounted_ = at;
    return at;
  }
  std::optional<std::filesystem::path> mounted_;
};

std::uint64_t number_after(const std::string& text, const std::string& key) {
  const auto at = text.find(key);
  if (at == std::string::npos) return 0;
  return std::stoull(text.substr(at + key.size()));
}

TEST_F(cli_plan, run_states_its_plan_and_the_file_matches_it) {
  struct sized_run {
    std::vector<std::string> args;
    const char* plan;
  };
  const std::vector<sized_run> runs = {
      {{"run", example("lorenz.toml")}, "cubie: plan: 2000 runs x 101 saves x 4 variables: 3.13 MiB of results, "},
      {{"run", example("bench_lorenz.toml")}, "cubie: plan: 65536 runs x 1 save x 3 variables: "},
      {{"run", example("van_der_pol.toml"), "--set", "precision=float64"}, "cubie: plan: 64 runs x "},
  };
  for (const sized_run& s : runs) {
    std::vector<std::string> args = s.args;
    const auto out = dir_ / "sized.h5";
    for (const char* a : {"--backend", "cpu", "--json", "--force", "--out"}) args.push_back(a);
    args.push_back(out.string());
    const cli_result r = run_cli(args, dir_);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find(s.plan), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(out.string() + " about "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(" free there); peak host memory about "), std::string::npos) << r.err;
    // The file's planned size within 4% of the file written.
    const double planned = static_cast<double>(number_after(r.out, "\"file_bytes\":"));
    const double written = static_cast<double>(std::filesystem::file_size(out));
    EXPECT_NEAR(planned / written, 1.0, 0.04) << s.plan << " planned " << planned << ", written " << written;
    // Results: what the layout says per run, for every run.
    EXPECT_GT(number_after(r.out, "\"result_bytes\":"), 0u);
  }
  // Without --out the plan says the results are not kept.
  const cli_result r = run_cli({"run", example("lorenz.toml"), "--backend", "cpu"}, dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("of results (kept in memory for the summary; --out FILE.h5 writes them)"), std::string::npos)
      << r.err;
  // --quiet: no plan.
  EXPECT_TRUE(run_cli({"run", example("lorenz.toml"), "--backend", "cpu", "--quiet"}, dir_).err.empty());
}

TEST_F(cli_plan, check_sizes_the_output_and_the_memory) {
  const cli_result r = run_cli({"check", example("lorenz.toml")}, dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // 101 saves x 4 variables x 4 bytes + status, two counters, t_reached, dt_last = 1640 bytes a run.
  EXPECT_NE(r.out.find("output     101 saves x 4 variables x 2000 runs: 3.13 MiB of results; an HDF5 file of about "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("host memory peak about "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" without --out, "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" with --out FILE.h5 ("), std::string::npos) << r.out;
}

TEST_F(cli_plan, results_that_cannot_fit_in_memory_are_refused_with_the_way_out) {
  // 10^5 x 10^5 runs of 101 saves: 16 TB of results, from a sweep of 200,000 numbers.
  const std::vector<std::string> huge = {"run", example("lorenz.toml"), "--backend", "cpu", "--set",
                                         "sweep.rho={linspace=[0, 21, 100000]}", "--set",
                                         "sweep.x={linspace=[1, 2, 100000]}"};
  const cli_result r = run_cli(huge, dir_);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("cubie: error: the results of 10000000000 runs need 14.9 TiB of host memory"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(" is available. Write them to a file as they are solved (--out FILE.h5; without --out only the "
                       "summary is kept), or record less: fewer saves (solver.save_every), fewer variables "
                       "(solver.saved_states, solver.saved_observables), no step counters (solver.save_counters = "
                       "false), or fewer runs"),
            std::string::npos)
      << r.err;
  // CSV is written from memory too.
  std::vector<std::string> csv = huge;
  csv.insert(csv.end(), {"--out", (dir_ / "huge.csv").string()});
  const cli_result c = run_cli(csv, dir_);
  EXPECT_EQ(c.exit_code, 2) << c.err;
  EXPECT_NE(c.err.find("CSV is written from memory: write HDF5 instead"), std::string::npos) << c.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "huge.csv"));
  // Streamed to HDF5, the grid's own columns (160 GB) still cannot fit.
  std::vector<std::string> h5 = huge;
  h5.insert(h5.end(), {"--out", (dir_ / "huge.h5").string()});
  const cli_result s = run_cli(h5, dir_);
  EXPECT_EQ(s.exit_code, 2) << s.err;
  EXPECT_NE(s.err.find("the inputs of 10000000000 runs need about"), std::string::npos) << s.err;
  EXPECT_NE(s.err.find("solve the sweep in parts"), std::string::npos) << s.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "huge.h5"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "huge.partial.h5"));
}

TEST_F(cli_plan, a_file_larger_than_the_free_space_is_refused) {
  // A 1 MiB file system where this process may mount one; elsewhere, a run whose file is
  // twice the free space of the test folder's disk (many saves of few runs: little memory).
  std::filesystem::path folder = dir_;
  std::vector<std::string> args = {"run", example("lorenz.toml"), "--backend", "cpu"};
  if (const auto small = small_disk()) {
    folder = *small;  // lorenz.toml's 3.3 MB file
  } else {
    struct statvfs s {};
    ASSERT_EQ(::statvfs(dir_.c_str(), &s), 0);
    const double free = static_cast<double>(s.f_bavail) * static_cast<double>(s.f_frsize);
    // 2000 runs x 4 variables x 4 bytes a save.
    const double saves = std::ceil(2.0 * free / (2000.0 * 16.0));
    char every[64];
    std::snprintf(every, sizeof every, "solver.save_every=%.17g", 1.0 / saves);
    args.insert(args.end(), {"--set", every});
  }
  const auto out = folder / "big.h5";
  args.insert(args.end(), {"--out", out.string()});
  const cli_result r = run_cli(args, dir_);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("cubie: error: --out " + out.string() + " needs about "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" and its folder '" + folder.string() + "' has "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" free. Choose a folder with room, or record less: fewer saves (solver.save_every)"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(folder / "big.partial.h5"));
}

TEST_F(cli_plan, the_default_fixed_step_is_named_with_its_step_count) {
  const auto out = dir_ / "rk4.h5";
  const cli_result r = run_cli({"run", example("bench_lorenz.toml"), "--backend", "cpu", "--set",
                                "solver.algorithm=classical_rk4", "--set", "sweep.rho=[10.0, 20.0]", "--out",
                                out.string()},
                               dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("cubie: note: classical_rk4 takes fixed steps and no dt was given: dt = 0.001 (the default), "
                       "1000 steps per run; set solver.dt to choose one"),
            std::string::npos)
      << r.err;
  // The steps the file records are the ones announced.
  h5_reader f(out);
  for (std::uint32_t steps : f.read<std::uint32_t>("steps_accepted")) EXPECT_EQ(steps, 1000u);
  // With saves every 0.1 over 2: 20 intervals of 100 steps.
  const cli_result saved = run_cli({"run", example("bench_lorenz.toml"), "--backend", "cpu", "--set",
                                    "solver.algorithm=rk4", "--set", "sweep.rho=[10.0]", "--set",
                                    "solver.duration=2", "--set", "solver.save_every=0.1", "--json"},
                                   dir_);
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  EXPECT_NE(saved.err.find("dt = 0.001 (the default), about 2000 steps per run"), std::string::npos) << saved.err;
  // No note when dt is given, or for an adaptive method.
  for (const std::string& set : {std::string("solver.dt=0.01"), std::string("solver.algorithm=dormand_prince_54")}) {
    const cli_result quiet = run_cli({"run", example("bench_lorenz.toml"), "--backend", "cpu", "--set",
                                      "solver.algorithm=classical_rk4", "--set", set, "--set", "sweep.rho=[10.0]"},
                                     dir_);
    ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
    EXPECT_EQ(quiet.err.find("note:"), std::string::npos) << quiet.err;
  }
  // check says it too.
  const cli_result check = run_cli({"check", example("bench_lorenz.toml"), "--set", "solver.algorithm=rk4"}, dir_);
  EXPECT_NE(check.out.find("dt 0.001 (the default for fixed steps: 1000 steps per run)"), std::string::npos)
      << check.out;
}

TEST_F(cli_plan, unused_parameters_are_warned_about) {
  const auto model = dir_ / "decay.toml";
  std::ofstream(model) << "name = \"decay\"\nequations = \"\"\"\ndx = -k * x\n\"\"\"\n[states]\nx = 1.0\n"
                          "[parameters]\nk = 2.0\nduration = 5\n[constants]\nc = 3.0\n";
  for (const char* command : {"run", "check"}) {
    std::vector<std::string> args = {command, model.string()};
    if (std::string(command) == "run") args.insert(args.end(), {"--backend", "cpu"});
    const cli_result r = run_cli(args, dir_);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.err.find(model.string() + ":9:1: warning: parameter 'duration' is used by no equation"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find("note: 'duration' is a [solver] setting; here it declares a parameter and sets nothing: "
                         "move it under [solver]"),
              std::string::npos)
        << r.err;
    EXPECT_NE(r.err.find(model.string() + ":11:1: warning: constant 'c' is used by no equation"), std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("parameter 'k'"), std::string::npos) << r.err;
  }
}

}  // namespace
