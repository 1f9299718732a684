// The output table of a solve from its inputs' description alone: the same two steps the
// Solver takes when it prepares a batch (save schedule, output selection).
#include "cubie/batch/output_plan.hpp"

#include "output_selection.hpp"
#include "save_schedule.hpp"

namespace cubie {

output_layout plan_output_layout(const system_info& system, const solve_spec& spec, precision p, std::int64_t n_runs) {
  const detail::save_schedule schedule = detail::plan_saves(spec);
  return detail::select_outputs(system, spec, p, n_runs, schedule.recorded_times()).layout;
}

}  // namespace cubie
