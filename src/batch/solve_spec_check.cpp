// check_solve_spec: the Solver's own checks of a solve_spec, without a Solver.
#include "cubie/batch/solve_spec_check.hpp"

#include "output_request.hpp"
#include "save_schedule.hpp"
#include "summary_plan.hpp"

namespace cubie {

void check_solve_spec(const system_info& info, const solve_spec& spec) {
  const detail::output_request request = detail::resolve_outputs(info, spec);
  const detail::save_schedule schedule = detail::plan_saves(spec, request.time_domain);
  (void)detail::plan_summaries(request.metrics, spec, schedule);
}

}  // namespace cubie
