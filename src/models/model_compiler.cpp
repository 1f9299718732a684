#include "cubie/models/model_compiler.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <future>
#include <iostream>
#include <mutex>
#include <thread>

#include "cubie/batch/method_catalog.hpp"
#include "cubie/batch/solve_spec_check.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/error.hpp"
#include "cubie/execution/deferred_kernels.hpp"
#include "cubie/integrate/integrate_run.hpp"
#include "cubie/integrate/batch_args.hpp"
#include "cubie/models/codegen.hpp"
#include "cubie_headers.hpp"
#include "host_compiler.hpp"
#include "model_compiler_detail.hpp"
#include "precompiled_prelude.hpp"
#include "rhs_cost.hpp"
#include "subprocess.hpp"
#if defined(CUBIE_WITH_CUDA)
#include "gpu_model_compiler.hpp"
#endif

namespace fs = std::filesystem;

namespace cubie::models {
namespace detail {

void report_line(const std::string& line) {
  static std::mutex mutex;
  std::lock_guard lock(mutex);
  std::cerr << line << '\n' << std::flush;
}

void throw_generated_code_failure(const build_request& request, const std::string& backend, const std::string& key,
                                  const fs::path& source_path, const std::string& command, const std::string& log) {
  fs::path log_path;
  try {
    log_path = request.cache->write(key, ".log", command + "\n\n" + log + "\n");
  } catch (const error&) {
    // The failure itself matters more than its log file; the message carries the log.
  }
  // Long logs (template backtraces) are cut in the message; the file keeps them whole.
  constexpr std::size_t max_log = 20000;
  const std::string shown = log.size() > max_log ? log.substr(0, max_log) + "\n[... log cut; see the log file]" : log;
  throw internal_error("internal error: the code cubie generated for model '" + request.model_name +
                       "' failed to compile for " + backend +
                       ". This is a bug in cubie; please report it with the files below.\n  generated source: " +
                       source_path.string() + (log_path.empty() ? "" : "\n  compiler log: " + log_path.string()) +
                       "\n  command: " + command + "\ncompiler output:\n" + shown);
}

}  // namespace detail

namespace {

using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point start) {
  return std::chrono::duration<double, std::milli>(clock_type::now() - start).count();
}

std::string joined(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

// The exported name of a method's entry with summary accumulator groups g.
std::string summary_symbol(const std::string& method, const std::string& suffix, u32 g) {
  return "cubie_cpu_" + method + "_" + suffix + "_summaries_" + std::to_string(g);
}

// The CPU translation unit of one method: the generated system, the extern "C" entry
// that dlsym finds (and the one computing summary metrics when the model asks for them),
// the SIMD width the entries were built for and the size of the argument block, so a
// library built against other headers is refused, not run. One unit per method: units
// compile in parallel and each is cached on its own, so adding a method later compiles
// only that method.
// `paths`: the loop paths compiled in; loop_paths::both writes the entries as before the
// paths were split (the same text, so the same cache entries).
std::string host_translation_unit(const detail::build_request& r, const std::string& method, loop_paths paths) {
  const std::string V = detail::value_type_name(r.precision);
  const std::string suffix = detail::precision_suffix(r.precision);
  std::string sys = detail::generated_struct_name;
  // The prelude first, always: with its precompiled form (precompiled_prelude.hpp) or
  // without, the unit reads the same declarations in the same order, so the code is the same.
  std::string tu = std::string("// cubie's headers for CPU model units (precompiled once per cache folder).\n#include \"") +
                   detail::model_prelude_header + "\"\n";
  tu += r.system_source;
  if (r.outline_rhs) {
    // An expensive right-hand side (rhs_cost.hpp), compiled once here and called from
    // every stage. Inside the call it is inlined as before, so every product meets the
    // same sums: results stay bit-identical to the inlined form.
    tu += "\n// The right-hand side as one function, called from every stage.\n";
    tu += "template <class S>\nstruct cubie_outlined_rhs_system : " + sys + "<S> {\n";
    tu += "  [[gnu::noinline]] void rhs(S t, const S* y, const S* p, S* dydt) const {\n";
    tu += "    " + sys + "<S>::rhs(t, y, p, dydt);\n  }\n};\n";
    sys = "cubie_outlined_rhs_system";
  }
  tu += "\n// CPU entry point of this model, loaded by cubie with dlopen.\n";
  tu += "#include \"cubie/backends/cpu/cpu_entry.hpp\"\n";
  tu += "#include \"cubie/integrate/methods/" + method + ".hpp\"\n";
  tu += "\nstatic_assert(cubie::ode_system<" + sys + "<" + V + ">, " + V +
        ">, \"the generated system does not satisfy cubie::ode_system\");\n";
  tu += "#define CUBIE_MODEL_EXPORT extern \"C\" __attribute__((visibility(\"default\")))\n\n";
  tu += "CUBIE_MODEL_EXPORT void cubie_cpu_" + method + "_" + suffix +
        "(const void* args, long long begin, long long end) {\n";
  const std::string path_arg = paths == loop_paths::both          ? ""
                               : paths == loop_paths::general     ? ", cubie::loop_paths::general"
                                                                  : ", cubie::loop_paths::fixed_count";
  tu += "  cubie::cpu::integrate_range<cubie::methods::" + method + ", " + sys + ", " + V +
        (path_arg.empty() ? "" : ", 0u" + path_arg) + ">(args, begin, end);\n}\n";
  if (r.summary_groups != 0) {
    // The same loop computing summary metrics with these accumulator groups.
    const std::string g = std::to_string(r.summary_groups) + "u";
    tu += "CUBIE_MODEL_EXPORT void " + summary_symbol(method, suffix, r.summary_groups) +
          "(const void* args, long long begin, long long end) {\n";
    tu += "  cubie::cpu::integrate_range<cubie::methods::" + method + ", " + sys + ", " + V + ", " + g + path_arg +
          ">(args, begin, end);\n}\n";
  }
  tu += "CUBIE_MODEL_EXPORT int cubie_cpu_simd_lanes_" + suffix + "() { return cubie::cpu::simd_lanes_for<" + V + ", " +
        sys + "<" + V + ">::n_states>; }\n";
  tu += "CUBIE_MODEL_EXPORT long long cubie_cpu_batch_args_bytes_" + suffix + "() { return sizeof(cubie::batch_args<" +
        V + ">); }\n";
  return tu;
}

// One method's shared object, loaded.
struct cpu_unit {
  cpu_entry entry = nullptr;
  cpu_entry summary_entry = nullptr;  ///< with the request's summary groups (null without)
  int simd_lanes = 1;
  std::shared_ptr<const void> handle;
};

// dlopen + dlsym + the ABI check. Returns false with `why` when the file is unusable.
bool load_shared_object(const fs::path& path, const detail::build_request& r, const std::string& method,
                        cpu_unit& out, std::string& why) {
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* reason = dlerror();
    why = reason ? reason : "dlopen failed";
    return false;
  }
  std::shared_ptr<const void> owner(handle, [](const void* h) { dlclose(const_cast<void*>(h)); });
  const std::string suffix = detail::precision_suffix(r.precision);
  auto symbol = [&](const std::string& name) { return dlsym(handle, name.c_str()); };

  auto* lanes = reinterpret_cast<int (*)()>(symbol("cubie_cpu_simd_lanes_" + suffix));
  auto* args_bytes = reinterpret_cast<long long (*)()>(symbol("cubie_cpu_batch_args_bytes_" + suffix));
  if (!lanes || !args_bytes) {
    why = "it lacks cubie's entry symbols";
    return false;
  }
  const long long expected = r.precision == precision::float32 ? sizeof(batch_args<float>) : sizeof(batch_args<double>);
  if (args_bytes() != expected) {
    why = "it was built against other cubie headers (batch_args is " + std::to_string(args_bytes()) + " bytes there, " +
          std::to_string(expected) + " here); point CUBIE_INCLUDE_DIR at this cubie's headers";
    return false;
  }
  auto* entry = reinterpret_cast<cpu_entry>(symbol("cubie_cpu_" + method + "_" + suffix));
  if (!entry) {
    why = "it lacks the entry for " + method;
    return false;
  }
  if (r.summary_groups != 0) {
    out.summary_entry = reinterpret_cast<cpu_entry>(symbol(summary_symbol(method, suffix, r.summary_groups)));
    if (!out.summary_entry) {
      why = "it lacks the summary entry for " + method;
      return false;
    }
  }
  out.entry = entry;
  out.simd_lanes = lanes();
  out.handle = std::move(owner);
  return true;
}

cpu_unit build_cpu_unit(const detail::build_request& r, const detail::host_toolchain& tc, const std::string& method,
                        loop_paths paths, detail::precompiled_prelude& prelude, compile_unit_report& report,
                        const std::function<void()>& before_compile = {}) {
  const compile_options& opt = *r.options;
  const std::string tu = host_translation_unit(r, method, paths);

  cache_key_builder kb;
  kb.add("kind", "cpu shared object, cubie model compiler v2")
      .add("cubie_version", CUBIE_VERSION_STRING)
      .add("cubie_headers", r.header_digest)
      .add("source", tu)
      .add("compiler", tc.compiler)
      .add("compiler_version", tc.version)
      .add("flags", joined(tc.flags, " "))
      .add("march", tc.march)
      .add("target_macros", tc.target_macros);
  const std::string key = kb.key();
  const compile_cache& cache = *r.cache;
  report.methods = {method};
  report.cache_key = key;
  report.source_path = cache.entry(key, ".cpp");
  report.artifact_path = cache.entry(key, ".so");

  cpu_unit out;
  std::string why;
  if (cache.contains(key, ".so")) {
    if (load_shared_object(report.artifact_path, r, method, out, why)) {
      report.cache_hit = true;
      return out;
    }
    // A damaged or foreign entry: rebuild it rather than fail.
    if (opt.verbosity > 0) {
      detail::report_line("cubie: cache entry " + report.artifact_path.string() + " unusable (" + why +
                          "); rebuilding");
    }
    out = {};
  }

  if (before_compile) before_compile();
  cache.write(key, ".cpp", tu);
  cache.write(key, ".key", kb.manifest());
  const fs::path scratch = cache.scratch_path(key, ".so");
  auto command = [&](const std::vector<std::string>& prelude_flags) {
    std::vector<std::string> argv{tc.compiler};
    argv.insert(argv.end(), tc.flags.begin(), tc.flags.end());
    argv.insert(argv.end(), prelude_flags.begin(), prelude_flags.end());
    argv.push_back("-I" + r.include_dir.string());
    argv.insert(argv.end(), {"-o", scratch.string(), report.source_path.string()});
    return argv;
  };
  const std::vector<std::string> prelude_flags = prelude.flags_or_start_build();
  std::vector<std::string> argv = command(prelude_flags);
  if (opt.verbosity > 1) detail::report_line("cubie: " + detail::command_line(argv));

  report.compiled = true;
  detail::process_result res = detail::run_process(argv);
  if (!prelude_flags.empty()) {
    // The precompiled prelude only saves time: one the compiler rejected is deleted (and
    // built again by the next compile); a compile that failed with it is repeated
    // without it, and only a failure there is the generated code's.
    const bool failed = res.exit_code != 0;
    const bool rejected = prelude.discard_if_rejected(res.output, failed);
    if (failed) {
      std::error_code ec;
      fs::remove(scratch, ec);
      argv = command({});
      if (opt.verbosity > 1) detail::report_line("cubie: again without the precompiled header: " + detail::command_line(argv));
      res = detail::run_process(argv);
    } else {
      report.precompiled_header = !rejected;
    }
  }
  if (res.exit_code != 0) {
    std::error_code ec;
    fs::remove(scratch, ec);
    detail::throw_generated_code_failure(r, "the CPU", key, report.source_path, detail::command_line(argv), res.output);
  }
  if (opt.verbosity > 1 && !res.output.empty()) detail::report_line(res.output);
  cache.commit(scratch, key, ".so");
  if (!load_shared_object(report.artifact_path, r, method, out, why)) {
    throw error("cannot load the compiled model '" + r.model_name + "' from " + report.artifact_path.string() + ": " +
                why);
  }
  return out;
}

struct cpu_build {
  std::map<entry_key, cpu_entry> entries;
  std::map<summary_entry_key, cpu_entry> summary_entries;
  int simd_lanes = 1;
  std::vector<std::shared_ptr<const void>> handles;
  /// The fixed-count libraries of the methods built with the general loop only, on first
  /// need; null when every library holds both paths.
  std::shared_ptr<deferred_cpu_entries> fixed_count;
};

// A method's fixed-count library, built by the first solve that takes the path: the same
// key, compile and load as the libraries built at once, with copies of what compile_model
// held (detail::owned_request).
class deferred_cpu_unit {
 public:
  deferred_cpu_unit(const detail::build_request& request, detail::host_toolchain tc, std::string method,
                    int simd_lanes)
      : own_(request), tc_(std::move(tc)), method_(std::move(method)), simd_lanes_(simd_lanes) {}

  const cpu_unit& get() {
    std::lock_guard lock(mutex_);
    if (built_) return unit_;
    const detail::build_request& r = own_.r;
    const compile_options& options = own_.options;
    const compile_cache& cache = own_.cache;
    const auto start = clock_type::now();
    detail::precompiled_prelude prelude(cache, tc_, r.include_dir, r.header_digest,
                                        options.precompiled_header && !detail::precompiled_header_disabled_by_env(),
                                        detail::shared_prelude_directory());
    compile_unit_report report;
    const std::string what = detail::deferred_compile_note(r, method_);
    cpu_unit unit = build_cpu_unit(r, tc_, method_, loop_paths::fixed_count, prelude, report, [&] {
      if (options.on_deferred_compile) options.on_deferred_compile(what);
    });
    (void)prelude.finish_build();
    if (unit.simd_lanes != simd_lanes_) {
      throw internal_error("internal error: the CPU entries of model '" + r.model_name +
                           "' disagree on the SIMD width (" + std::to_string(simd_lanes_) + " and " +
                           std::to_string(unit.simd_lanes) + " lanes)");
    }
    if (options.verbosity > 0) {
      char ms[32];
      std::snprintf(ms, sizeof ms, "%.0f ms", ms_since(start));
      detail::report_line("cubie: model '" + r.model_name + "' for the CPU (" + method_ + ", " +
                          precision_name(r.precision) + ", fixed-count path, on first need): " +
                          (report.cache_hit ? "cache hit, loaded in " : "compiled in ") + ms + " [" +
                          report.artifact_path.string() + "]");
    }
    unit_ = std::move(unit);
    built_ = true;
    return unit_;
  }

 private:
  detail::owned_request own_;
  detail::host_toolchain tc_;
  std::string method_;
  int simd_lanes_;
  std::mutex mutex_;
  cpu_unit unit_;
  bool built_ = false;
};

// Every requested method, each in its own compiler process, as many at a time as the
// machine has hardware threads.
cpu_build build_cpu(const detail::build_request& r, backend_compile_report& report) {
  const detail::host_toolchain tc = detail::host_toolchain_for(r.options->extra_cxx_flags);
  r.cache->remove_stale_scratch(std::chrono::hours(24));
  // Built beside the first compile that misses it (on another thread), used by the next.
  detail::precompiled_prelude prelude(*r.cache, tc, r.include_dir, r.header_digest,
                                      r.options->precompiled_header && !detail::precompiled_header_disabled_by_env(),
                                      detail::shared_prelude_directory());
  const std::size_t n = r.methods.size();
  report.units.assign(n, {});
  std::vector<cpu_unit> units(n);
  // A method's library holds both loop paths when the model's own solve takes the
  // fixed-count path, else the general loop only (its fixed-count library on first need:
  // that path is a third of an adaptive method's code, bench/RESULTS.md issue 14).
  std::vector<loop_paths> paths(n, loop_paths::general);
  for (std::size_t i = 0; i < n; ++i) {
    if (std::find(r.fixed_count_now.begin(), r.fixed_count_now.end(), r.methods[i]) != r.fixed_count_now.end())
      paths[i] = loop_paths::both;
  }
  const std::size_t jobs = std::max<std::size_t>(1, std::thread::hardware_concurrency());
  for (std::size_t first = 0; first < n; first += jobs) {
    const std::size_t last = std::min(n, first + jobs);
    std::vector<std::future<cpu_unit>> running;
    for (std::size_t i = first + 1; i < last; ++i) {
      running.push_back(std::async(std::launch::async,
                                   [&, i] { return build_cpu_unit(r, tc, r.methods[i], paths[i], prelude, report.units[i]); }));
    }
    // The first of the batch on this thread; the others are waited for even when it
    // throws, since they use `r`, `report` and the cache folder.
    std::exception_ptr failure;
    try {
      units[first] = build_cpu_unit(r, tc, r.methods[first], paths[first], prelude, report.units[first]);
    } catch (...) {
      failure = std::current_exception();
    }
    for (std::size_t k = 0; k < running.size(); ++k) {
      try {
        units[first + 1 + k] = running[k].get();
      } catch (...) {
        if (!failure) failure = std::current_exception();
      }
    }
    if (failure) std::rethrow_exception(failure);
  }
  report.precompiled_header_built = prelude.finish_build();
  if (r.options->verbosity > 1 && !prelude.build_failure().empty()) {
    detail::report_line("cubie: the precompiled header was not built (models compile without it):\n" +
                        prelude.build_failure());
  }

  cpu_build out;
  out.simd_lanes = units.front().simd_lanes;
  for (std::size_t i = 0; i < n; ++i) {
    if (units[i].simd_lanes != out.simd_lanes) {
      throw internal_error("internal error: the CPU entries of model '" + r.model_name + "' disagree on the SIMD width (" +
                           std::to_string(out.simd_lanes) + " and " + std::to_string(units[i].simd_lanes) + " lanes)");
    }
    out.entries.emplace(entry_key{r.methods[i], r.precision}, units[i].entry);
    if (units[i].summary_entry != nullptr) {
      out.summary_entries.emplace(summary_entry_key{r.methods[i], r.precision, r.summary_groups}, units[i].summary_entry);
    }
    if (paths[i] == loop_paths::general) {
      if (!out.fixed_count) out.fixed_count = std::make_shared<deferred_cpu_entries>();
      auto unit = std::make_shared<deferred_cpu_unit>(r, tc, r.methods[i], out.simd_lanes);
      out.fixed_count->add(entry_key_of(units[i].entry), [unit] {
        const cpu_unit& u = unit->get();
        return cpu_path_entry{u.entry, u.handle};
      });
      if (units[i].summary_entry != nullptr) {
        out.fixed_count->add(entry_key_of(units[i].summary_entry), [unit] {
          const cpu_unit& u = unit->get();
          return cpu_path_entry{u.summary_entry, u.handle};
        });
      }
    }
    out.handles.push_back(std::move(units[i].handle));
  }
  report.cache_hit = true;
  for (const compile_unit_report& u : report.units) {
    report.cache_hit = report.cache_hit && u.cache_hit;
    report.compiler_runs += u.compiled ? 1 : 0;
  }
  report.cache_key = report.units.front().cache_key;
  report.source_path = report.units.front().source_path;
  report.artifact_path = report.units.front().artifact_path;
  return out;
}

void print_summary(const std::string& model, const char* backend, const backend_compile_report& rep,
                   const detail::build_request& r) {
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.0f ms", rep.compile_ms);
  std::string line = "cubie: model '" + model + "' for the " + backend + " (" + joined(r.methods, ", ") + ", " +
                     precision_name(r.precision) + "): " + (rep.cache_hit ? "cache hit, loaded in " : "compiled in ") +
                     ms + " [";
  for (std::size_t i = 0; i < rep.units.size(); ++i) line += (i ? ", " : "") + rep.units[i].artifact_path.string();
  line += "]";
  detail::report_line(line);
}

}  // namespace

std::string gpu_compile_unavailable_reason() {
#if defined(CUBIE_WITH_CUDA)
  return detail::gpu_unavailable_reason();
#else
  return "this cubie was built without CUDA";
#endif
}

fs::path precompiled_headers_directory() { return detail::shared_prelude_directory(); }

fs::path precompile_model_headers(const fs::path& given) {
  const fs::path folder = given.empty() ? precompiled_headers_directory() : given;
  if (folder.empty()) throw error("cannot tell where this program is installed: give a folder for the precompiled headers");
  const detail::host_toolchain tc = detail::host_toolchain_for({});
  if (!detail::precompiled_prelude::supported(tc)) {
    throw error("cubie precompiles its headers for GCC only; the model compiler is " + tc.compiler +
                " (models compile without precompiled headers)");
  }
  const fs::path include_dir = detail::cubie_include_dir();
  const compile_cache cache(folder);
  detail::precompiled_prelude prelude(cache, tc, include_dir, detail::cubie_header_digest(include_dir), true);
  if (!prelude.ready() && !prelude.build()) {
    throw error("precompiling cubie's headers into " + folder.string() + " failed:\n" + prelude.build_failure());
  }
  return prelude.gch_path();
}

std::shared_ptr<const compiled_system> compile_model(const model_definition& model, const compile_options& options,
                                                     compile_report* report) {
  compile_report local_report;
  compile_report& rep = report ? *report : local_report;
  rep = {};
  rep.cpu.requested = options.cpu;
  rep.gpu.requested = options.gpu != gpu_compile::off;
  if (!rep.cpu.requested && !rep.gpu.requested) {
    throw invalid_argument("compile_model: nothing to build: cpu is false and gpu is off");
  }

  detail::build_request r;
  r.model_name = model.name;
  r.options = &options;
  for (const std::string& name :
       options.methods.empty() ? std::vector<std::string>{model.settings.algorithm} : options.methods) {
    const std::string canonical = find_method(name).name;
    if (std::find(r.methods.begin(), r.methods.end(), canonical) == r.methods.end()) r.methods.push_back(canonical);
  }
  r.precision = options.precision.value_or(model.precision);
  r.summary_groups = options.summary_groups ? *options.summary_groups : summary_groups_for(model.spec);
  r.outline_rhs = detail::outline_rhs_on_cpu(model);
  r.split_gpu_paths = !detail::rhs_reads_time(model);
  if (r.precision == model.precision) {
    r.system_source = generate_system_source(model, detail::generated_struct_name, options.codegen);
  } else {
    model_definition other = model;
    other.precision = r.precision;
    other.settings.precision = r.precision;
    r.system_source = generate_system_source(other, detail::generated_struct_name, options.codegen);
  }
  const compile_cache cache(options.cache_dir.empty() ? default_cache_directory() : options.cache_dir);
  r.cache = &cache;
  r.include_dir = detail::cubie_include_dir();
  r.header_digest = detail::cubie_header_digest(r.include_dir);

  auto cs = std::make_shared<compiled_system>();
  cs->info.name = model.name;
  cs->info.states = names_of(model.states);
  cs->info.parameters = names_of(model.parameters);
  cs->info.observables = model.observables;
  // The stepper's rule (direct_linear_solver_built): the generated sparse LU, or few states.
  cs->info.direct_linear_solver = r.system_source.find(" factor_shifted(") != std::string::npos ||
                                  static_cast<int>(model.states.size()) <= dense_direct_max_states;
  for (const model_driver& d : model.drivers) cs->info.drivers.push_back(d.name);
  for (const model_event& e : model.events) {
    cs->info.events.push_back(e.name);
    cs->info.event_kinds.push_back({e.direction, e.action});
  }
  for (const named_value& s : model.states) cs->info.state_defaults.push_back(s.value);
  for (const named_value& p : model.parameters) cs->info.parameter_defaults.push_back(p.value);

  // Which methods' fixed-count code (GPU program, the CPU library's counted loop) to build
  // now (the others on their first need):
  // those whose solve with the model's own settings and spec takes the fixed-count path,
  // so that `cubie run` compiles exactly the programs it launches.
  // CUBIE_FIXED_COUNT=now: every fixed-count kernel at once, as before this was
  // deferred, for before/after measurements in one build (bench/gpu/nvrtc_cold_session.sh:
  // its default B side).
  const char* env_fixed_count = std::getenv("CUBIE_FIXED_COUNT");
  const fixed_count_build when = env_fixed_count != nullptr && std::string(env_fixed_count) == "now"
                                     ? fixed_count_build::now
                                     : options.gpu_fixed_count;
  for (const std::string& m : r.methods) {
    bool now = when == fixed_count_build::now;
    if (when == fixed_count_build::as_the_model_runs) {
      solver_settings s = model.settings;
      s.algorithm = m;
      s.precision = r.precision;
      try {
        now = takes_fixed_count_path(cs->info, s, model.spec);
      } catch (const error&) {
        now = false;  // settings the Solver refuses: it will say so; nothing to predict
      }
    }
    if (now) r.fixed_count_now.push_back(m);
  }

  // Whether the GPU half runs, decided before starting the CPU half so that a
  // `required` GPU that is missing fails before any compile.
  bool gpu_go = false;
  if (rep.gpu.requested) {
    rep.gpu.skipped_reason = gpu_compile_unavailable_reason();
    if (!rep.gpu.skipped_reason.empty() && options.gpu == gpu_compile::required) {
      throw error("compile_model: a GPU build of model '" + model.name + "' was required: " + rep.gpu.skipped_reason);
    }
    gpu_go = rep.gpu.skipped_reason.empty();
  }
  if (!rep.cpu.requested && !gpu_go) {
    throw error("compile_model: nothing was built for model '" + model.name +
                "': cpu is false and the GPU is skipped (" + rep.gpu.skipped_reason + ")");
  }

  // The host compiler runs as a separate process: let it work while NVRTC compiles here.
  auto cpu_part = [&]() {
    const auto start = clock_type::now();
    cpu_build b = build_cpu(r, rep.cpu);
    rep.cpu.compile_ms = ms_since(start);
    return b;
  };
  std::future<cpu_build> cpu_future;
  cpu_build cpu_result;
  if (rep.cpu.requested) {
    if (gpu_go)
      cpu_future = std::async(std::launch::async, cpu_part);
    else
      cpu_result = cpu_part();
  }

  std::shared_ptr<const void> gpu_library;
#if defined(CUBIE_WITH_CUDA)
  if (gpu_go) {
    const auto start = clock_type::now();
    detail::gpu_build g;
    try {
      g = detail::build_gpu(r, rep.gpu);
    } catch (...) {
      if (cpu_future.valid()) cpu_future.wait();  // the CPU half uses r and the cache folder
      throw;
    }
    rep.gpu.compile_ms = ms_since(start);
    rep.gpu.built = true;
    cs->gpu = std::move(g.kernels);
    cs->gpu_summaries = std::move(g.summary_kernels);
    cs->gpu_fixed_count = std::move(g.fixed_count_kernels);
    gpu_library = std::move(g.library);
  }
#endif
  if (cpu_future.valid()) cpu_result = cpu_future.get();
  if (rep.cpu.requested) {
    rep.cpu.built = true;
    cs->cpu = std::move(cpu_result.entries);
    cs->cpu_summaries = std::move(cpu_result.summary_entries);
    cs->cpu_fixed_count = std::move(cpu_result.fixed_count);
    (r.precision == precision::float32 ? cs->cpu_simd_lanes_float : cs->cpu_simd_lanes_double) = cpu_result.simd_lanes;
  }

  struct loaded_code {
    std::vector<std::shared_ptr<const void>> cpu;
    std::shared_ptr<const void> gpu;
  };
  cs->keepalive = std::make_shared<loaded_code>(loaded_code{std::move(cpu_result.handles), std::move(gpu_library)});

  if (options.verbosity > 0) {
    if (rep.cpu.built) print_summary(model.name, "CPU", rep.cpu, r);
    if (rep.gpu.built) print_summary(model.name, "GPU", rep.gpu, r);
    if (rep.gpu.requested && !rep.gpu.built) {
      detail::report_line("cubie: model '" + model.name + "' not built for the GPU: " + rep.gpu.skipped_reason);
    }
  }
  return cs;
}

}  // namespace cubie::models
