#include "cubie/io/settings_json.hpp"

#include "cubie/io/json_writer.hpp"

namespace cubie::io {

namespace {

void optional_number(json_writer& w, const char* key, const std::optional<double>& v) {
  w.key(key);
  if (v) w.value(*v);
  else w.null();
}

void optional_names(json_writer& w, const char* key, const std::optional<std::vector<std::string>>& v) {
  w.key(key);
  if (v) w.value(*v);
  else w.null();
}

void optional_numbers(json_writer& w, const char* key, const std::optional<std::vector<double>>& v) {
  w.key(key);
  if (v) w.value(*v);
  else w.null();
}

}  // namespace

std::string settings_json(const solver_settings& s, const solve_spec& spec, int indent) {
  json_writer w(indent);
  w.begin_object();
  w.key("algorithm").value(s.algorithm);
  w.key("step_controller").value(s.step_controller);
  w.key("atol").value(s.atol);
  w.key("rtol").value(s.rtol);
  optional_number(w, "dt", s.dt);
  optional_number(w, "dt_min", s.dt_min);
  optional_number(w, "dt_max", s.dt_max);
  optional_number(w, "safety", s.safety);
  optional_number(w, "min_gain", s.min_gain);
  optional_number(w, "max_gain", s.max_gain);
  optional_number(w, "deadband_min", s.deadband_min);
  optional_number(w, "deadband_max", s.deadband_max);
  optional_number(w, "kp", s.kp);
  optional_number(w, "ki", s.ki);
  optional_number(w, "kd", s.kd);
  optional_number(w, "newton_atol", s.newton_atol);
  optional_number(w, "newton_rtol", s.newton_rtol);
  if (s.newton_max_iters) w.key("newton_max_iters").value(static_cast<std::int64_t>(*s.newton_max_iters));
  if (s.newton_target_iters) w.key("newton_target_iters").value(static_cast<std::int64_t>(*s.newton_target_iters));
  if (s.linear_solver) w.key("linear_solver").value(*s.linear_solver);
  optional_number(w, "krylov_atol", s.krylov_atol);
  optional_number(w, "krylov_rtol", s.krylov_rtol);
  if (s.krylov_max_iters) w.key("krylov_max_iters").value(static_cast<std::int64_t>(*s.krylov_max_iters));
  if (s.preconditioner_type) w.key("preconditioner_type").value(*s.preconditioner_type);
  if (s.preconditioner_order) w.key("preconditioner_order").value(static_cast<std::int64_t>(*s.preconditioner_order));
  w.key("max_steps").value(static_cast<std::int64_t>(s.max_steps));
  if (s.auto_passes != 0) w.key("auto_passes").value(static_cast<std::int64_t>(s.auto_passes));
  w.key("precision").value(precision_name(s.precision));
  w.key("backend").value(s.backend);
  w.key("cpu_threads").value(s.cpu_threads);
  w.key("nan_fill_failed").value(s.nan_fill_failed);
  w.key("t0").value(spec.t0);
  w.key("duration").value(spec.duration);
  w.key("settling_time").value(spec.settling_time);
  optional_number(w, "save_every", spec.save_every);
  optional_numbers(w, "save_times", spec.save_times);
  optional_names(w, "output_types", spec.output_types);
  optional_names(w, "save_variables", spec.save_variables);
  optional_names(w, "summarise_variables", spec.summarise_variables);
  optional_number(w, "summarise_every", spec.summarise_every);
  optional_number(w, "sample_summaries_every", spec.sample_summaries_every);
  optional_names(w, "saved_states", spec.saved_states);
  optional_names(w, "saved_observables", spec.saved_observables);
  w.key("save_initial").value(spec.save_initial);
  w.key("save_counters").value(spec.save_counters);
  w.key("save_t_reached").value(spec.save_t_reached);
  w.key("land_on_samples").value(spec.land_on_samples);
  w.key("max_events").value(static_cast<std::int64_t>(spec.max_events));
  w.key("event_tolerance").value(spec.event_tolerance);
  w.key("save_event_states").value(spec.save_event_states);
  // Each driver's grid and interpolation; the samples themselves are the model's (or the caller's).
  w.key("drivers").begin_array();
  for (const driver_signal& d : spec.drivers) {
    w.begin_object();
    w.key("name").value(d.name);
    w.key("samples").value(static_cast<std::int64_t>(d.n_samples()));
    w.key("runs").value(static_cast<std::int64_t>(d.runs));
    w.key("t0").value(d.time.empty() ? d.t0 : d.time.front());
    w.key("dt").value(d.time.empty() ? d.dt.value_or(0.0)
                                     : (d.time.back() - d.time.front()) / static_cast<double>(d.time.size() - 1));
    w.key("order").value(d.order);
    w.key("wrap").value(d.wrap);
    w.key("boundary_condition");
    if (d.boundary) w.value(spline_boundary_name(*d.boundary));
    else w.null();
    w.end_object();
  }
  w.end_array();
  w.key("grid").value(spec.grid == grid_type::combinatorial ? "combinatorial" : "verbatim");
  const memory::memory_settings& m = s.memory;
  w.key("memory").begin_object();
  w.key("allocator").value(m.allocator);
  optional_number(w, "mem_proportion", m.mem_proportion);
  w.key("stream_group").value(m.stream_group);
  if (m.devices.empty()) {
    w.key("devices").value("all");
  } else {
    w.key("devices").begin_array();
    for (int d : m.devices) w.value(d);
    w.end_array();
  }
  w.key("pinned_pool_bytes").value(static_cast<std::uint64_t>(m.pinned_pool_bytes));
  w.key("pinned_results").value(m.pinned_results);
  w.key("staging_ring").value(m.staging_ring);
  w.key("min_chunks").value(static_cast<std::int64_t>(m.min_chunks));
  w.key("max_chunk_runs").value(static_cast<std::int64_t>(m.max_chunk_runs));
  w.key("host_budget_bytes").value(static_cast<std::uint64_t>(m.host_budget_bytes));
  w.end_object();
  w.end_object();
  return w.str();
}

}  // namespace cubie::io
