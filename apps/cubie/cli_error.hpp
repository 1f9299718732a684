// Failures the command reports with an exit code of their own (and, for a solve that
// stopped part-way, where the finished runs are), and how main() shows any error: a line
// on stderr for people and, with --json, one JSON object on stdout for scripts.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

namespace cubie::cli {

class command_failure : public std::runtime_error {
 public:
  command_failure(int exit_code, const std::string& message) : std::runtime_error(message), exit_code_(exit_code) {}
  [[nodiscard]] int exit_code() const { return exit_code_; }

  /// What precedes the message on stderr ("error: ", or "" for an interruption).
  std::string kind = "error: ";
  /// The partial result file holding the runs that finished, when one was left.
  std::string partial_file;
  std::int64_t committed_runs = -1;  ///< runs in it (-1: no partial file)
  std::int64_t total_runs = -1;

 private:
  int exit_code_;
};

/// @brief Shows an error: "cubie: <kind><message>" on stderr; with `json` also
///   {"error": message, "exit_code": code[, "partial_file", "committed_runs", "total_runs"]}
///   on one line of stdout.
/// @returns `exit_code`.
int report_error(const std::string& kind, const std::string& message, int exit_code, bool json,
                 const command_failure* details = nullptr);

}  // namespace cubie::cli
