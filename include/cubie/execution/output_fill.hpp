// cubie/execution/output_fill.hpp
// What the outputs of runs that failed or never ran hold, applied to any view of the
// output arrays (a SolveResult's storage or a streaming writer's buffer), as the output
// table says: NaN for arrays marked nan_when_failed, each array's unintegrated value.
#pragma once
#include "output_table.hpp"
#include "result_sink.hpp"

namespace cubie {

/// NaN into the nan_when_failed arrays of the view's runs [0, runs) whose status is not 0.
/// Cheap when no run failed (one pass over the statuses).
void nan_fill_failed_runs(const output_layout& layout, const output_view& view, i64 runs);

/// Every array's unintegrated value (status 1024, values NaN, counters 0) into the view's
/// runs [0, runs).
void fill_unintegrated(const output_layout& layout, const output_view& view, i64 runs);

/// The view of runs [begin, ...) of arrays stored whole (run_stride = layout.n_runs) at `base`.
[[nodiscard]] output_view offset_view(const output_layout& layout, const output_view& base, i64 begin);

}  // namespace cubie
