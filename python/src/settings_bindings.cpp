// The engine's settings structs, field by field under the engine's names. The Python
// layer routes the design's keyword arguments onto them; the engine validates them.
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"
#include "cubie/batch/output_types.hpp"
#include "cubie/batch/solve_spec_check.hpp"
#include "cubie/core/error.hpp"
#include "cubie/io/settings_json.hpp"
#include "cubie/memory/memory_settings.hpp"

namespace cubie::python {

void bind_settings(nb::module_& m) {
  using memory::memory_settings;
  nb::class_<memory_settings>(m, "MemorySettings", "cubie::memory::memory_settings")
      .def(nb::init<>())
      .def_rw("allocator", &memory_settings::allocator)
      .def_rw("mem_proportion", &memory_settings::mem_proportion, nb::arg().none())
      .def_rw("stream_group", &memory_settings::stream_group)
      .def_rw("pinned_pool_bytes", &memory_settings::pinned_pool_bytes)
      .def_rw("min_chunks", &memory_settings::min_chunks)
      .def_rw("max_chunk_runs", &memory_settings::max_chunk_runs)
      .def_rw("host_budget_bytes", &memory_settings::host_budget_bytes)
      .def_rw("pinned_results", &memory_settings::pinned_results)
      .def_rw("staging_ring", &memory_settings::staging_ring)
      .def_rw("host_staging", &memory_settings::host_staging)
      .def_rw("devices", &memory_settings::devices)
      .def("validate", &memory_settings::validate);

  nb::class_<solver_settings>(m, "SolverSettings", "cubie::solver_settings")
      .def(nb::init<>())
      .def("copy", [](const solver_settings& s) { return solver_settings(s); })
      .def_rw("algorithm", &solver_settings::algorithm)
      .def_rw("step_controller", &solver_settings::step_controller)
      .def_rw("atol", &solver_settings::atol)
      .def_rw("rtol", &solver_settings::rtol)
      .def_rw("dt", &solver_settings::dt, nb::arg().none())
      .def_rw("dt_min", &solver_settings::dt_min, nb::arg().none())
      .def_rw("dt_max", &solver_settings::dt_max, nb::arg().none())
      .def_rw("safety", &solver_settings::safety, nb::arg().none())
      .def_rw("min_gain", &solver_settings::min_gain, nb::arg().none())
      .def_rw("max_gain", &solver_settings::max_gain, nb::arg().none())
      .def_rw("deadband_min", &solver_settings::deadband_min, nb::arg().none())
      .def_rw("deadband_max", &solver_settings::deadband_max, nb::arg().none())
      .def_rw("kp", &solver_settings::kp, nb::arg().none())
      .def_rw("ki", &solver_settings::ki, nb::arg().none())
      .def_rw("kd", &solver_settings::kd, nb::arg().none())
      .def_rw("newton_atol", &solver_settings::newton_atol, nb::arg().none())
      .def_rw("newton_rtol", &solver_settings::newton_rtol, nb::arg().none())
      .def_rw("newton_max_iters", &solver_settings::newton_max_iters, nb::arg().none())
      .def_rw("newton_target_iters", &solver_settings::newton_target_iters, nb::arg().none())
      .def_rw("linear_solver", &solver_settings::linear_solver, nb::arg().none())
      .def_rw("krylov_atol", &solver_settings::krylov_atol, nb::arg().none())
      .def_rw("krylov_rtol", &solver_settings::krylov_rtol, nb::arg().none())
      .def_rw("krylov_max_iters", &solver_settings::krylov_max_iters, nb::arg().none())
      .def_rw("preconditioner_type", &solver_settings::preconditioner_type, nb::arg().none())
      .def_rw("preconditioner_order", &solver_settings::preconditioner_order, nb::arg().none())
      .def_rw("max_steps", &solver_settings::max_steps)
      .def_rw("auto_passes", &solver_settings::auto_passes)
      .def_prop_rw(
          "precision", [](const solver_settings& s) { return std::string(precision_name(s.precision)); },
          [](solver_settings& s, const std::string& p) { s.precision = parse_precision(p); })
      .def_rw("backend", &solver_settings::backend)
      .def_rw("cpu_threads", &solver_settings::cpu_threads)
      .def_rw("nan_fill_failed", &solver_settings::nan_fill_failed)
      .def_rw("memory", &solver_settings::memory);

  nb::class_<solve_spec>(m, "SolveSpec", "cubie::solve_spec")
      .def(nb::init<>())
      .def("copy", [](const solve_spec& s) { return solve_spec(s); })
      .def_rw("t0", &solve_spec::t0)
      .def_rw("duration", &solve_spec::duration)
      .def_rw("settling_time", &solve_spec::settling_time)
      .def_rw("save_every", &solve_spec::save_every, nb::arg().none())
      .def_rw("save_times", &solve_spec::save_times, nb::arg().none())
      .def_rw("output_types", &solve_spec::output_types, nb::arg().none())
      .def_rw("save_variables", &solve_spec::save_variables, nb::arg().none())
      .def_rw("summarise_variables", &solve_spec::summarise_variables, nb::arg().none())
      .def_rw("summarise_every", &solve_spec::summarise_every, nb::arg().none())
      .def_rw("sample_summaries_every", &solve_spec::sample_summaries_every, nb::arg().none())
      .def_rw("saved_states", &solve_spec::saved_states, nb::arg().none())
      .def_rw("saved_observables", &solve_spec::saved_observables, nb::arg().none())
      .def_rw("save_initial", &solve_spec::save_initial)
      .def_rw("save_counters", &solve_spec::save_counters)
      .def_rw("land_on_samples", &solve_spec::land_on_samples)
      .def_rw("max_events", &solve_spec::max_events)
      .def_rw("event_tolerance", &solve_spec::event_tolerance)
      .def_rw("save_event_states", &solve_spec::save_event_states)
      .def_prop_ro("driver_names",
                   [](const solve_spec& s) {
                     std::vector<std::string> names;
                     for (const driver_signal& d : s.drivers) names.push_back(d.name);
                     return names;
                   })
      .def("clear_drivers", [](solve_spec& s) { s.drivers.clear(); })
      .def(
          "add_driver",
          [](solve_spec& s, const std::string& name,
             nb::ndarray<const double, nb::c_contig, nb::device::cpu> samples,
             std::optional<nb::ndarray<const double, nb::ndim<1>, nb::c_contig, nb::device::cpu>> time,
             std::optional<double> dt, double t0, int order, bool wrap, std::optional<std::string> boundary) {
            driver_signal d;
            d.name = name;
            if (samples.ndim() != 1 && samples.ndim() != 2) {
              throw invalid_argument("driver '" + name + "': samples must be 1-D (one signal) or 2-D (samples, runs), got " +
                                     std::to_string(samples.ndim()) + " dimensions");
            }
            d.samples.assign(samples.data(), samples.data() + samples.size());
            d.runs = samples.ndim() == 2 ? static_cast<std::int64_t>(samples.shape(1)) : 0;
            if (time) d.time.assign(time->data(), time->data() + time->size());
            d.dt = dt;
            d.t0 = t0;
            d.order = order;
            d.wrap = wrap;
            if (boundary) d.boundary = parse_spline_boundary(*boundary);
            for (driver_signal& old : s.drivers) {
              if (old.name == name) {
                old = std::move(d);
                return;
              }
            }
            s.drivers.push_back(std::move(d));
          },
          nb::arg("name"), nb::arg("samples"), nb::arg("time").none() = nb::none(), nb::arg("dt").none() = nb::none(),
          nb::arg("t0") = 0.0, nb::arg("order") = 3, nb::arg("wrap") = true,
          nb::arg("boundary_condition").none() = nb::none(),
          "Sets the signal of a driver (cubie::driver_signal): samples (n,) or (n, runs), times or dt/t0.")
      .def_prop_rw(
          "grid",
          [](const solve_spec& s) {
            return std::string(s.grid == grid_type::combinatorial ? "combinatorial" : "verbatim");
          },
          [](solve_spec& s, const std::string& g) { s.grid = parse_grid_type(g); });

  m.def("summary_metric_names", &summary_metric_names, "The 18 summary metric names output_types accepts.");
  m.def("summary_groups_for", &summary_groups_for, nb::arg("spec"),
        "The summary accumulator groups a solve of `spec` needs (0: none): what to compile.");
  m.def(
      "settings_json",
      [](const solver_settings& s, const solve_spec& spec, int indent) { return io::settings_json(s, spec, indent); },
      nb::arg("settings"), nb::arg("spec"), nb::arg("indent") = 0,
      "Every setting as JSON, as result files store it.");
}

}  // namespace cubie::python
