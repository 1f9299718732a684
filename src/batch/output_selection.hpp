// Which per-run arrays a solve records and the slots of its variables: the output table
// (execution/output_table.hpp) of one solve, built from its resolved output request, save
// schedule and summary plan.
#pragma once
#include <vector>

#include "cubie/execution/output_table.hpp"
#include "cubie/execution/system_info.hpp"
#include "output_request.hpp"
#include "save_schedule.hpp"
#include "summary_plan.hpp"

namespace cubie::detail {

struct output_selection {
  output_layout layout;
  std::vector<i32> state_slot;       ///< time-domain slot of each state, -1 when not saved
  std::vector<i32> observable_slot;  ///< of each observable (at least one entry)
  i32 n_saved_observables = 0;
  /// Summary block of each state, then each observable (-1: not summarised; at least one entry).
  std::vector<i32> summary_slot;
};

/// The table of a solve whose outputs are `request`, saves `schedule` and summaries `plan`.
[[nodiscard]] output_selection select_outputs(const system_info& info, const solve_spec& spec,
                                              const output_request& request, const save_schedule& schedule,
                                              const summary_plan& plan, precision p, i64 n_runs,
                                              bool switches_methods = false);

}  // namespace cubie::detail
