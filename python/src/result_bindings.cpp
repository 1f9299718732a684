// Results as numpy arrays over the engine's own buffers: no copy, and every array keeps
// the result object (and so the buffers) alive for as long as the array lives.
#include <nanobind/ndarray.h>
#include <nanobind/stl/shared_ptr.h>
#include <filesystem>
#include <nanobind/stl/string.h>
#include <nanobind/stl/unique_ptr.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"
#include "result_pool.hpp"
#include "cubie/batch/failure_summary.hpp"
#include "cubie/io/hdf5_options.hpp"
#include "cubie/io/write_hdf5.hpp"

namespace cubie::python {

namespace {

// An empty buffer may have no address; numpy still wants one.
alignas(64) char empty_storage[64];

template <class T>
nb::object view(nb::handle owner, T* data, std::initializer_list<std::size_t> shape) {
  if (data == nullptr) data = reinterpret_cast<T*>(empty_storage);
  return nb::cast(nb::ndarray<nb::numpy, T>(data, shape, owner));
}

py_result& self_of(nb::handle h) { return nb::cast<py_result&>(h); }

// An output array of the table as (axes..., runs), or None when the solve did not record it.
template <class T>
nb::object table_array(nb::handle h, output_id id) {
  py_result& r = self_of(h);
  const output_array* a = r.result.outputs().find(id);
  if (a == nullptr) return nb::none();
  std::vector<std::size_t> shape;
  for (const output_axis& axis : a->axes) shape.push_back(static_cast<std::size_t>(axis.size));
  shape.push_back(static_cast<std::size_t>(r.result.n_runs()));
  T* data = static_cast<T*>(const_cast<void*>(r.result.array_data(id)));
  if (data == nullptr) data = reinterpret_cast<T*>(empty_storage);
  return nb::cast(nb::ndarray<nb::numpy, T>(data, shape.size(), shape.data(), h));
}

nb::dict statistics_dict(const solve_statistics& s) {
  nb::dict d;
  d["backend"] = s.backend;
  d["device"] = s.device;
  d["chunks"] = s.chunks;
  d["chunk_runs"] = s.chunk_runs;
  d["streams"] = s.streams;
  d["bytes_to_device"] = s.bytes_to_device;
  d["bytes_to_host"] = s.bytes_to_host;
  d["peak_device_bytes"] = s.peak_device_bytes;
  d["current_device_bytes"] = s.current_device_bytes;
  d["device_allocations"] = s.device_allocations;
  d["budget_bytes"] = s.budget_bytes;
  d["allocation_retries"] = s.allocation_retries;
  d["staging_peak_bytes"] = s.staging_peak_bytes;
  d["staging_wait_ms"] = s.staging_wait_ms;
  // The CUDA kernel's resources (0 on the CPU).
  d["kernel_registers"] = s.kernel_registers;
  d["kernel_local_bytes"] = s.kernel_local_bytes;
  d["kernel_blocks_per_sm"] = s.kernel_blocks_per_sm;
  // algorithm = "auto" in two passes: the first pass's kernel (the fields above: the second's).
  d["first_pass_registers"] = s.first_pass_registers;
  d["first_pass_blocks_per_sm"] = s.first_pass_blocks_per_sm;
  // algorithm = "auto": 1 (one kernel) or 2 (two passes) and the runs the second pass took;
  // 0 and 0 for other methods (cubie run --json: "auto": {"passes", "second_pass_runs"}).
  d["auto_passes"] = s.auto_passes;
  d["second_pass_runs"] = s.second_pass_runs;
  d["h2d_ms"] = s.h2d_ms;
  d["kernel_ms"] = s.kernel_ms;
  d["d2h_ms"] = s.d2h_ms;
  d["wall_ms"] = s.wall_ms;
  d["setup_ms"] = s.setup_ms;
  // One dict per device of a solve spread over several GPUs (empty for one device).
  nb::list devices;
  for (const device_statistics& x : s.devices) {
    nb::dict e;
    e["device"] = x.device;
    e["name"] = x.name;
    e["runs"] = x.runs;
    e["chunks"] = x.chunks;
    e["chunk_runs"] = x.chunk_runs;
    e["bytes_to_device"] = x.bytes_to_device;
    e["bytes_to_host"] = x.bytes_to_host;
    e["peak_device_bytes"] = x.peak_device_bytes;
    e["budget_bytes"] = x.budget_bytes;
    e["allocation_retries"] = x.allocation_retries;
    e["h2d_ms"] = x.h2d_ms;
    e["kernel_ms"] = x.kernel_ms;
    e["d2h_ms"] = x.d2h_ms;
    e["busy_ms"] = x.busy_ms;
    e["failure"] = x.failure.empty() ? nb::none() : nb::cast(x.failure);
    e["runs_handed_back"] = x.runs_handed_back;
    e["lost"] = x.lost;
    devices.append(e);
  }
  d["devices"] = devices;
  return d;
}

}  // namespace

py_result::~py_result() {
  if (result.n_runs() > 0 && !alloc_name.empty()) result_pool::global().give_back(std::move(result), alloc_name);
}

void bind_results(nb::module_& m) {
  nb::class_<py_result>(m, "Result", "One solve's results; its arrays view the engine's buffers.")
      .def_prop_ro("precision", [](const py_result& r) { return std::string(precision_name(r.result.precision())); })
      .def_prop_ro("n_saves", [](const py_result& r) { return r.result.n_saves(); })
      .def_prop_ro("n_runs", [](const py_result& r) { return r.result.n_runs(); })
      .def_prop_ro("variables", [](const py_result& r) { return r.result.variables(); })
      .def_prop_ro("n_saved_states", [](const py_result& r) { return r.result.n_saved_states(); })
      .def_prop_ro("committed_runs", [](const py_result& r) { return r.committed_runs; })
      .def(
          "failure_summary",
          [](const py_result& r, const std::string& algorithm) { return failure_summary(r.result.status(), algorithm); },
          nb::arg("algorithm"), "The failed runs in words, with the stiffness hint; '' when none failed.")
      .def_prop_ro("has_counters", [](const py_result& r) { return r.result.has_counters(); })
      .def_prop_ro("statistics", [](const py_result& r) { return statistics_dict(r.result.statistics()); })
      .def_prop_ro("settings_json", [](const py_result& r) { return r.metadata.solver_settings; })
      .def_prop_ro("backend", [](const py_result& r) { return r.metadata.backend; })
      .def_prop_ro("grid", [](const py_result& r) { return r.grid; })
      .def_prop_ro("time_domain",
                   [](nb::handle h) -> nb::object {
                     py_result& r = self_of(h);
                     const auto s = static_cast<std::size_t>(r.result.n_saves());
                     const auto v = static_cast<std::size_t>(r.result.n_vars());
                     const auto n = static_cast<std::size_t>(r.result.n_runs());
                     if (r.result.precision() == precision::float32)
                       return view(h, const_cast<float*>(r.result.time_domain<float>().data()), {s, v, n});
                     return view(h, const_cast<double*>(r.result.time_domain<double>().data()), {s, v, n});
                   },
                   "(n_saves, n_vars, n_runs) over the result's own buffer.")
      .def_prop_ro("time_domain_address",
                   [](const py_result& r) {
                     return r.result.precision() == precision::float32
                                ? reinterpret_cast<std::uintptr_t>(r.result.time_domain<float>().data())
                                : reinterpret_cast<std::uintptr_t>(r.result.time_domain<double>().data());
                   },
                   "The address of the engine's time-domain buffer (tests prove arrays view it).")
      .def_prop_ro("status",
                   [](nb::handle h) {
                     py_result& r = self_of(h);
                     // Bit flags below 2^31: the int32 the design documents, same bytes.
                     auto* p = reinterpret_cast<std::int32_t*>(const_cast<u32*>(r.result.status().data()));
                     return view(h, p, {static_cast<std::size_t>(r.result.n_runs())});
                   })
      .def_prop_ro("steps_accepted",
                   [](nb::handle h) -> nb::object {
                     py_result& r = self_of(h);
                     if (!r.result.has_counters()) return nb::none();
                     return view(h, const_cast<u32*>(r.result.steps_accepted().data()),
                                 {static_cast<std::size_t>(r.result.n_runs())});
                   })
      .def_prop_ro("steps_rejected",
                   [](nb::handle h) -> nb::object {
                     py_result& r = self_of(h);
                     if (!r.result.has_counters()) return nb::none();
                     return view(h, const_cast<u32*>(r.result.steps_rejected().data()),
                                 {static_cast<std::size_t>(r.result.n_runs())});
                   })
      .def_prop_ro("t_reached",
                   [](nb::handle h) -> nb::object {
                     py_result& r = self_of(h);
                     if (!r.result.has_counters()) return nb::none();
                     return view(h, const_cast<double*>(r.result.t_reached().data()),
                                 {static_cast<std::size_t>(r.result.n_runs())});
                   },
                   "The time each run reached (NaN: never integrated), or None without counters.")
      .def_prop_ro("dt_last",
                   [](const py_result& r) -> nb::object {
                     if (!r.result.has_counters()) return nb::none();
                     auto* v = new std::vector<double>(r.result.dt_last());
                     nb::capsule owner(v, [](void* p) noexcept { delete static_cast<std::vector<double>*>(p); });
                     return nb::cast(nb::ndarray<nb::numpy, double>(v->data(), {v->size()}, owner));
                   },
                   "The step size each run's controller held when it ended, or None without counters.")
      .def_prop_ro("summaries",
                   [](nb::handle h) -> nb::object {
                     py_result& r = self_of(h);
                     const auto w = static_cast<std::size_t>(r.result.n_windows());
                     const auto k = static_cast<std::size_t>(r.result.n_summaries());
                     const auto n = static_cast<std::size_t>(r.result.n_runs());
                     if (!r.result.has_summaries()) {
                       if (r.result.precision() == precision::float32) return view(h, static_cast<float*>(nullptr), {0, 0, n});
                       return view(h, static_cast<double*>(nullptr), {0, 0, n});
                     }
                     if (r.result.precision() == precision::float32)
                       return view(h, const_cast<float*>(r.result.summaries<float>().data()), {w, k, n});
                     return view(h, const_cast<double*>(r.result.summaries<double>().data()), {w, k, n});
                   },
                   "(n_windows, n_summaries, n_runs) over the result's own buffer; (0, 0, n_runs) without summaries.")
      .def_prop_ro("summary_legend", [](const py_result& r) { return r.result.summary_legend(); })
      .def_prop_ro("summarised_variables", [](const py_result& r) { return r.result.summarised_variables(); })
      .def_prop_ro("summary_outputs", [](const py_result& r) { return r.result.summary_outputs(); })
      .def_prop_ro("window_times",
                   [](nb::handle h) {
                     py_result& r = self_of(h);
                     return view(h, const_cast<double*>(r.result.window_times().data()),
                                 {r.result.window_times().size()});
                   })
      .def_prop_ro("iteration_counters",
                   [](nb::handle h) { return table_array<u32>(h, output_id::iteration_counters); },
                   "(n_saves, 4, n_runs): Newton iterations, linear iterations, accepted and rejected steps since "
                   "the previous save; None unless output_types lists iteration_counters.")
      .def_prop_ro("event_names", [](const py_result& r) { return r.result.outputs().event_names; })
      .def_prop_ro("event_count", [](nb::handle h) { return table_array<u32>(h, output_id::event_count); })
      .def_prop_ro("event_times", [](nb::handle h) { return table_array<double>(h, output_id::event_times); })
      .def_prop_ro("event_ids", [](nb::handle h) { return table_array<u32>(h, output_id::event_ids); })
      .def_prop_ro("event_states",
                   [](nb::handle h) {
                     return self_of(h).result.precision() == precision::float32
                                ? table_array<float>(h, output_id::event_states)
                                : table_array<double>(h, output_id::event_states);
                   })
      .def_prop_ro("event_terminated", [](nb::handle h) { return table_array<double>(h, output_id::event_terminated); })
      // algorithm = "auto": each run's switching record (None for other methods).
      .def_prop_ro("stiff_switches", [](nb::handle h) { return table_array<u32>(h, output_id::stiff_switches); })
      .def_prop_ro("t_first_stiff", [](nb::handle h) { return table_array<double>(h, output_id::t_first_stiff); })
      .def_prop_ro("stiff_steps", [](nb::handle h) { return table_array<u32>(h, output_id::stiff_steps); })
      .def_prop_ro("times",
                   [](nb::handle h) {
                     py_result& r = self_of(h);
                     return view(h, const_cast<double*>(r.result.times().data()), {r.result.times().size()});
                   })
      .def(
          "write_hdf5",
          [](const py_result& r, const std::string& path, int compression_level) {  // str: see load_model
            io::hdf5_file_options o;
            o.compression_level = compression_level;
            o.validate();
            nb::gil_scoped_release nogil;
            io::write_hdf5(path, r.result, *r.grid, r.metadata, o);
          },
          nb::arg("path"), nb::arg("compression_level") = 0,
          "Writes the result file `cubie run` writes (FILE.partial.h5 renamed when complete).");
}

}  // namespace cubie::python
