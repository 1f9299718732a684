// The output table of one solve: the time domain (saved states, then observables, at the
// recorded save times) when asked for, the summaries (window, variable x metric value),
// status, the step counters and stopping points when asked for, and the event log of a
// system with events.
#include "output_selection.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "cubie/core/status.hpp"

namespace cubie::detail {

namespace {

output_array per_run_counter(output_id id, const char* name, const char* description) {
  return {id, name, description, element_type::uint32, {}, false, 0.0};
}

// The event log: how many events each run had, the first max_events of them (time, which,
// state), and where a terminating event ended the run. Kept for failed runs (what happened
// before the failure happened); unused slots hold NaN (ids 4294967295).
void add_event_outputs(output_layout& l, const system_info& info, const solve_spec& spec) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  l.event_names = info.events;
  l.arrays.push_back({output_id::event_count, "event_count", "events that happened in each run, logged or not",
                      element_type::uint32, {}, false, 0.0});
  if (spec.max_events > 0) {
    std::vector<double> slots(static_cast<std::size_t>(spec.max_events));
    for (std::size_t j = 0; j < slots.size(); ++j) slots[j] = static_cast<double>(j);
    const output_axis slot_axis{"event", spec.max_events, slots, {}, true};
    l.arrays.push_back({output_id::event_times, "event_times", "time of each logged event, in order; NaN past event_count",
                        element_type::float64, {slot_axis}, false, nan});
    l.arrays.push_back({output_id::event_ids, "event_ids",
                        "which event (index into the system's events); 4294967295 past event_count",
                        element_type::uint32, {slot_axis}, false, 4294967295.0});
    if (spec.save_event_states) {
      l.arrays.push_back({output_id::event_states, "event_states",
                          "state at each logged event (before a reset); NaN past event_count", element_type::value,
                          {slot_axis, output_axis{"state", info.n_states(), {}, info.states, false}}, false, nan});
    }
  }
  const bool terminates = std::any_of(info.event_kinds.begin(), info.event_kinds.end(),
                                      [](const event_kind& k) { return k.action == event_action::terminate; });
  if (terminates) {
    l.arrays.push_back({output_id::event_terminated, "event_terminated",
                        "time a terminating event ended the run; NaN when none did", element_type::float64, {}, false,
                        nan});
  }
}

}  // namespace

output_selection select_outputs(const system_info& info, const solve_spec& spec, const output_request& request,
                                const save_schedule& schedule, const summary_plan& plan, precision p, i64 n_runs,
                                bool switches_methods) {
  output_selection out;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  out.state_slot.assign(static_cast<std::size_t>(info.n_states()), -1);
  out.observable_slot.assign(static_cast<std::size_t>(std::max(1, info.n_observables())), -1);
  std::vector<std::string> variables;
  for (int s : request.saved_states) {
    out.state_slot[static_cast<std::size_t>(s)] = static_cast<i32>(variables.size());
    variables.push_back(info.states[static_cast<std::size_t>(s)]);
  }
  for (int o : request.saved_observables) {
    out.observable_slot[static_cast<std::size_t>(o)] = static_cast<i32>(variables.size());
    variables.push_back(info.observables[static_cast<std::size_t>(o)]);
  }
  out.n_saved_observables = static_cast<i32>(request.saved_observables.size());

  output_layout& l = out.layout;
  l.precision = p;
  l.n_runs = n_runs;
  l.n_saved_states = static_cast<int>(request.saved_states.size());
  if (request.time_domain) {
    std::vector<double> times = schedule.recorded_times();
    const auto n_saves = static_cast<std::int64_t>(times.size());
    const auto n_vars = static_cast<std::int64_t>(variables.size());
    l.arrays.push_back({output_id::time_domain, "time_domain", "saved states then observables at each save time",
                        element_type::value,
                        {output_axis{"time", n_saves, std::move(times), {}, true},
                         output_axis{"variable", n_vars, {}, std::move(variables), false}},
                        true, nan});
  }
  if (request.iteration_counters) {
    // Per save (recorded or not, as the time domain's axis), the work since the previous one.
    l.arrays.push_back({output_id::iteration_counters, "iteration_counters",
                        "per save: Newton iterations, linear iterations, accepted steps and rejected steps since the "
                        "previous save",
                        element_type::uint32,
                        {output_axis{"time", static_cast<std::int64_t>(schedule.recorded_times().size()),
                                     schedule.recorded_times(), {}, true},
                         output_axis{"counter", 4, {}, {"newton_iterations", "linear_iterations", "steps_accepted",
                                                        "steps_rejected"}, false}},
                        false, 0.0});
  }
  l.arrays.push_back({output_id::status, "status", "status bits; 0 is success", element_type::uint32, {}, false,
                      static_cast<double>(status_not_integrated)});
  if (spec.save_counters) {
    l.arrays.push_back(per_run_counter(output_id::steps_accepted, "steps_accepted", "accepted steps"));
    l.arrays.push_back(per_run_counter(output_id::steps_rejected, "steps_rejected", "rejected steps"));
  }
  if (spec.save_t_reached) {
    // Where a run stopped: kept for failed runs (never NaN-filled), NaN for runs never integrated.
    l.arrays.push_back({output_id::t_reached, "t_reached", "time the run reached; the end time when it succeeded",
                        element_type::float64, {}, false, nan});
    l.arrays.push_back({output_id::dt_last, "dt_last",
                        "step size when the run ended; for a failed run, the step that failed",
                        element_type::value, {}, false, nan});
  }

  if (switches_methods) {
    // algorithm = "auto": which methods each run used, and when it turned stiff. Kept for
    // failed runs (what happened before the failure happened).
    l.arrays.push_back({output_id::stiff_switches, "stiff_switches",
                        "switches between the explicit and the stiff method (algorithm = auto)", element_type::uint32,
                        {}, false, 0.0});
    l.arrays.push_back({output_id::t_first_stiff, "t_first_stiff",
                        "time the run first switched to the stiff method; NaN when it never did", element_type::float64,
                        {}, false, nan});
    l.arrays.push_back({output_id::stiff_steps, "stiff_steps", "accepted steps of the stiff method (algorithm = auto)",
                        element_type::uint32, {}, false, 0.0});
  }

  out.summary_slot.assign(static_cast<std::size_t>(std::max(1, info.n_states() + info.n_observables())), -1);
  if (plan.any()) {
    std::vector<std::string> legend;
    i32 block = 0;
    auto add = [&](std::size_t slot, const std::string& variable) {
      out.summary_slot[slot] = block++;
      l.summarised_variables.push_back(variable);
      for (const std::string& n : plan.output_names) legend.push_back(variable + " " + n);
    };
    for (int s : request.summarised_states) add(static_cast<std::size_t>(s), info.states[static_cast<std::size_t>(s)]);
    for (int o : request.summarised_observables)
      add(static_cast<std::size_t>(info.n_states() + o), info.observables[static_cast<std::size_t>(o)]);
    const auto n_windows = static_cast<std::int64_t>(plan.window_ends.size());
    const auto n_rows = static_cast<std::int64_t>(legend.size());
    l.summary_outputs = plan.output_names;
    l.arrays.push_back({output_id::summaries, "summaries",
                        "summary metrics per window: \"<variable> <metric>\"; a window's coordinate is the time of "
                        "its last sample",
                        element_type::value,
                        {output_axis{"window", n_windows, plan.window_ends, {}, true},
                         output_axis{"summary", n_rows, {}, std::move(legend), false}},
                        true, nan});
  }
  if (info.n_events() > 0) add_event_outputs(l, info, spec);
  return out;
}

}  // namespace cubie::detail
