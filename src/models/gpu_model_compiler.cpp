#include "gpu_model_compiler.hpp"

#include <cuda_runtime_api.h>

#include <algorithm>
#include <sstream>

#include "cubie/backends/cuda/kernel_launcher.hpp"
#include "cubie/core/error.hpp"
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

// NVRTC source: the generated system and the kernel template; the name expressions
// instantiate integrate_kernel<Method, System, V> for each method.
std::string device_source(const build_request& r) {
  std::string src = r.system_source;
  src += "\n// CUDA kernels of this model: cubie's kernel template, instantiated through NVRTC name expressions.\n";
  src += "#include \"cubie/backends/cuda/integrate_kernel.cuh\"\n";
  for (const std::string& m : r.methods) src += "#include \"cubie/integrate/methods/" + m + ".hpp\"\n";
  return src;
}

// groups != 0: the kernel computing summary metrics with those accumulator groups.
std::string name_expression(const build_request& r, const std::string& method, u32 groups = 0) {
  return std::string("&cubie::cuda::integrate_kernel<cubie::methods::") + method + ", ::" + generated_struct_name +
         ", " + value_type_name(r.precision) + (groups != 0 ? ", " + std::to_string(groups) + "u" : std::string()) +
         ">";
}

// The .kernels entry: "EXPRESSION<TAB>LOWERED NAME" per line, in the request's order.
std::string kernel_table(const std::vector<std::string>& expressions, const std::vector<std::string>& lowered) {
  std::string t;
  for (std::size_t i = 0; i < expressions.size(); ++i) t += expressions[i] + "\t" + lowered[i] + "\n";
  return t;
}

bool parse_kernel_table(const std::string& text, const std::vector<std::string>& expressions,
                        std::vector<std::string>& lowered) {
  std::istringstream in(text);
  std::string line;
  lowered.clear();
  for (const std::string& e : expressions) {
    if (!std::getline(in, line)) return false;
    const auto tab = line.find('\t');
    if (tab == std::string::npos || line.compare(0, tab, e) != 0 || tab + 1 >= line.size()) return false;
    lowered.push_back(line.substr(tab + 1));
  }
  return true;
}

// Loads the CUBIN through the CUDA backend (one loading and launch path for all run-time
// code) and names the kernels for messages. Returns false with `why` when the image is
// unusable, so a damaged cache entry is rebuilt; a lost context is not retried.
bool load_cubin(const std::string& cubin, const build_request& r, const std::vector<std::string>& lowered,
                gpu_build& out, std::string& why) {
  std::vector<gpu_kernel> kernels;
  try {
    kernels = cuda::load_kernels(cubin.data(), lowered);
  } catch (const device_error& e) {
    if (e.sticky()) throw;
    why = e.what();
    return false;
  }
  // The plain kernels in the request's method order, then those with summaries.
  const std::size_t n = r.methods.size();
  for (std::size_t i = 0; i < n; ++i) {
    kernels[i].name = r.methods[i] + "<" + value_type_name(r.precision) + ">";
    out.kernels.emplace(entry_key{r.methods[i], r.precision}, std::move(kernels[i]));
  }
  for (std::size_t i = n; i < kernels.size(); ++i) {
    kernels[i].name = r.methods[i - n] + "<" + value_type_name(r.precision) + "> with summaries";
    out.summary_kernels.emplace(summary_entry_key{r.methods[i - n], r.precision, r.summary_groups},
                                std::move(kernels[i]));
  }
  out.library = out.kernels.begin()->second.owner;
  return true;
}

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

gpu_build build_gpu(const build_request& request, backend_compile_report& report) {
  // algorithm = "auto" runs in two passes on the GPU (integrate/continuation.hpp): its
  // explicit first pass is one more kernel of the same program.
  build_request r = request;
  if (std::find(r.methods.begin(), r.methods.end(), "auto_switch") != r.methods.end() &&
      std::find(r.methods.begin(), r.methods.end(), "auto_switch_explicit_pass") == r.methods.end())
    r.methods.push_back("auto_switch_explicit_pass");
  const compile_options& opt = *r.options;
  device_arch arch;
  std::string why;
  if (!current_device(arch, why)) throw error("compile_model: " + why);

  const std::string source = device_source(r);
  std::vector<std::string> options = nvrtc_core_options(arch.sm, r.include_dir);
  options.insert(options.end(), opt.extra_nvrtc_options.begin(), opt.extra_nvrtc_options.end());
  std::vector<std::string> expressions;
  for (const std::string& m : r.methods) expressions.push_back(name_expression(r, m));
  if (r.summary_groups != 0)
    for (const std::string& m : r.methods) expressions.push_back(name_expression(r, m, r.summary_groups));

  // The include folder's location is not part of the key (its content is, as the digest).
  std::vector<std::string> keyed_options;
  for (const std::string& o : options) keyed_options.push_back(o == "-I" + r.include_dir.string() ? "-I<cubie>" : o);
  cache_key_builder kb;
  kb.add("kind", "cuda cubin, cubie model compiler v1")
      .add("cubie_version", CUBIE_VERSION_STRING)
      .add("cubie_headers", r.header_digest)
      .add("source", source)
      .add("nvrtc_version", nvrtc_version_text())
      .add("gpu_arch", "sm_" + std::to_string(arch.sm))
      .add("options", joined(keyed_options, " "))
      .add("kernels", joined(expressions, "\n"));
  const std::string key = kb.key();
  const compile_cache& cache = *r.cache;
  report.cache_key = key;
  report.source_path = cache.entry(key, ".cu");
  report.artifact_path = cache.entry(key, ".cubin");

  // One unit for all methods: one NVRTC program.
  const auto record_unit = [&] {
    compile_unit_report unit;
    unit.methods = r.methods;
    unit.cache_hit = report.cache_hit;
    unit.compiled = report.compiler_runs > 0;
    unit.cache_key = report.cache_key;
    unit.source_path = report.source_path;
    unit.artifact_path = report.artifact_path;
    report.units = {std::move(unit)};
  };

  gpu_build out;
  std::vector<std::string> lowered;
  if (cache.contains(key, ".cubin")) {
    const std::optional<std::string> table = cache.read(key, ".kernels");
    const std::optional<std::string> cubin = cache.read(key, ".cubin");
    if (table && cubin && parse_kernel_table(*table, expressions, lowered) &&
        load_cubin(*cubin, r, lowered, out, why)) {
      report.cache_hit = true;
      record_unit();
      return out;
    }
    if (opt.verbosity > 0) {
      report_line("cubie: cache entry " + report.artifact_path.string() + " unusable (" +
                  (why.empty() ? std::string("kernel table missing or stale") : why) + "); rebuilding");
    }
    out = {};
  }

  cache.remove_stale_scratch(std::chrono::hours(24));
  cache.write(key, ".cu", source);
  cache.write(key, ".key", kb.manifest());
  const std::string command = "NVRTC " + nvrtc_version_text() + " (" + nvrtc().library + "): " + joined(options, " ");
  if (opt.verbosity > 1) report_line("cubie: " + command);
  ++report.compiler_runs;
  nvrtc_output compiled = nvrtc_compile(source, report.source_path.filename().string(), options, expressions);
  if (!compiled.success || compiled.cubin.empty()) {
    throw_generated_code_failure(r, "the GPU", key, report.source_path, command, compiled.log);
  }
  if (opt.verbosity > 1 && !compiled.log.empty()) report_line(compiled.log);
  // The table first: a reader that sees the CUBIN entry finds its table already there.
  cache.write(key, ".kernels", kernel_table(expressions, compiled.lowered_names));
  cache.write(key, ".cubin", compiled.cubin);
  if (!load_cubin(compiled.cubin, r, compiled.lowered_names, out, why)) {
    throw device_error("cannot load the compiled model '" + r.model_name + "' on the GPU: " + why, false);
  }
  record_unit();
  return out;
}

}  // namespace cubie::models::detail
