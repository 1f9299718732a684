// cubie/batch/result_memory_sink.hpp
// The result sink that writes straight into a SolveResult's arrays: executors fill the
// final storage in place, so an in-memory solve copies nothing after the backend.
// Solver::solve uses it; wrap it (progress, Ctrl-C) and pass it to solve_to_sink.
#pragma once
#include <limits>

#include "../core/status.hpp"
#include "../execution/result_sink.hpp"
#include "solve_result.hpp"

namespace cubie {

class result_memory_sink final : public result_sink {
 public:
  /// `result` must already be prepared for the solve's layout (SolveResult::prepare).
  result_memory_sink(SolveResult& result, bool nan_fill) : result_(result), nan_fill_(nan_fill) {}

  output_view view(i64 begin, i64 /*end*/) override {
    output_view v;
    const i64 n = result_.n_runs();
    v.time_domain = static_cast<char*>(result_.time_domain_data()) + begin * static_cast<i64>(result_.value_bytes());
    v.var_stride = n;
    v.save_stride = n * result_.n_vars();
    v.status = result_.status_data() + begin;
    v.accepted = result_.has_counters() ? result_.accepted_data() + begin : nullptr;
    v.rejected = result_.has_counters() ? result_.rejected_data() + begin : nullptr;
    v.pinned = result_.pinned();
    return v;
  }
  void commit(i64 begin, i64 end) override {
    if (nan_fill_) result_.nan_fill_failed(begin, end);
  }
  [[nodiscard]] bool whole_result_in_memory() const override { return true; }

  /// Runs [from, n_runs) were never integrated: status 1024, values NaN, counters 0.
  void mark_not_integrated(i64 from) {
    const i64 n = result_.n_runs();
    for (i64 r = from; r < n; ++r) {
      result_.status_data()[r] = status_not_integrated;
      if (result_.has_counters()) result_.accepted_data()[r] = result_.rejected_data()[r] = 0;
    }
    if (from < n) result_.nan_fill_failed(from, n);
  }

 private:
  SolveResult& result_;
  bool nan_fill_;
};

}  // namespace cubie
