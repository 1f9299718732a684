// cubie/execution/executor.hpp
// A backend's side of a solve: integrate every run of a prepared batch into a result
// sink, chunk by chunk, and account for it in the statistics. The Solver picks one.
#pragma once
#include <cstdint>
#include <string>

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
};

}  // namespace cubie
