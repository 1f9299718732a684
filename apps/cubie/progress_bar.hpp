// A one-line progress bar on stderr for long solves, redrawn from chunk commits: runs
// done, elapsed time and an estimate of the time left. Silent for the first second so
// short solves print nothing.
#pragma once
#include <chrono>
#include <cstdint>

namespace cubie::cli {

class progress_bar {
 public:
  /// @param enabled draw at all (a terminal, not --quiet).
  explicit progress_bar(bool enabled);
  /// Clears the line if anything was drawn.
  ~progress_bar();
  progress_bar(const progress_bar&) = delete;
  progress_bar& operator=(const progress_bar&) = delete;

  /// Runs [0, done) of `total` are final.
  void update(std::int64_t done, std::int64_t total);
  /// Removes the bar from the terminal.
  void clear();

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace cubie::cli
