// What `cubie run` shows on a terminal and only there: "compiling model ..." while the
// model compiles, erased before the summary; nothing of it with --quiet, with --json, or
// when stderr is a file. The terminal is a pseudo-terminal (forkpty).
#include <gtest/gtest.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "cli_runner.hpp"
#include "io/io_test_dir.hpp"

namespace {

using namespace cubie::test;

struct terminal_result {
  int exit_code = -1;
  std::string text;  ///< stdout and stderr as the terminal received them
};

// `cubie ARGS...` with stdin, stdout and stderr on one pseudo-terminal.
terminal_result run_on_terminal(const std::vector<std::string>& args) {
  terminal_result r;
  int master = -1;
  const pid_t pid = ::forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) return r;
  if (pid == 0) {
    ::setenv("CUBIE_CACHE_DIR", CUBIE_TEST_CACHE_DIR, 1);
    std::vector<char*> argv{const_cast<char*>(CUBIE_CLI_PATH)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(CUBIE_CLI_PATH, argv.data());
    ::_exit(127);
  }
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(master, buf, sizeof buf);
    if (n > 0) {
      r.text.append(buf, static_cast<std::size_t>(n));
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;  // EIO once the child has exited and the terminal is closed
    }
  }
  ::close(master);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

constexpr const char* notice = "compiling model 'lorenz' (3 states, classical_rk4)";
constexpr const char* erase_line = "\r\033[K";

class cli_terminal : public temp_dir_test {};

TEST_F(cli_terminal, compile_notice_is_shown_then_erased_before_the_summary) {
  const terminal_result r =
      run_on_terminal({"run", example("lorenz.toml"), "--backend", "cpu", "--set", "solver.algorithm=rk4", "--set",
                       "solver.dt=0.01", "--set", "sweep.rho={linspace=[0,21,8]}"});
  ASSERT_EQ(r.exit_code, 0) << r.text;
  const std::size_t at = r.text.find(notice);
  ASSERT_NE(at, std::string::npos) << r.text;
  const std::size_t erased = r.text.find(erase_line, at);
  ASSERT_NE(erased, std::string::npos) << r.text;
  const std::size_t summary = r.text.find("runs     16");
  ASSERT_NE(summary, std::string::npos) << r.text;
  EXPECT_LT(erased, summary);
}

TEST_F(cli_terminal, no_compile_notice_with_quiet_or_json) {
  const std::vector<std::string> base{"run", example("lorenz.toml"), "--backend", "cpu", "--set",
                                      "solver.algorithm=rk4", "--set", "solver.dt=0.01", "--set",
                                      "sweep.rho={linspace=[0,21,8]}"};
  for (const char* flag : {"--quiet", "--json"}) {
    std::vector<std::string> args = base;
    args.emplace_back(flag);
    const terminal_result r = run_on_terminal(args);
    ASSERT_EQ(r.exit_code, 0) << flag << ": " << r.text;
    EXPECT_EQ(r.text.find("compiling model"), std::string::npos) << flag << ": " << r.text;
  }
}

TEST_F(cli_terminal, no_compile_notice_when_stderr_is_not_a_terminal) {
  const cli_result r = run_cli({"run", example("lorenz.toml"), "--backend", "cpu", "--set", "solver.algorithm=rk4",
                                "--set", "solver.dt=0.01", "--set", "sweep.rho={linspace=[0,21,8]}"},
                               dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("compiling model"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("runs     16"), std::string::npos) << r.out;
}

}  // namespace
