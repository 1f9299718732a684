// cubie/io/monitored_sink.hpp
// A result_sink wrapper that reports each committed chunk (for a progress bar) and
// stops a solve after the current chunk when asked (Ctrl-C), leaving what the wrapped
// sink already holds intact.
#pragma once
#include <atomic>
#include <functional>

#include "../batch/result_sink.hpp"
#include "../core/error.hpp"

namespace cubie::io {

/// @brief Thrown from a commit when a stop was requested: the chunk just committed is
///   kept, no further chunk starts. Solver::solve_to_sink passes it to its caller.
class interrupted : public error {
 public:
  interrupted() : error("interrupted") {}
};

/// @brief Forwards every call to `inner`; after each commit reports progress and
///   honours a stop request.
class monitored_sink final : public result_sink {
 public:
  /// Called after each commit with the runs final so far and the total.
  using progress_callback = std::function<void(i64 committed_runs, i64 total_runs)>;

  /// @param stop_requested when it reads true after a commit, the commit throws
  ///   interrupted; may be null (never stop).
  monitored_sink(result_sink& inner, i64 total_runs, progress_callback on_commit,
                 const std::atomic<bool>* stop_requested = nullptr);

  output_view view(i64 begin, i64 end) override { return inner_.view(begin, end); }
  /// @throws interrupted after forwarding the commit, when a stop was requested.
  void commit(i64 begin, i64 end) override;
  [[nodiscard]] int max_in_flight() const override { return inner_.max_in_flight(); }
  [[nodiscard]] bool whole_result_in_memory() const override { return inner_.whole_result_in_memory(); }

  [[nodiscard]] i64 committed_runs() const { return committed_; }
  [[nodiscard]] i64 committed_chunks() const { return chunks_; }

 private:
  result_sink& inner_;
  i64 total_;
  progress_callback on_commit_;
  const std::atomic<bool>* stop_;
  i64 committed_ = 0;
  i64 chunks_ = 0;
};

}  // namespace cubie::io
