// Which per-run arrays a solve records and the time domain's slots: the output table
// (execution/output_table.hpp) of one solve, built from its solve_spec.
#pragma once
#include <vector>

#include "cubie/batch/solver_settings.hpp"
#include "cubie/execution/output_table.hpp"
#include "cubie/execution/system_info.hpp"

namespace cubie::detail {

struct output_selection {
  output_layout layout;
  std::vector<i32> state_slot;       ///< time-domain slot of each state, -1 when not saved
  std::vector<i32> observable_slot;  ///< of each observable (at least one entry)
  i32 n_saved_observables = 0;
};

/// @param save_times the recorded save times (the time domain's coordinates)
/// @throws invalid_argument for unknown or repeated names in saved_states/saved_observables.
[[nodiscard]] output_selection select_outputs(const system_info& info, const solve_spec& spec, precision p,
                                              i64 n_runs, std::vector<double> save_times);

}  // namespace cubie::detail
