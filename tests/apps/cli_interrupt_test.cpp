// Ctrl-C during `cubie run --out FILE.h5`: the chunk in progress finishes, the command
// exits with code 1, and FILE.partial.h5 holds the finished runs with complete = 0.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fcntl.h>
#include <thread>

#include "cli_runner.hpp"
#include "io/hdf5_reader.hpp"
#include "io/io_test_dir.hpp"

namespace {

using namespace cubie::test;
using namespace std::chrono_literals;

class cli_interrupt : public temp_dir_test {};

/// Waits up to `limit` for `pid`; returns its exit code, or -1 when it is still running.
int wait_for(pid_t pid, std::chrono::seconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    std::this_thread::sleep_for(20ms);
  }
  return -1;
}

TEST_F(cli_interrupt, ctrl_c_keeps_the_finished_chunks_in_the_partial_file) {
  const auto out = dir_ / "cut.h5", partial = dir_ / "cut.partial.h5", err = dir_ / "stderr.txt";
  // 200,000 long runs in chunks of 256: minutes of work if nothing stopped it.
  const std::vector<std::string> args = {CUBIE_CLI_PATH, "run", example("lorenz.toml"), "--backend", "cpu", "--quiet",
                                         "--set", "sweep.rho={linspace=[0, 60, 100000]}", "--set",
                                         "solver.duration=100", "--set", "memory.max_chunk_runs=256", "--out",
                                         out.string()};
  ::setenv("CUBIE_CACHE_DIR", CUBIE_TEST_CACHE_DIR, 1);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(fd, STDERR_FILENO);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  // The partial file appears once the model is compiled and the solve begins.
  const auto deadline = std::chrono::steady_clock::now() + 300s;
  int status = 0;
  while (!std::filesystem::exists(partial) && std::chrono::steady_clock::now() < deadline &&
         ::waitpid(pid, &status, WNOHANG) == 0) {
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(std::filesystem::exists(partial)) << read_text(err);
  std::this_thread::sleep_for(300ms);
  ::kill(pid, SIGINT);
  const int code = wait_for(pid, 120s);
  if (code < 0) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    FAIL() << "cubie did not stop after Ctrl-C";
  }
  EXPECT_EQ(code, 1);
  const std::string message = read_text(err);
  EXPECT_NE(message.find("interrupted after"), std::string::npos) << message;
  EXPECT_NE(message.find("cut.partial.h5"), std::string::npos) << message;
  EXPECT_FALSE(std::filesystem::exists(out));

  h5_reader f(partial);
  EXPECT_EQ(f.scalar_attribute<std::uint8_t>("complete"), 0);
  const auto committed = f.scalar_attribute<std::int64_t>("committed_runs");
  EXPECT_GT(committed, 0);
  EXPECT_LT(committed, 200000);
  EXPECT_EQ(committed % 256, 0);
  const auto status_flags = f.read<std::uint32_t>("status");
  for (std::size_t r = static_cast<std::size_t>(committed); r < status_flags.size(); ++r)
    ASSERT_EQ(status_flags[r], 1024u) << r;
}

}  // namespace
