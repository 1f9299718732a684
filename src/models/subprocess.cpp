#include "subprocess.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cubie/core/error.hpp"

extern char** environ;

namespace cubie::models::detail {

process_result run_process(const std::vector<std::string>& argv) {
  if (argv.empty()) throw internal_error("run_process: empty command");
  // O_CLOEXEC: a child that another thread spawns meanwhile must not inherit the pipe,
  // or our read would wait for that unrelated child to exit.
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw error(std::string("run_process: pipe failed: ") + std::strerror(errno));

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);

  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    throw error("cannot run '" + argv[0] + "': " + std::strerror(rc));
  }

  process_result result;
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n > 0) {
      result.output.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(fds[0]);

  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw error("run_process: waitpid for '" + argv[0] + "' failed: " + std::strerror(errno));
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.exit_code = 128 + WTERMSIG(status);
  }
  return result;
}

std::string command_line(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& a : argv) {
    if (!line.empty()) line.push_back(' ');
    const bool plain = !a.empty() && a.find_first_of(" \t\n'\"\\$`*?;&|<>()[]{}~#") == std::string::npos;
    if (plain) {
      line += a;
      continue;
    }
    line.push_back('\'');
    for (char c : a) {
      if (c == '\'')
        line += "'\\''";
      else
        line.push_back(c);
    }
    line.push_back('\'');
  }
  return line;
}

}  // namespace cubie::models::detail
