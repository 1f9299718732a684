// The in-memory destination of `cubie run` without an HDF5 file: views straight into a
// SolveResult's arrays (as Solver::solve uses), but reachable from the command so the
// solve can be wrapped for progress and Ctrl-C.
#pragma once
#include "cubie/batch/result_sink.hpp"
#include "cubie/batch/solve_result.hpp"

namespace cubie::cli {

class memory_result_sink final : public result_sink {
 public:
  /// `result` must be prepared for the solve's layout.
  memory_result_sink(SolveResult& result, bool nan_fill) : result_(result), nan_fill_(nan_fill) {}

  output_view view(i64 begin, i64 /*end*/) override {
    const i64 n = result_.n_runs();
    output_view v;
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

 private:
  SolveResult& result_;
  bool nan_fill_;
};

}  // namespace cubie::cli
