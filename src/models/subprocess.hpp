// Runs a program (the host C++ compiler) with an argument vector, no shell, and
// captures what it prints: paths with spaces or quotes need no escaping.
#pragma once
#include <string>
#include <vector>

namespace cubie::models::detail {

struct process_result {
  int exit_code = -1;  ///< the exit status, or 128 + signal when killed by a signal
  std::string output;  ///< stdout and stderr, interleaved as written
};

/// @brief Runs argv[0] (looked up in PATH when it has no '/') and waits for it.
/// @throws cubie::error naming the program when it cannot be started.
[[nodiscard]] process_result run_process(const std::vector<std::string>& argv);

/// @brief argv as one line a user can paste into a shell (for logs and messages).
[[nodiscard]] std::string command_line(const std::vector<std::string>& argv);

}  // namespace cubie::models::detail
