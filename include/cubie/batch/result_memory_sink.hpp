// cubie/batch/result_memory_sink.hpp
// The result sink that writes straight into a SolveResult's arrays: executors fill the
// final storage in place, so an in-memory solve copies nothing after the backend.
// Solver::solve uses it; wrap it (progress, Ctrl-C) and pass it to solve_to_sink.
#pragma once
#include "../execution/output_fill.hpp"
#include "../execution/result_sink.hpp"
#include "solve_result.hpp"

namespace cubie {

class result_memory_sink final : public result_sink {
 public:
  /// `result` must already be prepared for the solve's layout (SolveResult::prepare).
  result_memory_sink(SolveResult& result, bool nan_fill) : result_(result), nan_fill_(nan_fill) {}

  output_view view(i64 begin, i64 /*end*/) override {
    return offset_view(result_.outputs(), result_.whole_view(), begin);
  }
  void commit(i64 begin, i64 end) override {
    if (nan_fill_) result_.nan_fill_failed(begin, end);
  }
  [[nodiscard]] bool whole_result_in_memory() const override { return true; }

  /// Runs [from, n_runs) were never integrated: status 1024, values NaN, counters 0.
  void mark_not_integrated(i64 from) { result_.mark_not_integrated(from); }

 private:
  SolveResult& result_;
  bool nan_fill_;
};

}  // namespace cubie
