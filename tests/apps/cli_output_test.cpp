// Where results go, and what the command says when they cannot: an output path through a
// file, a folder that takes no files (the system's reason in words, never HDF5's record), an
// existing file or partial file (refused without --force, replaced with it); errors as one
// JSON object on stdout with --json; exit code 3 for --backend cuda without a usable GPU.
#include <gtest/gtest.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "cli_runner.hpp"
#include "io/io_test_dir.hpp"

namespace {

using namespace cubie::test;

class cli_output : public temp_dir_test {
 protected:
  /// `cubie run lorenz.toml --backend cpu EXTRA...`
  cli_result run(std::vector<std::string> extra) {
    std::vector<std::string> args = {"run", example("lorenz.toml"), "--backend", "cpu"};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_cli(args, dir_);
  }
  /// Exit 2, `message` on stderr, nothing on stdout, nothing left in the folder but the
  /// runner's stderr file and `keep`.
  void expect_refused(const cli_result& r, const std::string& message, const std::vector<std::string>& keep = {}) {
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << "stderr: " << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      const std::string name = entry.path().filename().string();
      if (name == "stderr.txt" || std::find(keep.begin(), keep.end(), name) != keep.end()) continue;
      ADD_FAILURE() << "left behind: " << entry.path();
    }
  }
};

std::string lower_first(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

TEST_F(cli_output, a_path_through_a_file_says_so) {
  std::ofstream(dir_ / "notes.txt") << "a file\n";
  const std::string file = (dir_ / "notes.txt").string();
  expect_refused(run({"--out", file + "/x.h5"}), "--out " + file + "/x.h5: '" + file + "' is a file, not a folder",
                 {"notes.txt"});
  // Deeper below the file: the file is still what is wrong.
  expect_refused(run({"--out", file + "/sub/x.h5"}), "'" + file + "' is a file, not a folder", {"notes.txt"});
  expect_refused(run({"--out", (dir_ / "absent" / "x.h5").string()}),
                 "the folder '" + (dir_ / "absent").string() + "' does not exist", {"notes.txt"});
}

TEST_F(cli_output, a_folder_that_takes_no_files_gives_the_systems_reason) {
  // A folder this process cannot write to: its own folder without write permission, or, for
  // root (who ignores permissions), /sys. The reason expected is the one the system gives
  // this test for the same attempt.
  std::filesystem::path folder = dir_ / "locked";
  if (::geteuid() != 0) {
    std::filesystem::create_directory(folder);
    std::filesystem::permissions(folder, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  } else {
    folder = "/sys";
  }
  std::string probe = (folder / "probe-XXXXXX").string();
  const int fd = ::mkstemp(probe.data());
  if (fd >= 0) {
    ::close(fd);
    ::unlink(probe.c_str());
    GTEST_SKIP() << folder << " is writable here";
  }
  const std::string reason = lower_first(std::strerror(errno));
  for (const char* name : {"r.h5", "r.csv"}) {
    const std::string out = (folder / name).string();
    const cli_result r = run({"--out", out});
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("--out " + out + ": cannot create files in the folder '" + folder.string() + "': " + reason),
              std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("HDF5"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("errno"), std::string::npos) << r.err;
  }
  if (folder != "/sys") std::filesystem::permissions(folder, std::filesystem::perms::owner_all);
}

TEST_F(cli_output, an_existing_file_is_replaced_only_with_force) {
  for (const char* name : {"lorenz.h5", "lorenz.csv"}) {
    SCOPED_TRACE(name);
    const auto out = dir_ / name;
    std::ofstream(out) << "precious\n";
    expect_refused(run({"--out", out.string(), "--quiet"}), "--out " + out.string() +
                                                               ": the file exists; add --force to replace it",
                   {name});
    EXPECT_EQ(read_text(out), "precious\n");
    const cli_result forced = run({"--out", out.string(), "--quiet", "--force"});
    ASSERT_EQ(forced.exit_code, 0) << forced.err;
    EXPECT_NE(read_text(out), "precious\n");
    std::filesystem::remove(out);
  }
}

TEST_F(cli_output, a_partial_file_left_by_a_stopped_run_is_kept_unless_forced) {
  const auto out = dir_ / "sweep.h5", partial = dir_ / "sweep.partial.h5";
  std::ofstream(partial) << "runs that finished\n";
  expect_refused(run({"--out", out.string()}), partial.string() + " exists (left by a run that did not finish",
                 {"sweep.partial.h5"});
  EXPECT_EQ(read_text(partial), "runs that finished\n");
  const cli_result forced = run({"--out", out.string(), "--force", "--quiet"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_TRUE(std::filesystem::exists(out));
  EXPECT_FALSE(std::filesystem::exists(partial));
}

TEST_F(cli_output, errors_with_json_are_one_object_on_stdout) {
  struct error_case {
    std::vector<std::string> args;
    int code;
    std::string message;
  };
  const std::string model = example("lorenz.toml");
  const std::vector<error_case> cases = {
      {{"run", model, "--json", "--set", "solver.atol=-1"}, 2, "solver.atol"},
      {{"run", model, "--json", "--no-such-flag"}, 2, "--no-such-flag"},
      {{"run", (dir_ / "absent.toml").string(), "--json"}, 2, "cannot read the model file"},
      {{"run", model, "--json", "--out", (dir_ / "absent" / "x.h5").string()}, 2, "does not exist"},
  };
  for (const error_case& c : cases) {
    const cli_result r = run_cli(c.args, dir_);
    EXPECT_EQ(r.exit_code, c.code) << r.err;
    ASSERT_FALSE(r.out.empty()) << "no JSON for " << c.args.back() << "; stderr: " << r.err;
    EXPECT_EQ(r.out.rfind("{\"error\":\"", 0), 0u) << r.out;
    EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << r.out;  // one line
    EXPECT_NE(r.out.find("\"exit_code\":" + std::to_string(c.code) + "}"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(c.message), std::string::npos) << r.out;
    EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;  // people still read stderr
  }
}

TEST_F(cli_output, cuda_backend_without_a_gpu_exits_3) {
  const cli_result devices = run_cli({"devices", "--json"}, dir_);
  ASSERT_EQ(devices.exit_code, 0);
  if (devices.out.find("\"usable\":true") != std::string::npos && devices.out.find("\"nvrtc\":true") != std::string::npos)
    GTEST_SKIP() << "a GPU is usable here";
  for (const std::vector<std::string>& how :
       {std::vector<std::string>{"--backend", "cuda"}, std::vector<std::string>{"--set", "solver.backend=cuda"}}) {
    std::vector<std::string> args = {"run", example("lorenz.toml"), "--out", (dir_ / "g.h5").string()};
    args.insert(args.end(), how.begin(), how.end());
    const cli_result r = run_cli(args, dir_);
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_NE(r.err.find("cubie: error: --backend cuda: "), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir_ / "g.h5"));
    EXPECT_FALSE(std::filesystem::exists(dir_ / "g.partial.h5"));
    args.push_back("--json");
    const cli_result j = run_cli(args, dir_);
    EXPECT_EQ(j.exit_code, 3);
    EXPECT_NE(j.out.find("\"exit_code\":3}"), std::string::npos) << j.out;
  }
}

}  // namespace
