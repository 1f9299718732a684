// `cubie check`: reads a model (with any --set overrides), checks it and the settings
// the Solver would reject, warns about what no equation uses, and lists what it declares,
// how many runs the sweep makes, how large their output is and the host memory they need.
#include <cstdio>
#include <sstream>

#include "commands.hpp"
#include "cubie/backends/backend_registry.hpp"
#include "cubie/batch/output_plan.hpp"
#include "cubie/batch/method_catalog.hpp"
#include "cubie/batch/solve_spec_check.hpp"
#include "cubie/batch/step_control.hpp"
#include "cubie/core/names.hpp"
#include "cubie/models/jacobian_structure.hpp"
#include "cubie/models/model.hpp"
#include "cubie/models/sweep.hpp"
#include "model_grid.hpp"
#include "run_notes.hpp"
#include "run_plan.hpp"
#include "text_format.hpp"

namespace cubie::cli {

namespace {

std::string values_line(const std::vector<models::named_value>& values) {
  if (values.empty()) return "(none)";
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += ", ";
    out += v.name + " = " + format_number(v.value);
  }
  return out;
}

std::string numbers(const std::vector<double>& v) {
  std::string out;
  for (double x : v) {
    if (!out.empty()) out += ' ';
    out += format_number(x);
  }
  return out;
}

template <class T>
void optional_field(std::ostringstream& o, const char* name, const std::optional<T>& v) {
  if (v) o << ", " << name << " " << format_number(*v);
}

std::string solver_line(const models::model_definition& m, const method_info& method) {
  const solver_settings& s = m.settings;
  std::ostringstream o;
  o << method.name << " (" << family_name(method.family) << ", order " << method.order
    << (method.adaptive ? ", adaptive" : ", fixed step") << ")";
  if (!s.step_controller.empty()) o << ", controller " << s.step_controller;
  o << ", atol " << numbers(s.atol) << ", rtol " << numbers(s.rtol);
  optional_field(o, "dt", s.dt);
  std::vector<std::string> ignored;
  if (!s.dt && resolve_controller(s, method, ignored).kind == controller_kind::fixed) {
    o << ", dt " << format_number(default_fixed_dt) << " (the default for fixed steps: "
      << (m.spec.save_every ? "about " : "") << fixed_steps_per_run(m.spec, default_fixed_dt) << " steps per run)";
  }
  // The bounds this solve will use (defaults follow the span).
  const step_bounds b = resolve_step_bounds(s, m.spec.t0, m.spec.settling_time + m.spec.duration, method.family);
  o << ", dt_min " << format_number(b.dt_min) << (s.dt_min ? "" : " (default)") << ", dt_max "
    << format_number(b.dt_max) << (s.dt_max ? "" : " (default)") << ", max_steps " << s.max_steps << ", backend "
    << s.backend;
  return o.str();
}

std::string span_line(const models::model_definition& m) {
  const solve_spec& p = m.spec;
  std::ostringstream o;
  o << "t0 " << format_number(p.t0) << ", duration " << format_number(p.duration);
  if (p.settling_time > 0) o << ", settling_time " << format_number(p.settling_time);
  if (p.land_on_samples) o << ", steps land on driver samples";
  return o.str();
}

// What the solve records: the time domain (variables, save times) and the summaries.
std::string outputs_lines(const models::model_definition& m) {
  system_info info;
  info.states = models::names_of(m.states);
  info.parameters = models::names_of(m.parameters);
  info.observables = m.observables;
  const recorded_outputs r = describe_outputs(info, m.spec);
  std::ostringstream o;
  if (r.time_domain.empty()) {
    o << "no time domain";
  } else {
    o << "time domain " << join_names(r.time_domain) << " at " << r.save_times.size()
      << (r.save_times.size() == 1 ? " time" : " times");
    if (m.spec.save_times) o << " (save_times)";
    else if (m.spec.save_every) o << " (every " << format_number(*m.spec.save_every) << ")";
    else o << " (initial and final)";
    if (!r.save_times.empty())
      o << ", " << format_number(r.save_times.front()) << " .. " << format_number(r.save_times.back());
  }
  o << "\n";
  if (!r.summarised.empty()) {
    o << "           summaries " << join_names(r.summary_values) << " of " << join_names(r.summarised) << ": "
      << r.n_windows << (r.n_windows == 1 ? " window" : " windows") << " of " << format_number(r.summarise_every)
      << ", " << r.samples_per_window << " samples each (every " << format_number(r.sample_summaries_every) << ")\n";
  }
  return o.str();
}

std::string memory_line(const memory::memory_settings& m) {
  std::ostringstream o;
  o << "allocator " << m.allocator << ", stream_group " << m.stream_group;
  optional_field(o, "mem_proportion", m.mem_proportion);
  if (m.host_budget_bytes > 0) o << ", host_budget_bytes " << m.host_budget_bytes;
  if (m.max_chunk_runs > 0) o << ", max_chunk_runs " << m.max_chunk_runs;
  if (!m.devices.empty()) o << ", devices " << m.devices_text();
  return o.str();
}

std::string sweep_lines(const models::sweep_definition& sweep) {
  if (sweep.axes.empty()) return "(none: one run at the defaults)\n";
  std::ostringstream o;
  o << (sweep.grid == grid_type::combinatorial ? "combinatorial" : "verbatim") << "\n";
  for (const auto& a : sweep.axes) {
    o << "           " << a.name << ": " << a.values.size() << (a.values.size() == 1 ? " value" : " values");
    if (!a.values.empty()) o << ", " << format_number(a.values.front()) << " .. " << format_number(a.values.back());
    o << "\n";
  }
  return o.str();
}

// One line per driver: where its samples came from, how many, their span and interpolation.
std::string driver_lines(const models::model_definition& m) {
  if (m.drivers.empty()) return "(none)\n";
  std::ostringstream o;
  for (std::size_t i = 0; i < m.drivers.size(); ++i) {
    const driver_signal& s = m.spec.drivers[i];
    const std::int64_t n = s.n_samples();
    const double t0 = s.time.empty() ? s.t0 : s.time.front();
    const double dt = s.time.empty() ? *s.dt : (s.time.back() - s.time.front()) / static_cast<double>(n - 1);
    if (i > 0) o << "           ";
    o << m.drivers[i].name << ": " << n << " samples (" << m.drivers[i].origin << "), t " << format_number(t0) << " .. "
      << format_number(t0 + dt * static_cast<double>(n - 1)) << " every " << format_number(dt) << ", "
      << (s.order == 3 ? "cubic spline" : s.order == 1 ? "linear" : "held (order 0)");
    if (s.order >= 1) {
      const spline_boundary b = s.boundary.value_or(s.wrap ? spline_boundary::periodic : spline_boundary::clamped);
      if (s.order == 3 || b == spline_boundary::clamped) o << " " << spline_boundary_name(b);
    }
    o << ", " << (s.wrap ? "repeats" : "zero outside") << (s.runs > 0 ? ", one signal per run" : ", shared") << "\n";
  }
  return o.str();
}

// One line per event: its condition, direction, action and reset.
std::string event_lines(const models::model_definition& m) {
  if (m.events.empty()) return "(none)\n";
  std::ostringstream o;
  for (std::size_t i = 0; i < m.events.size(); ++i) {
    const models::model_event& e = m.events[i];
    if (i > 0) o << "           ";
    const char* d = e.direction == event_direction::up ? "up" : e.direction == event_direction::down ? "down" : "both ways";
    const char* a = e.action == event_action::record ? "record" : e.action == event_action::terminate ? "terminate" : "reset";
    o << e.name << ": " << e.condition_text << " crossing 0 " << d << ", " << a;
    if (!e.reset.empty()) {
      o << " (";
      for (std::size_t k = 0; k < e.reset.size(); ++k) o << (k ? ", " : "") << e.reset[k].name;
      o << ")";
    }
    o << "\n";
  }
  if (m.spec.max_events > 0) {
    o << "           logged: the first " << m.spec.max_events << " per run (max_events)"
      << (m.spec.save_event_states ? ", with the state" : "") << "\n";
  } else {
    o << "           counted, not logged (max_events = 0)\n";
  }
  return o.str();
}

}  // namespace

int check_command(const check_options& opt) {
  models::model_definition m = models::load_model(opt.model);
  for (const std::string& s : opt.sets) models::apply_override(m, s);
  const method_info& method = find_method(m.settings.algorithm);
  m.settings.memory.validate();
  const std::size_t runs = models::run_count(m.sweep);
  print_model_warnings(m);
  const output_layout planned =
      plan_output_layout(model_system_info(m), m.spec, m.precision, static_cast<std::int64_t>(runs), m.settings.algorithm);
  const std::string backend = normalize_name(m.settings.backend);
  const run_plan plan = plan_run(m, planned, backend == "cuda" || (backend == "auto" && cuda_device_available()));

  std::ostringstream o;
  o << "model      " << m.name << " (" << opt.model << "), " << precision_name(m.precision) << "\n";
  o << "states     " << values_line(m.states) << "\n";
  o << "parameters " << values_line(m.parameters) << "\n";
  o << "constants  " << values_line(m.constants) << "\n";
  o << "observables " << (m.observables.empty() ? std::string("(none)") : join_names(m.observables)) << "\n";
  o << "drivers    " << driver_lines(m);
  o << "events     " << event_lines(m);
  o << "equations  " << m.equations.assignments.size() << " (" << m.states.size() << " derivatives, "
    << m.equations.auxiliaries.size() << " auxiliaries)\n";
  o << "solver     " << solver_line(m, method) << "\n";
  // Implicit methods solve with the generated Jacobian: its size and the sparse LU's cost
  // per step (explicit methods never form it).
  if (method.implicit) o << "jacobian   " << models::summary(models::analyze_jacobian(m)) << "\n";
  o << "span       " << span_line(m) << "\n";
  o << "outputs    " << outputs_lines(m);
  o << "memory     " << memory_line(m.settings.memory) << "\n";
  o << "sweep      " << sweep_lines(m.sweep);
  o << "runs       " << runs << "\n";
  o << plan_lines_for_check(plan);
  o << "ok\n";
  std::fputs(o.str().c_str(), stdout);
  return exit_ok;
}

}  // namespace cubie::cli
