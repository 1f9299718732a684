// Runs the built `cubie` binary the way a user does, in a shell, and captures its exit
// code, stdout and stderr; the model compile cache is a folder of the build tree.
#pragma once
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace cubie::test {

struct cli_result {
  int exit_code = -1;
  std::string out, err;
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') q += "'\\''";
    else q += c;
  }
  q += '\'';
  return q;
}

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// `cubie ARGS...` with stderr captured through a file in `scratch`.
inline cli_result run_cli(const std::vector<std::string>& args, const std::filesystem::path& scratch) {
  ::setenv("CUBIE_CACHE_DIR", CUBIE_TEST_CACHE_DIR, 1);
  const auto err_file = scratch / "stderr.txt";
  std::string cmd = shell_quote(CUBIE_CLI_PATH);
  for (const auto& a : args) {
    cmd += ' ';
    cmd += shell_quote(a);
  }
  cmd += " 2>";
  cmd += shell_quote(err_file.string());
  cmd += " </dev/null";
  cli_result r;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return r;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
  const int status = ::pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.err = read_text(err_file);
  return r;
}

inline std::string example(const char* name) { return std::string(CUBIE_EXAMPLES_DIR) + "/" + name; }

/// How run_cli_as() starts the command.
struct launch_options {
  /// RLIMIT_FSIZE in bytes (0: none): a write past it fails with EFBIG ("file too large"),
  /// the way a full disk fails one, without a full disk; SIGXFSZ is ignored.
  std::uint64_t file_size_limit = 0;
  /// Run on a pseudo-terminal (stdout and stderr both go to it, captured in `out`): what a
  /// user at a terminal sees, progress line included.
  bool terminal = false;
  /// The model compile cache (empty: the tests' shared one).
  std::string cache_dir;
};

/// `cubie ARGS...` started by fork and exec, with `launch` applied in the child.
inline cli_result run_cli_as(const std::vector<std::string>& args, const std::filesystem::path& scratch,
                             const launch_options& launch) {
  ::setenv("CUBIE_CACHE_DIR", launch.cache_dir.empty() ? CUBIE_TEST_CACHE_DIR : launch.cache_dir.c_str(), 1);
  const auto out_file = scratch / "stdout.txt", err_file = scratch / "stderr.txt";
  std::vector<std::string> argv_text = {CUBIE_CLI_PATH};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  auto exec_child = [&] {
    if (launch.file_size_limit > 0) {
      ::signal(SIGXFSZ, SIG_IGN);
      rlimit r{launch.file_size_limit, launch.file_size_limit};
      ::setrlimit(RLIMIT_FSIZE, &r);
    }
    ::execv(argv[0], argv.data());
    ::_exit(127);
  };
  cli_result r;
  int status = 0;
  if (launch.terminal) {
    int master = -1;
    winsize size{24, 120, 0, 0};
    const pid_t pid = ::forkpty(&master, nullptr, nullptr, &size);
    if (pid < 0) return r;
    if (pid == 0) exec_child();
    char buf[4096];
    for (;;) {
      const ssize_t n = ::read(master, buf, sizeof buf);
      if (n <= 0) break;  // EIO once the child has gone
      r.out.append(buf, static_cast<std::size_t>(n));
    }
    ::close(master);
    ::waitpid(pid, &status, 0);
  } else {
    const pid_t pid = ::fork();
    if (pid < 0) return r;
    if (pid == 0) {
      const int in = ::open("/dev/null", O_RDONLY);
      const int o = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int e = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(in, STDIN_FILENO);
      ::dup2(o, STDOUT_FILENO);
      ::dup2(e, STDERR_FILENO);
      exec_child();
    }
    ::waitpid(pid, &status, 0);
    r.out = read_text(out_file);
    r.err = read_text(err_file);
  }
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

}  // namespace cubie::test
