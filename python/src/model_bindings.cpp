// Models: model text or files read by the engine's own parser (the same one `cubie run`
// uses), run-time compilation with its cache, and where the compiler finds the headers.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/shared_ptr.h>
#include <filesystem>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "bindings.hpp"
#include "cubie/execution/compiled_system.hpp"
#include "cubie/batch/method_catalog.hpp"
#include "cubie/core/error.hpp"
#include "cubie/models/compile_cache.hpp"
#include "cubie/models/header_location.hpp"
#include "cubie/models/model.hpp"
#include "cubie/models/model_compiler.hpp"

namespace cubie::python {

namespace {

using models::model_definition;
using models::named_value;

nb::list named_values(const std::vector<named_value>& values) {
  nb::list out;
  for (const named_value& v : values) out.append(nb::make_tuple(v.name, v.value));
  return out;
}

nb::dict backend_report(const models::backend_compile_report& r) {
  nb::dict d;
  d["requested"] = r.requested;
  d["built"] = r.built;
  d["skipped_reason"] = r.skipped_reason;
  d["cache_hit"] = r.cache_hit;
  d["compiler_runs"] = r.compiler_runs;
  d["compile_ms"] = r.compile_ms;
  d["cache_key"] = r.cache_key;
  d["source_path"] = r.source_path.string();
  d["artifact_path"] = r.artifact_path.string();
  return d;
}

models::gpu_compile parse_gpu(const std::string& gpu) {
  if (gpu == "off") return models::gpu_compile::off;
  if (gpu == "if_available") return models::gpu_compile::if_available;
  if (gpu == "required") return models::gpu_compile::required;
  throw invalid_argument("gpu: unknown value '" + gpu + "'; valid values are off, if_available, required");
}

}  // namespace

void bind_models(nb::module_& m) {
  nb::class_<model_definition>(m, "ModelDefinition", "A model as the engine's parser read it.")
      .def_ro("name", &model_definition::name)
      .def_prop_ro("precision", [](const model_definition& d) { return std::string(precision_name(d.precision)); })
      .def_prop_ro("source_path", [](const model_definition& d) { return d.source_path.string(); })
      .def_ro("source_text", &model_definition::source_text)
      .def_ro("equations_text", &model_definition::equations_text)
      .def_prop_ro("states", [](const model_definition& d) { return named_values(d.states); })
      .def_prop_ro("parameters", [](const model_definition& d) { return named_values(d.parameters); })
      .def_prop_ro("constants", [](const model_definition& d) { return named_values(d.constants); })
      .def_ro("observables", &model_definition::observables)
      .def_prop_ro("auxiliaries", [](const model_definition& d) { return d.equations.auxiliaries; })
      .def_prop_ro("drivers",
                   [](const model_definition& d) {
                     std::vector<std::string> names;
                     for (const models::model_driver& v : d.drivers) names.push_back(v.name);
                     return names;
                   })
      .def_prop_ro("events",
                   [](const model_definition& d) {
                     std::vector<std::string> names;
                     for (const models::model_event& e : d.events) names.push_back(e.name);
                     return names;
                   })
      .def_ro("settings", &model_definition::settings, "The file's [solver] and [memory] settings.")
      .def_ro("spec", &model_definition::spec, "The file's time span and save settings.")
      .def_prop_ro("sweep_grid",
                   [](const model_definition& d) {
                     return std::string(d.sweep.grid == grid_type::combinatorial ? "combinatorial" : "verbatim");
                   })
      .def_prop_ro("sweep_axes", [](const model_definition& d) {
        nb::list out;
        for (const auto& a : d.sweep.axes) out.append(nb::make_tuple(a.name, a.values));
        return out;
      });

  m.def(
      "parse_model",
      [](const std::string& text, const std::string& source_name) { return models::parse_model(text, source_name); },
      nb::arg("text"), nb::arg("source_name"), "Parses model text (TOML); errors name source_name, line and column.");
  m.def(
      // Paths cross as str (the Python side calls os.fspath): nanobind's std::filesystem
      // caster crashed on a pathlib.Path under Python 3.12 on the H200 (2026-12-04).
      "load_model", [](const std::string& path) { return models::load_model(std::filesystem::path(path)); },
      nb::arg("path"),
      "Reads and checks a model file.");

  nb::class_<compiled_system>(m, "CompiledSystem", "A model compiled for the Solver (keeps its code loaded).")
      .def_prop_ro("name", [](const compiled_system& s) { return s.info.name; })
      .def_prop_ro("states", [](const compiled_system& s) { return s.info.states; })
      .def_prop_ro("parameters", [](const compiled_system& s) { return s.info.parameters; })
      .def_prop_ro("observables", [](const compiled_system& s) { return s.info.observables; })
      .def_prop_ro("state_defaults", [](const compiled_system& s) { return s.info.state_defaults; })
      .def_prop_ro("parameter_defaults", [](const compiled_system& s) { return s.info.parameter_defaults; })
      .def_prop_ro(
          "direct_linear_solver", [](const compiled_system& s) { return s.info.direct_linear_solver; },
          "Whether an LU is built for this system (the generated sparse LU, or few states): the "
          "Newton methods' linear_solver defaults to 'direct' where it is, else to 'bicgstab'.")
      .def("cpu_methods",
           [](const compiled_system& s, const std::string& p) { return s.cpu_methods(parse_precision(p)); })
      .def("gpu_methods",
           [](const compiled_system& s, const std::string& p) { return s.gpu_methods(parse_precision(p)); });

  m.def(
      "compile_model",
      [](const model_definition& model, const std::vector<std::string>& methods, const std::string& precision,
         bool cpu, const std::string& gpu, const std::string& cache_dir, int verbosity,
         const std::vector<std::string>& extra_nvrtc_options, std::optional<u32> summary_groups) {
        models::compile_options o;
        o.summary_groups = summary_groups;
        o.cpu = cpu;
        o.gpu = parse_gpu(gpu);
        o.methods = methods;
        o.precision = parse_precision(precision);
        o.cache_dir = cache_dir;
        o.verbosity = verbosity;
        o.extra_nvrtc_options = extra_nvrtc_options;
        models::compile_report report;
        std::shared_ptr<const compiled_system> sys;
        {
          // Compiling runs g++ and NVRTC for seconds: other Python threads go on.
          nb::gil_scoped_release nogil;
          sys = models::compile_model(model, o, &report);
        }
        nb::dict r;
        r["cpu"] = backend_report(report.cpu);
        r["gpu"] = backend_report(report.gpu);
        return std::make_pair(std::const_pointer_cast<compiled_system>(sys), r);
      },
      nb::arg("model"), nb::arg("methods"), nb::arg("precision"), nb::arg("cpu") = true,
      nb::arg("gpu") = "if_available", nb::arg("cache_dir") = "", nb::arg("verbosity") = 0,
      nb::arg("extra_nvrtc_options") = std::vector<std::string>{}, nb::arg("summary_groups").none() = nb::none(),
      "Compiles (or loads from the cache) a model; returns (CompiledSystem, report dict). summary_groups: the "
      "accumulator groups of the summary entry points (None: what the model's output_types needs).");
  m.def("gpu_compile_unavailable_reason", &models::gpu_compile_unavailable_reason,
        "Why models cannot be compiled for a GPU here ('' when they can).");
  m.def(
      "default_cache_directory", [] { return models::default_cache_directory().string(); },
      "The compile cache folder used when none is given.");
  m.def(
      "set_include_dir", [](const std::string& dir) { models::set_include_dir(std::filesystem::path(dir)); },
      nb::arg("dir"),
      "Makes `dir` the cubie headers run-time compilation uses ($CUBIE_INCLUDE_DIR still wins).");
  m.def(
      "include_dir", [] { return models::include_dir().string(); },
      "The cubie headers run-time compilation uses now.");

  m.def(
      "method_names",
      [] {
        std::vector<std::string> names;
        for (const auto& mi : all_method_infos()) names.push_back(mi.name);
        return names;
      },
      "Canonical names of every method.");
  m.def(
      "method_aliases", [] { return method_aliases(); }, "(alias, method) pairs.");
  m.def(
      "find_method",
      [](const std::string& name) {
        const method_info& mi = find_method(name);
        nb::dict d;
        d["name"] = mi.name;
        d["stages"] = mi.stages;
        d["order"] = mi.order;
        d["error_order"] = mi.error_order;
        d["adaptive"] = mi.adaptive;
        d["fsal"] = mi.fsal;
        d["family"] = std::string(family_name(mi.family));
        return d;
      },
      nb::arg("name"), "Facts about a method by name or alias; ValueError listing the valid names.");
}

}  // namespace cubie::python
