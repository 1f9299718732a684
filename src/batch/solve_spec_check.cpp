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

u32 summary_groups_for(const solve_spec& spec) {
  if (!spec.output_types) return 0;
  std::vector<output_type> metrics;
  for (const std::string& text : *spec.output_types) {
    try {
      const output_type t = parse_output_type(text);
      if (t.is_metric()) metrics.push_back(t);
    } catch (const invalid_argument& e) {
      throw setting_error("output_types", e.what());
    }
  }
  return detail::summary_groups_of(metrics);
}

recorded_outputs describe_outputs(const system_info& info, const solve_spec& spec) {
  const detail::output_request request = detail::resolve_outputs(info, spec);
  const detail::save_schedule schedule = detail::plan_saves(spec, request.time_domain);
  const detail::summary_plan plan = detail::plan_summaries(request.metrics, spec, schedule);
  recorded_outputs out;
  for (int s : request.saved_states) out.time_domain.push_back(info.states[static_cast<std::size_t>(s)]);
  for (int o : request.saved_observables) out.time_domain.push_back(info.observables[static_cast<std::size_t>(o)]);
  if (request.time_domain) out.save_times = schedule.recorded_times();
  if (plan.any()) {
    for (int s : request.summarised_states) out.summarised.push_back(info.states[static_cast<std::size_t>(s)]);
    for (int o : request.summarised_observables) out.summarised.push_back(info.observables[static_cast<std::size_t>(o)]);
    out.summary_values = plan.output_names;
    out.n_windows = plan.n_windows;
    out.samples_per_window = plan.samples_per_window;
    out.summarise_every = plan.summarise_every;
    out.sample_summaries_every = plan.sample_every;
  }
  return out;
}

}  // namespace cubie
