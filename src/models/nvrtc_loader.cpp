#include "nvrtc_loader.hpp"

#include <dlfcn.h>

#include <cstdlib>
#include <memory>
#include <mutex>
#include <vector>

#include "cubie/core/error.hpp"

namespace cubie::models::detail {
namespace {

std::vector<std::string> candidate_libraries() {
  std::vector<std::string> names;
  if (const char* v = std::getenv("CUBIE_NVRTC_LIBRARY"); v && *v) names.emplace_back(v);
  const std::string dir = CUBIE_NVRTC_LIBRARY_DIR;
  for (const char* soname : {CUBIE_NVRTC_SONAME, "libnvrtc.so"}) {
    names.emplace_back(soname);
    if (!dir.empty()) names.push_back(dir + "/" + soname);
  }
  return names;
}

template <class F>
void resolve(void* handle, const char* symbol, F& out, std::string& missing) {
  out = reinterpret_cast<F>(dlsym(handle, symbol));
  if (!out) missing += std::string(missing.empty() ? "" : ", ") + symbol;
}

// Loads and resolves; the message explains every failure when nothing loads.
std::unique_ptr<nvrtc_api> try_load(std::string& why) {
  for (const std::string& name : candidate_libraries()) {
    void* handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
      const char* reason = dlerror();
      why += "\n  " + name + ": " + (reason ? reason : "not found");
      continue;
    }
    auto api = std::make_unique<nvrtc_api>();
    std::string missing;
    resolve(handle, "nvrtcVersion", api->version, missing);
    resolve(handle, "nvrtcGetErrorString", api->error_string, missing);
    resolve(handle, "nvrtcCreateProgram", api->create_program, missing);
    resolve(handle, "nvrtcDestroyProgram", api->destroy_program, missing);
    resolve(handle, "nvrtcAddNameExpression", api->add_name_expression, missing);
    resolve(handle, "nvrtcCompileProgram", api->compile_program, missing);
    resolve(handle, "nvrtcGetProgramLogSize", api->program_log_size, missing);
    resolve(handle, "nvrtcGetProgramLog", api->program_log, missing);
    resolve(handle, "nvrtcGetCUBINSize", api->cubin_size, missing);
    resolve(handle, "nvrtcGetCUBIN", api->cubin, missing);
    resolve(handle, "nvrtcGetLoweredName", api->lowered_name, missing);
    if (!missing.empty()) {
      why += "\n  " + name + ": lacks " + missing + " (too old an NVRTC)";
      dlclose(handle);
      continue;
    }
    api->library = name;
    return api;  // the handle stays open for the life of the process
  }
  return nullptr;
}

std::mutex load_mutex;
std::unique_ptr<nvrtc_api> loaded;

}  // namespace

const nvrtc_api& nvrtc() {
  std::lock_guard lock(load_mutex);
  if (loaded) return *loaded;
  std::string why;
  loaded = try_load(why);
  if (!loaded) {
    throw error(
        "compiling a model for the GPU needs NVRTC (the CUDA runtime compiler), which could not be loaded:" + why +
        "\ninstall the CUDA toolkit's NVRTC (e.g. the cuda-nvrtc package), add its folder to "
        "LD_LIBRARY_PATH or set CUBIE_NVRTC_LIBRARY to the library file; or run on the CPU");
  }
  return *loaded;
}

bool nvrtc_available() {
  try {
    (void)nvrtc();
    return true;
  } catch (const error&) {
    return false;
  }
}

}  // namespace cubie::models::detail
