// cubie/io/monitored_sink.hpp
// A result_sink wrapper that reports each committed chunk (for a progress bar), counts
// the runs' status flags as chunks land, and stops a solve after the current chunk when
// asked (Ctrl-C), leaving what the wrapped sink already holds intact.
#pragma once
#include <atomic>
#include <functional>
#include <limits>
#include <vector>

#include "../execution/result_sink.hpp"
#include "../batch/failure_summary.hpp"
#include "../core/error.hpp"
#include "../core/precision.hpp"

namespace cubie::io {

/// @brief Thrown from a commit when a stop was requested: the chunk just committed is
///   kept, no further chunk starts. Solver::solve_to_sink passes it to its caller.
class interrupted : public error {
 public:
  interrupted() : error("interrupted") {}
};

/// @brief Runs counted by status flag (batch/failure_summary.hpp; a run with several flags
///   counts under each), and where the failed runs stopped.
struct status_tally : failure_counts {
  /// Where the failed runs stopped (issue: "a failed run says where it stopped"): the
  /// range of their t_reached and the smallest step size they ended with. Only failed
  /// runs that were integrated at all count; NaN while there are none (or the solve does
  /// not record t_reached / dt_last).
  i64 stopped_early = 0;  ///< failed runs with a recorded t_reached
  double stopped_t_min = std::numeric_limits<double>::quiet_NaN();
  double stopped_t_max = std::numeric_limits<double>::quiet_NaN();
  double stopped_dt_min = std::numeric_limits<double>::quiet_NaN();

  using failure_counts::add;
  /// add(status), and for a failed run where it stopped; dt_last may be NaN (not recorded).
  void add(u32 status, double t_reached, double dt_last);
};

/// @brief Forwards every call to `inner`; after each commit tallies the chunk's status,
///   reports progress and honours a stop request. Single-threaded, like the sinks it wraps.
class monitored_sink final : public result_sink {
 public:
  /// Called after each commit with the runs final so far and the total.
  using progress_callback = std::function<void(i64 committed_runs, i64 total_runs)>;

  /// @param stop_requested when it reads true after a commit, the commit throws
  ///   interrupted; may be null (never stop).
  /// @param p the solve's precision (dt_last has its element type).
  monitored_sink(result_sink& inner, i64 total_runs, precision p, progress_callback on_commit,
                 const std::atomic<bool>* stop_requested = nullptr);

  output_view view(i64 begin, i64 end) override;
  /// @throws interrupted after forwarding the commit, when a stop was requested and
  ///   runs remain.
  void commit(i64 begin, i64 end) override;
  [[nodiscard]] int max_in_flight() const override { return inner_.max_in_flight(); }
  [[nodiscard]] bool whole_result_in_memory() const override { return inner_.whole_result_in_memory(); }
  [[nodiscard]] bool takes_buffers() const override { return inner_.takes_buffers(); }
  /// @throws interrupted as commit does.
  void deliver(i64 begin, i64 end, const output_view& data) override;

  [[nodiscard]] i64 committed_runs() const { return committed_; }
  [[nodiscard]] i64 committed_chunks() const { return chunks_; }
  /// Status of the committed runs.
  [[nodiscard]] const status_tally& tally() const { return tally_; }
  /// Milliseconds spent inside the wrapped sink's commit (writing, for a file writer).
  [[nodiscard]] double commit_ms() const { return commit_ms_; }

 private:
  // Tallies the chunk's status, calls the inner sink, then reports progress and honours a stop.
  template <class Forward>
  void forward(i64 begin, i64 end, const output_view& v, Forward&& inner_call);
  void tally_chunk(i64 n, const output_view& v);

  struct open_view {
    i64 begin, end;
    output_view data;
  };
  result_sink& inner_;
  i64 total_;
  progress_callback on_commit_;
  const std::atomic<bool>* stop_;
  bool double_precision_;
  std::vector<open_view> open_;
  status_tally tally_;
  i64 committed_ = 0;
  i64 chunks_ = 0;
  double commit_ms_ = 0.0;
};

}  // namespace cubie::io
