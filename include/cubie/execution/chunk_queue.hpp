// cubie/execution/chunk_queue.hpp
// The runs of one solve shared out among several devices: each takes its next chunk when it is
// ready for one, so a faster device takes more; chunks a failing device did not finish go back
// for the others. Thread-safe; plain C++ (the multi-device tests drive it with fake devices).
#pragma once
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "../memory/chunk_plan.hpp"

namespace cubie {

class chunk_queue {
 public:
  /// What take() hands out.
  enum class outcome {
    chunk,     ///< `range` is the caller's to integrate and then report completed() or give_back()
    wait,      ///< nothing now (see take()): complete a chunk in flight, then ask again
    finished,  ///< nothing more for anyone: every run is completed, or the queue was stopped
  };
  struct ticket {
    outcome what = outcome::finished;
    memory::chunk_range range;
  };

  /// @brief Runs [begin, end) shared by `devices` devices.
  /// @param windowed bound the runs taken past the first run not yet completed to what the
  ///   devices declare in join() (twice their slots plus two, in chunks): a destination that
  ///   must receive chunks in order then holds a bounded number of early ones. Off for
  ///   destinations that take chunks in any order (a result in memory).
  /// @throws cubie::invalid_argument when end < begin or devices < 1.
  chunk_queue(std::int64_t begin, std::int64_t end, int devices, bool windowed = false);

  chunk_queue(const chunk_queue&) = delete;
  chunk_queue& operator=(const chunk_queue&) = delete;

  /// @brief Runs each device should plan for: the runs divided evenly among the devices.
  [[nodiscard]] std::int64_t share_runs() const noexcept { return share_; }

  /// @brief A device's plan: chunks of up to `chunk_runs` runs, `slots` of them in flight.
  /// Widens the window of a windowed queue; otherwise only recorded.
  void join(std::int64_t chunk_runs, std::int64_t slots);

  /// @brief The next chunk for a device that runs chunks of at most `max_runs` runs.
  ///
  /// Chunks given back come first (the lowest first, cut to max_runs). Then the runs in order,
  /// max_runs at a time until the runs not yet taken fall below 2 x max_runs per device still
  /// taking; from there each chunk is about that rest / (2 x devices), rounded down to whole
  /// multiples of `unit` (one unit at least), so that the devices finish together (guided
  /// self-scheduling). A rest under one unit goes with the chunk before it.
  ///
  /// outcome::wait when no chunk can be handed out now but one may come: every run is taken
  /// and others' chunks may still be given back, or (windowed) the next chunk would end past
  /// the window. With `may_block` (the caller has nothing in flight, so waiting cannot hold up
  /// the chunk everyone waits for) take() waits for a chunk or the finish instead.
  /// @throws cubie::invalid_argument when max_runs < 1 or unit < 1.
  [[nodiscard]] ticket take(std::int64_t max_runs, std::int64_t unit, bool may_block);

  /// @brief A chunk taken and not integrated (its device failed, or had no memory for it)
  /// goes back to be taken again.
  void give_back(const memory::chunk_range& chunk);
  /// @brief A chunk taken is integrated and committed.
  void completed(const memory::chunk_range& chunk);
  /// @brief A device takes no more (it failed): the others share the rest. When none is
  /// left, waiting takers (there are none) and later ones get outcome::finished.
  void leave();
  /// @brief Ends the solve for everyone (a fatal error): take() answers outcome::finished.
  void stop();

  /// @brief True when every run of [begin, end) is completed.
  [[nodiscard]] bool all_completed() const;
  /// @brief Runs completed so far.
  [[nodiscard]] std::int64_t completed_runs() const;
  /// @brief The runs not completed, as ranges in order (what no device finished).
  [[nodiscard]] std::vector<memory::chunk_range> unfinished() const;
  /// @brief Devices that have not left.
  [[nodiscard]] int devices_taking() const;
  /// @brief True when every run has been taken and none is waiting to be taken again.
  [[nodiscard]] bool all_taken() const;
  /// @brief Runs given back from thread `t` (a device's thread: what it handed to the others).
  [[nodiscard]] std::int64_t given_back_by(std::thread::id t) const;

 private:
  bool finished_locked() const;
  std::int64_t window_end_locked() const;
  std::int64_t guided_size_locked(std::int64_t max_runs, std::int64_t unit) const;

  std::int64_t begin_, end_, share_;
  bool windowed_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::int64_t cursor_;                          // runs before it have been taken once
  std::map<std::int64_t, std::int64_t> returned_;  // given back, not yet retaken: begin -> end
  std::map<std::int64_t, std::int64_t> done_;      // completed, merged: begin -> end
  std::int64_t prefix_;                          // [begin_, prefix_) completed
  std::int64_t outstanding_ = 0;                 // runs taken and neither completed nor given back
  std::int64_t completed_ = 0;
  std::int64_t window_runs_ = 0;                 // sum over devices of (2 slots + 2) x chunk_runs
  int taking_;
  bool stopped_ = false;
  std::map<std::thread::id, std::int64_t> given_back_;
};

}  // namespace cubie
