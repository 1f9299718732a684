// `cubie devices`: what can run here. The CPU (cores, SIMD width, runs per pack) and
// the CUDA backend: compiled in or not, a usable driver and GPU, NVRTC for model files,
// each GPU's memory, compute capability and multiprocessors, and the GPUs a solve is spread
// over by default; and the folder of cubie headers model files compile against.
#include <cstdio>
#include <exception>
#include <sstream>
#include <thread>

#include "commands.hpp"
#include "cubie/backends/backend_registry.hpp"
#include "cubie/backends/cpu/cpu_executor.hpp"
#include "cubie/backends/cpu/simd_width.hpp"
#include "cubie/io/json_writer.hpp"
#include "cubie/models/model_compiler.hpp"
#include "text_format.hpp"

namespace cubie::cli {

namespace {

struct device_report {
  std::string cpu_name = cpu::cpu_name();
  int cores = static_cast<int>(std::thread::hardware_concurrency());
  int simd_bits = cpu::native_vector_bytes * 8;
  bool cuda_compiled = cuda_backend_compiled();
  bool cuda_usable = cuda_device_available();
  std::string cuda_reason = cuda_device_available() ? "" : cuda_unavailable_reason();
  std::string nvrtc_reason = models::gpu_compile_unavailable_reason();
  std::vector<gpu_description> gpus = cuda_device_available() ? list_gpus() : std::vector<gpu_description>{};
  std::vector<int> solve_devices = cuda_devices_for(memory::memory_settings{});  // what memory.devices = "all" takes
  std::string headers, headers_error;  // what model files compile against
};

device_report make_report() {
  device_report d;
  try {
    d.headers = models::include_dir().string();
  } catch (const std::exception& e) {
    d.headers_error = e.what();
  }
  return d;
}

std::string as_text(const device_report& d) {
  std::ostringstream o;
  o << "cpu      " << d.cpu_name << ": " << d.cores << " cores, " << d.simd_bits << "-bit SIMD ("
    << cpu::simd_lanes<float> << " float32 / " << cpu::simd_lanes<double> << " float64 runs per pack)\n";
  o << "cuda     " << (d.cuda_compiled ? "compiled in" : "not compiled in");
  if (d.cuda_compiled) o << "; " << (d.cuda_usable ? "driver and GPU usable" : d.cuda_reason);
  if (d.cuda_usable)
    o << "; model files " << (d.nvrtc_reason.empty() ? "compile with NVRTC" : "cannot compile: " + d.nvrtc_reason);
  o << "\n";
  for (const gpu_description& g : d.gpus) {
    o << "gpu " << g.index << "    " << g.name << ": " << format_bytes(g.total_bytes) << " total, "
      << format_bytes(g.free_bytes) << " free, compute capability " << g.sm_major << "." << g.sm_minor << ", "
      << g.multiprocessors << " SMs\n";
  }
  o << "backends cpu" << (d.cuda_usable ? ", cuda (auto picks cuda)" : " (auto picks cpu)") << "\n";
  if (d.solve_devices.size() > 1) {
    o << "solves   spread over gpu ";
    for (std::size_t i = 0; i < d.solve_devices.size(); ++i) o << (i ? ", " : "") << d.solve_devices[i];
    o << " (memory.devices = \"all\", the default: each GPU takes chunks as it frees up; memory.devices = [0] keeps "
         "a solve on one)\n";
  }
  o << "headers  " << (d.headers.empty() ? "not found: " + d.headers_error : d.headers + " (model files compile against these)")
    << "\n";
  return o.str();
}

std::string as_json(const device_report& d) {
  io::json_writer w;
  w.begin_object();
  w.key("cpu").begin_object();
  w.key("name").value(d.cpu_name);
  w.key("cores").value(d.cores);
  w.key("simd_bits").value(d.simd_bits);
  w.key("float32_lanes").value(cpu::simd_lanes<float>);
  w.key("float64_lanes").value(cpu::simd_lanes<double>);
  w.end_object();
  w.key("cuda").begin_object();
  w.key("compiled").value(d.cuda_compiled);
  w.key("usable").value(d.cuda_usable);
  w.key("reason").value(d.cuda_reason);
  w.key("nvrtc").value(d.nvrtc_reason.empty());
  w.key("gpus").begin_array();
  for (const gpu_description& g : d.gpus) {
    w.begin_object();
    w.key("index").value(g.index);
    w.key("name").value(g.name);
    w.key("total_bytes").value(static_cast<std::uint64_t>(g.total_bytes));
    w.key("free_bytes").value(static_cast<std::uint64_t>(g.free_bytes));
    w.key("compute_capability").value(std::to_string(g.sm_major) + "." + std::to_string(g.sm_minor));
    w.key("multiprocessors").value(g.multiprocessors);
    w.end_object();
  }
  w.end_array();
  w.key("solve_devices").begin_array();
  for (int id : d.solve_devices) w.value(id);
  w.end_array();
  w.end_object();
  w.key("headers");
  if (d.headers.empty()) w.null();
  else w.value(d.headers);
  w.end_object();
  return w.str();
}

}  // namespace

int devices_command(const devices_options& opt) {
  const device_report d = make_report();
  if (opt.json) std::printf("%s\n", as_json(d).c_str());
  else std::fputs(as_text(d).c_str(), stdout);
  return exit_ok;
}

}  // namespace cubie::cli
