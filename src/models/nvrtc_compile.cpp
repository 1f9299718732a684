#include "nvrtc_compile.hpp"

#include <memory>

#include "cubie/core/error.hpp"
#include "nvrtc_loader.hpp"

namespace cubie::models::detail {
namespace {

void check(const nvrtc_api& api, nvrtcResult r, const char* what) {
  if (r != NVRTC_SUCCESS) throw error(std::string("NVRTC: ") + what + " failed: " + api.error_string(r));
}

}  // namespace

std::vector<std::string> nvrtc_core_options(int sm, const std::filesystem::path& include_dir) {
  return {"--std=c++20", "-arch=sm_" + std::to_string(sm), "--fmad=true", "-default-device",
          "-DNDEBUG",    "-I" + include_dir.string()};
}

nvrtc_output nvrtc_compile(std::string_view source, const std::string& program_name,
                           const std::vector<std::string>& options, const std::vector<std::string>& name_expressions) {
  const nvrtc_api& api = nvrtc();
  const std::string text(source);  // NVRTC wants a terminated string
  nvrtcProgram program = nullptr;
  check(api, api.create_program(&program, text.c_str(), program_name.c_str(), 0, nullptr, nullptr),
        "nvrtcCreateProgram");
  const auto destroy = [&api](nvrtcProgram* p) { api.destroy_program(p); };
  std::unique_ptr<nvrtcProgram, decltype(destroy)> guard(&program, destroy);

  for (const std::string& e : name_expressions) {
    check(api, api.add_name_expression(program, e.c_str()), "nvrtcAddNameExpression");
  }
  std::vector<const char*> argv;
  for (const std::string& o : options) argv.push_back(o.c_str());
  const nvrtcResult compiled = api.compile_program(program, static_cast<int>(argv.size()), argv.data());

  nvrtc_output out;
  std::size_t log_size = 0;
  check(api, api.program_log_size(program, &log_size), "nvrtcGetProgramLogSize");
  out.log.resize(log_size);
  if (log_size > 0) check(api, api.program_log(program, out.log.data()), "nvrtcGetProgramLog");
  while (!out.log.empty() && (out.log.back() == '\0' || out.log.back() == '\n')) out.log.pop_back();
  if (compiled != NVRTC_SUCCESS) {
    if (out.log.empty()) out.log = api.error_string(compiled);
    return out;
  }

  std::size_t cubin_size = 0;
  check(api, api.cubin_size(program, &cubin_size), "nvrtcGetCUBINSize");
  out.cubin.resize(cubin_size);
  if (cubin_size > 0) check(api, api.cubin(program, out.cubin.data()), "nvrtcGetCUBIN");
  for (const std::string& e : name_expressions) {
    const char* lowered = nullptr;
    check(api, api.lowered_name(program, e.c_str(), &lowered), "nvrtcGetLoweredName");
    out.lowered_names.emplace_back(lowered);
  }
  out.success = true;
  return out;
}

std::string nvrtc_version_text() {
  const nvrtc_api& api = nvrtc();
  int major = 0, minor = 0;
  check(api, api.version(&major, &minor), "nvrtcVersion");
  return std::to_string(major) + "." + std::to_string(minor);
}

}  // namespace cubie::models::detail
