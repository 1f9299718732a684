// A one-line status on stderr while `cubie run` works: from the start, what it is doing
// ("preparing 100000000 runs: building the sweep", with the time so far), then a bar that
// follows the solve's chunks (runs done, elapsed time, time left). A thread of its own
// redraws it four times a second, so it moves while one step takes long; it stays silent
// for the first second, so short runs print nothing.
#pragma once
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace cubie::cli {

class progress_bar {
 public:
  /// @param enabled draw at all (a terminal, not --quiet).
  explicit progress_bar(bool enabled);
  /// Stops drawing and clears the line.
  ~progress_bar();
  progress_bar(const progress_bar&) = delete;
  progress_bar& operator=(const progress_bar&) = delete;

  /// What happens now, before the solve: "building the sweep", "compiling the model".
  /// `at_once` draws it now rather than after the first quiet second (a step known to be
  /// slow when it happens, such as a model compile).
  void phase(const std::string& what, bool at_once = false);
  /// The solve of `total_runs` begins: the bar and its time estimate start here.
  void solve_started(std::int64_t total_runs);
  /// Runs [0, done) of `total` are final. Any thread.
  void update(std::int64_t done, std::int64_t total);
  /// Prints `line` on stderr above the bar (the bar comes back at the next redraw).
  void print_above(const std::string& line);
  /// Stops drawing and removes the bar from the terminal.
  void clear();

 private:
  void draw_loop();
  void draw_locked();
  void erase_locked();

  using clock = std::chrono::steady_clock;
  bool enabled_;
  clock::time_point start_ = clock::now(), solve_start_{};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false, drawn_ = false, solving_ = false;
  std::string phase_ = "starting";
  std::int64_t done_ = 0, total_ = 0;
  std::thread thread_;
};

}  // namespace cubie::cli
