#include "gpu_model_compiler.hpp"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <future>
#include <optional>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>

#include "cubie/backends/cuda/kernel_launcher.hpp"
#include "cubie/batch/method_catalog.hpp"
#include "cubie/core/error.hpp"
#include "cubie/execution/deferred_kernels.hpp"
#include "nvrtc_compile.hpp"
#include "nvrtc_loader.hpp"

namespace fs = std::filesystem;

namespace cubie::models::detail {
namespace {

std::string joined(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

struct device_arch {
  int device = 0;
  int sm = 0;  // major * 10 + minor
};

// The current device's architecture; the reason in `why` when there is none.
bool current_device(device_arch& out, std::string& why) {
  int count = 0;
  cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess || count == 0) {
    why = e != cudaSuccess ? std::string("no usable CUDA device (") + cudaGetErrorString(e) + ")"
                           : std::string("no CUDA device");
    cudaGetLastError();  // the query's error is not sticky; do not leave it for others
    return false;
  }
  int major = 0, minor = 0;
  if ((e = cudaGetDevice(&out.device)) != cudaSuccess ||
      (e = cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, out.device)) != cudaSuccess ||
      (e = cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, out.device)) != cudaSuccess) {
    why = std::string("cannot query the CUDA device: ") + cudaGetErrorString(e);
    cudaGetLastError();
    return false;
  }
  out.sm = major * 10 + minor;
  return true;
}

// One NVRTC program: one kernel of one method, holding one of the loop's paths, with or
// without summaries. Programs compile in parallel (NVRTC compiles distinct programs on
// distinct threads) and each has its own cache entry, so adding a method or summaries
// later compiles only the new kernels. One program per path because the kernel holding both
// inlines the step three times (the general loop, and the fixed-count path's two spans):
// ptxas spent 18 of 22 s of a DOP853 Pleiades kernel on it; a path's program alone takes
// about half (bench/RESULTS.md, issue 14).
struct gpu_unit {
  std::string method;
  bool fixed_count = false;  // the fixed-count path's kernel (else the general loop's)
  u32 groups = 0;            // summary accumulator groups; 0: the kernel without summaries
  bool both_paths = false;   // integrate_kernel, both paths in one kernel (CUBIE_NVRTC_SPLIT=0)
};

// CUBIE_NVRTC_SPLIT=0: a program per method holding both loop paths in one kernel, as before
// the split, for before/after measurements in one build
// (B_ENV=CUBIE_NVRTC_SPLIT=0 bash bench/gpu/nvrtc_cold_session.sh).
bool split_paths() {
  const char* v = std::getenv("CUBIE_NVRTC_SPLIT");
  return v == nullptr || std::string(v) != "0";
}

// auto (both of its passes) never takes the fixed-count path (src/batch/solver.cpp).
bool may_take_fixed_count_path(const std::string& method) {
  return method != "auto_switch_explicit_pass" && find_method(method).family != method_family::auto_switch;
}

// The units of a request: per method its general kernel and, when the method can take it,
// its fixed-count kernel; the same again with summaries when the request has them. Models
// whose right-hand side reads t (or drivers) keep both paths in one kernel (rhs_reads_time():
// the fixed-count path alone formed each step's time with more fp64 conversions).
std::vector<gpu_unit> units_of(const build_request& r) {
  std::vector<gpu_unit> units;
  std::vector<u32> rounds{0u};
  if (r.summary_groups != 0) rounds.push_back(r.summary_groups);
  const bool split = split_paths() && r.split_gpu_paths;
  for (const u32 groups : rounds) {
    for (const std::string& m : r.methods) {
      units.push_back({m, false, groups, !split});
      if (split && may_take_fixed_count_path(m)) units.push_back({m, true, groups, false});
    }
  }
  return units;
}

// NVRTC source of a unit: the generated system, the kernel template and the method.
std::string device_source(const build_request& r, const gpu_unit& u) {
  std::string src = r.system_source;
  src += "\n// CUDA kernel of this model: cubie's kernel template, instantiated through an NVRTC name expression.\n";
  src += "#include \"cubie/backends/cuda/integrate_kernel.cuh\"\n";
  src += "#include \"cubie/integrate/methods/" + u.method + ".hpp\"\n";
  return src;
}

std::string name_expression(const build_request& r, const gpu_unit& u) {
  if (u.both_paths)
    return std::string("&cubie::cuda::integrate_kernel<cubie::methods::") + u.method + ", ::" + generated_struct_name +
           ", " + value_type_name(r.precision) + ", " + std::to_string(u.groups) + "u>";
  return std::string("&cubie::cuda::integrate_path_kernel<cubie::methods::") + u.method + ", ::" +
         generated_struct_name + ", " + value_type_name(r.precision) + ", " + std::to_string(u.groups) +
         "u, cubie::loop_paths::" + (u.fixed_count ? "fixed_count" : "general") + ">";
}

// The .kernels entry: "EXPRESSION<TAB>LOWERED NAME".
std::string kernel_table(const std::string& expression, const std::string& lowered) {
  return expression + "\t" + lowered + "\n";
}

bool parse_kernel_table(const std::string& text, const std::string& expression, std::string& lowered) {
  std::istringstream in(text);
  std::string line;
  if (!std::getline(in, line)) return false;
  const auto tab = line.find('\t');
  if (tab == std::string::npos || line.compare(0, tab, expression) != 0 || tab + 1 >= line.size()) return false;
  lowered = line.substr(tab + 1);
  return true;
}

// Loads a unit's CUBIN through the CUDA backend (one loading and launch path for all
// run-time code). Returns false with `why` when the image is unusable, so a damaged cache
// entry is rebuilt; a lost context is not retried.
bool load_cubin(const std::string& cubin, const std::string& lowered, gpu_kernel& out, std::string& why) {
  try {
    out = std::move(cuda::load_kernels(cubin.data(), {lowered}).front());
  } catch (const device_error& e) {
    if (e.sticky()) throw;
    why = e.what();
    return false;
  }
  return true;
}

// The device's primary CUDA context, made on a thread of its own while this one generates,
// looks up and compiles the model's programs. Otherwise the first module load creates it
// after NVRTC has finished, and a cold run waits for the sum of the two (the context of a
// large GPU takes a noticeable part of a second). A load that comes first simply waits for
// the driver to finish the context. Errors are left to the loading thread to meet and report.
// CUBIE_CONTEXT_BESIDE_COMPILE=0 turns it off, for before/after measurements in one build
// (B_ENV=CUBIE_CONTEXT_BESIDE_COMPILE=0 bash bench/gpu/nvrtc_cold_session.sh).
class context_beside_compile {
 public:
  explicit context_beside_compile(int device) {
    if (const char* e = std::getenv("CUBIE_CONTEXT_BESIDE_COMPILE"); e && std::string(e) == "0") return;
    try {
      task_ = std::async(std::launch::async, [device] {
        if (cudaSetDevice(device) == cudaSuccess) cudaFree(nullptr);
        cudaGetLastError();  // this thread's error state only; the loads report their own
      });
    } catch (const std::system_error&) {
      // no thread to spare: the first load creates the context, as without this
    }
  }
  context_beside_compile(const context_beside_compile&) = delete;
  context_beside_compile& operator=(const context_beside_compile&) = delete;
  ~context_beside_compile() {
    if (task_.valid()) task_.wait();
  }

 private:
  std::future<void> task_;
};

// A unit's cache key, entries and outcome.
struct unit_build {
  std::string source, expression, key, command;
  compile_unit_report report;
  std::string cubin, lowered;  // from the cache or NVRTC
  bool compiled_ok = true;     // false: NVRTC failed, `log` says why
  std::string log;
  gpu_kernel kernel;
};

}  // namespace

std::string gpu_unavailable_reason() {
  device_arch arch;
  std::string why;
  if (!current_device(arch, why)) return why;
  try {
    (void)nvrtc();
  } catch (const error& e) {
    return e.what();
  }
  return {};
}

namespace {

// What every unit of one compile_model call shares, kept by the deferred units' builders
// after the call returns (the request's cache and options point into it: owned_request).
struct gpu_context : owned_request {
  device_arch arch;
  std::vector<std::string> nvrtc_options;
  std::string keyed_options;  // the include folder's location is not keyed (its content is)
  std::string nvrtc_version;
  std::string command;

  gpu_context(const build_request& request, const device_arch& a) : owned_request(request), arch(a) {}
};

// The key of a unit and its cache lookup: loaded from the cache when there, else its
// source and key written and `report.compiled` set (compile_misses builds it).
unit_build look_up(const gpu_context& ctx, const gpu_unit& u) {
  const build_request& r = ctx.r;
  const compile_cache& cache = ctx.cache;
  unit_build b;
  b.source = device_source(r, u);
  b.expression = name_expression(r, u);
  cache_key_builder kb;
  kb.add("kind", "cuda cubin, cubie model compiler v2 (one kernel per program)")
      .add("cubie_version", CUBIE_VERSION_STRING)
      .add("cubie_headers", r.header_digest)
      .add("source", b.source)
      .add("nvrtc_version", ctx.nvrtc_version)
      .add("gpu_arch", "sm_" + std::to_string(ctx.arch.sm))
      .add("options", ctx.keyed_options)
      .add("kernels", b.expression);
  b.key = kb.key();
  b.report.methods = {u.method};
  b.report.cache_key = b.key;
  b.report.source_path = cache.entry(b.key, ".cu");
  b.report.artifact_path = cache.entry(b.key, ".cubin");
  std::string why;
  if (cache.contains(b.key, ".cubin")) {
    const std::optional<std::string> table = cache.read(b.key, ".kernels");
    std::optional<std::string> cubin = cache.read(b.key, ".cubin");
    std::string lowered;
    if (table && cubin && parse_kernel_table(*table, b.expression, lowered) && load_cubin(*cubin, lowered, b.kernel, why)) {
      b.report.cache_hit = true;
      return b;
    }
    if (ctx.options.verbosity > 0) {
      report_line("cubie: cache entry " + b.report.artifact_path.string() + " unusable (" +
                  (why.empty() ? std::string("kernel table missing or stale") : why) + "); rebuilding");
    }
  }
  cache.write(b.key, ".cu", b.source);
  cache.write(b.key, ".key", kb.manifest());
  b.report.compiled = true;
  return b;
}

// Compiles the units that missed the cache, on up to one thread per hardware thread (this
// one included), then writes their cache entries and loads them on this thread.
void compile_misses(const gpu_context& ctx, std::vector<unit_build>& builds) {
  std::vector<std::size_t> misses;
  for (std::size_t i = 0; i < builds.size(); ++i)
    if (builds[i].report.compiled) misses.push_back(i);
  if (misses.empty()) return;
  const compile_cache& cache = ctx.cache;
  cache.remove_stale_scratch(std::chrono::hours(24));
  if (ctx.options.verbosity > 1) report_line("cubie: " + ctx.command);
  auto compile_unit = [&](std::size_t i) {
    unit_build& b = builds[i];
    nvrtc_output compiled =
        nvrtc_compile(b.source, b.report.source_path.filename().string(), ctx.nvrtc_options, {b.expression});
    b.compiled_ok = compiled.success && !compiled.cubin.empty() && compiled.lowered_names.size() == 1;
    b.log = std::move(compiled.log);
    if (b.compiled_ok) {
      b.cubin = std::move(compiled.cubin);
      b.lowered = std::move(compiled.lowered_names.front());
    }
  };
  const std::size_t jobs = std::max<std::size_t>(1, std::thread::hardware_concurrency());
  for (std::size_t first = 0; first < misses.size(); first += jobs) {
    const std::size_t last = std::min(misses.size(), first + jobs);
    std::vector<std::future<void>> running;
    for (std::size_t k = first + 1; k < last; ++k)
      running.push_back(std::async(std::launch::async, compile_unit, misses[k]));
    // The others are waited for even when this one throws: they use `builds` and the cache.
    std::exception_ptr failure;
    try {
      compile_unit(misses[first]);
    } catch (...) {
      failure = std::current_exception();
    }
    for (std::future<void>& f : running) {
      try {
        f.get();
      } catch (...) {
        if (!failure) failure = std::current_exception();
      }
    }
    if (failure) std::rethrow_exception(failure);
  }
  for (const std::size_t i : misses) {
    unit_build& b = builds[i];
    if (!b.compiled_ok) throw_generated_code_failure(ctx.r, "the GPU", b.key, b.report.source_path, ctx.command, b.log);
    if (ctx.options.verbosity > 1 && !b.log.empty()) report_line(b.log);
    // The table first: a reader that sees the CUBIN entry finds its table already there.
    cache.write(b.key, ".kernels", kernel_table(b.expression, b.lowered));
    cache.write(b.key, ".cubin", b.cubin);
    std::string why;
    if (!load_cubin(b.cubin, b.lowered, b.kernel, why)) {
      throw device_error("cannot load the compiled model '" + ctx.r.model_name + "' on the GPU: " + why, false);
    }
    b.cubin.clear();
  }
}

std::string kernel_name(const gpu_unit& u, precision p) {
  return u.method + "<" + value_type_name(p) + ">" + (u.groups != 0 ? " with summaries" : "") +
         (u.fixed_count ? ", fixed-count path" : "");
}

// The builder of a fixed-count kernel left for its first solve: the same lookup, compile
// and load as the units built at once, on the solving thread.
deferred_gpu_kernels::builder deferred_builder(std::shared_ptr<const gpu_context> ctx, gpu_unit u) {
  return [ctx = std::move(ctx), u]() {
    const auto start = std::chrono::steady_clock::now();
    std::vector<unit_build> builds;
    builds.push_back(look_up(*ctx, u));
    if (builds.front().report.compiled && ctx->options.on_deferred_compile) {
      ctx->options.on_deferred_compile(deferred_compile_note(ctx->r, u.method));
    }
    compile_misses(*ctx, builds);
    gpu_kernel k = std::move(builds.front().kernel);
    k.name = kernel_name(u, ctx->r.precision);
    if (ctx->options.verbosity > 0) {
      char ms[32];
      std::snprintf(ms, sizeof ms, "%.0f ms",
                    std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
      report_line("cubie: model '" + ctx->r.model_name + "' for the GPU (" + k.name + ", on first need): " +
                  (builds.front().report.cache_hit ? "cache hit, loaded in " : "compiled in ") + ms + " [" +
                  builds.front().report.artifact_path.string() + "]");
    }
    return k;
  };
}

}  // namespace

gpu_build build_gpu(const build_request& request, backend_compile_report& report) {
  // algorithm = "auto" runs in two passes on the GPU (integrate/continuation.hpp): its
  // explicit first pass is one more kernel.
  build_request req = request;
  if (std::find(req.methods.begin(), req.methods.end(), "auto_switch") != req.methods.end() &&
      std::find(req.methods.begin(), req.methods.end(), "auto_switch_explicit_pass") == req.methods.end())
    req.methods.push_back("auto_switch_explicit_pass");
  device_arch arch;
  std::string why;
  if (!current_device(arch, why)) throw error("compile_model: " + why);
  const context_beside_compile cuda_context(arch.device);  // waited for when this returns
  auto context = std::make_shared<gpu_context>(req, arch);
  gpu_context& ctx = *context;
  const build_request& r = ctx.r;

  ctx.nvrtc_options = nvrtc_core_options(arch.sm, r.include_dir);
  ctx.nvrtc_options.insert(ctx.nvrtc_options.end(), ctx.options.extra_nvrtc_options.begin(),
                           ctx.options.extra_nvrtc_options.end());
  // CUBIE_NVRTC_OPTIONS: more options, space-separated, for measurements from the command
  // line (bench/gpu/nvrtc_compile_session.sh: ptxas's fast-compile levels); keyed like the rest.
  if (const char* more = std::getenv("CUBIE_NVRTC_OPTIONS"); more && *more) {
    std::istringstream words(more);
    for (std::string w; words >> w;) ctx.nvrtc_options.push_back(w);
  }
  std::vector<std::string> keyed_options;
  for (const std::string& o : ctx.nvrtc_options)
    keyed_options.push_back(o == "-I" + r.include_dir.string() ? "-I<cubie>" : o);
  ctx.keyed_options = joined(keyed_options, " ");
  ctx.nvrtc_version = nvrtc_version_text();  // loads NVRTC here, before any thread
  ctx.command = "NVRTC " + ctx.nvrtc_version + " (" + nvrtc().library + "): " + joined(ctx.nvrtc_options, " ");

  // The units built now; the fixed-count units of the other methods wait for their first
  // solve (deferred_gpu_kernels), so a run with an adaptive controller compiles one program.
  const std::vector<gpu_unit> all = units_of(r);
  std::vector<gpu_unit> now;
  std::vector<std::size_t> companion(all.size(), std::size_t(-1));  // index in `now` of all[i], if built now
  for (std::size_t i = 0; i < all.size(); ++i) {
    const gpu_unit& u = all[i];
    const bool defer = u.fixed_count && std::find(r.fixed_count_now.begin(), r.fixed_count_now.end(), u.method) ==
                                            r.fixed_count_now.end();
    if (defer) continue;
    companion[i] = now.size();
    now.push_back(u);
  }
  std::vector<unit_build> builds;
  builds.reserve(now.size());
  for (const gpu_unit& u : now) builds.push_back(look_up(ctx, u));
  compile_misses(ctx, builds);

  // The general kernels are the entries; their fixed-count companions are keyed by them.
  gpu_build out;
  auto library = std::make_shared<std::vector<std::shared_ptr<const void>>>();
  for (std::size_t k = 0; k < now.size(); ++k) {
    builds[k].kernel.name = kernel_name(now[k], r.precision);
    library->push_back(builds[k].kernel.owner);
  }
  auto fixed_count = std::make_shared<deferred_gpu_kernels>();
  for (std::size_t i = 0; i < all.size(); ++i) {
    const gpu_unit& u = all[i];
    if (u.fixed_count) continue;
    gpu_kernel k = std::move(builds[companion[i]].kernel);
    if (i + 1 < all.size() && all[i + 1].fixed_count) {  // units_of: the companion follows
      if (companion[i + 1] != std::size_t(-1))
        fixed_count->add_built(k.function, std::move(builds[companion[i + 1]].kernel));
      else
        fixed_count->add(k.function, deferred_builder(context, all[i + 1]));
    }
    if (u.groups == 0)
      out.kernels.emplace(entry_key{u.method, r.precision}, std::move(k));
    else
      out.summary_kernels.emplace(summary_entry_key{u.method, r.precision, u.groups}, std::move(k));
  }
  if (fixed_count->size() != 0) out.fixed_count_kernels = std::move(fixed_count);
  out.library = std::move(library);

  report.units.clear();
  report.cache_hit = true;
  for (unit_build& b : builds) {
    report.cache_hit = report.cache_hit && b.report.cache_hit;
    report.compiler_runs += b.report.compiled ? 1 : 0;
    report.units.push_back(std::move(b.report));
  }
  report.cache_key = report.units.front().cache_key;
  report.source_path = report.units.front().source_path;
  report.artifact_path = report.units.front().artifact_path;
  return out;
}

}  // namespace cubie::models::detail
