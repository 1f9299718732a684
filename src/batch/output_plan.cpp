// The output table of a solve from its inputs' description alone: the same steps the
// Solver takes when it prepares a batch (output request, save schedule, summary plan,
// output selection).
#include "cubie/batch/output_plan.hpp"

#include "cubie/batch/method_catalog.hpp"
#include "output_request.hpp"
#include "output_selection.hpp"
#include "save_schedule.hpp"
#include "summary_plan.hpp"

namespace cubie {

output_layout plan_output_layout(const system_info& system, const solve_spec& spec, precision p, std::int64_t n_runs,
                                 const std::string& algorithm) {
  const bool switches = !algorithm.empty() && find_method(algorithm).family == method_family::auto_switch;
  const detail::output_request request = detail::resolve_outputs(system, spec);
  const detail::save_schedule schedule = detail::plan_saves(spec, request.time_domain || request.iteration_counters);
  const detail::summary_plan summaries = detail::plan_summaries(request.metrics, spec, schedule);
  return detail::select_outputs(system, spec, request, schedule, summaries, p, n_runs, switches).layout;
}

}  // namespace cubie
