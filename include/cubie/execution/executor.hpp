// cubie/execution/executor.hpp
// A backend's side of a solve: integrate every run of a prepared batch into a result
// sink, chunk by chunk, and account for it in the statistics. The Solver picks one.
#pragma once
#include <cstdint>
#include <string>

#include "chunk_queue.hpp"
#include "prepared_batch.hpp"
#include "result_sink.hpp"
#include "../core/error.hpp"
#include "solve_statistics.hpp"

namespace cubie {

/// Thrown by an executor when a chunk fails after others finished: `committed_runs`
/// tells the Solver how far the result is complete (runs [0, committed_runs)).
class chunk_failure : public error {
 public:
  chunk_failure(const std::string& what, i64 committed_runs, bool sticky)
      : error(what), committed_runs_(committed_runs), sticky_(sticky) {}
  [[nodiscard]] i64 committed_runs() const { return committed_runs_; }
  [[nodiscard]] bool sticky() const { return sticky_; }

 private:
  i64 committed_runs_;
  bool sticky_;
};

class executor {
 public:
  virtual ~executor() = default;
  [[nodiscard]] virtual std::string name() const = 0;
  /// Gets ready to solve `system` with `key` (method, precision): what a backend would
  /// otherwise do on the first solve and keep for later ones (load the kernel and query its
  /// resources, create events, start threads). Called by the Solver once it has chosen the
  /// executor, so a first solve costs what later ones do. Never required: execute() works
  /// without it.
  virtual void warm_up(const compiled_system& system, const entry_key& key) {
    (void)system;
    (void)key;
  }
  /// @throws chunk_failure when a chunk fails (runs committed so far stay valid).
  virtual void execute(const prepared_batch<float>& batch, result_sink& sink, solve_statistics& stats) = 0;
  virtual void execute(const prepared_batch<double>& batch, result_sink& sink, solve_statistics& stats) = 0;

  /// @brief Solves its part of a batch shared with other devices: integrates the chunks
  /// `queue` hands out until it answers finished, commits them to `sink` (thread-safe, shared
  /// by every device: chunks in order within this executor, in any order across them) and
  /// reports each one to the queue. Plans its chunks for queue.share_runs() runs.
  /// On a failure it gives every chunk it took and did not commit back to the queue, then
  /// throws (chunk_failure, device_error, out_of_memory), so the other devices redo them.
  /// @throws cubie::invalid_argument when this executor cannot share a solve (the default).
  virtual void execute_shared(const prepared_batch<float>& batch, chunk_queue& queue, result_sink& sink,
                              solve_statistics& stats);
  /// @throws as the float overload.
  virtual void execute_shared(const prepared_batch<double>& batch, chunk_queue& queue, result_sink& sink,
                              solve_statistics& stats);
  /// @brief False once this executor can never solve again in this process (its device's
  /// context is lost): a multi-device executor then leaves it out.
  [[nodiscard]] virtual bool usable() const { return true; }
};

}  // namespace cubie
