// NVRTC, loaded with dlopen at first use rather than linked: the cubie binary starts
// on machines without the CUDA toolkit, and only a GPU model compile needs the library.
#pragma once
#include <nvrtc.h>

#include <string>

namespace cubie::models::detail {

/// The NVRTC entry points cubie uses, resolved from the loaded library.
struct nvrtc_api {
  decltype(&::nvrtcVersion) version;
  decltype(&::nvrtcGetErrorString) error_string;
  decltype(&::nvrtcCreateProgram) create_program;
  decltype(&::nvrtcDestroyProgram) destroy_program;
  decltype(&::nvrtcAddNameExpression) add_name_expression;
  decltype(&::nvrtcCompileProgram) compile_program;
  decltype(&::nvrtcGetProgramLogSize) program_log_size;
  decltype(&::nvrtcGetProgramLog) program_log;
  decltype(&::nvrtcGetCUBINSize) cubin_size;
  decltype(&::nvrtcGetCUBIN) cubin;
  decltype(&::nvrtcGetLoweredName) lowered_name;
  std::string library;  ///< the file that was loaded, for messages
};

/// @brief NVRTC, loaded on the first call: $CUBIE_NVRTC_LIBRARY if set, else the
///   toolkit's soname (libnvrtc.so.13 for a CUDA 13 build), then libnvrtc.so, each by
///   the loader's search path and then in the toolkit folder cubie was built against.
///   A failed load is retried on the next call (the user may fix the path meanwhile).
/// @throws cubie::error listing every name tried with the loader's reason, and what to install or set.
[[nodiscard]] const nvrtc_api& nvrtc();

/// @brief True when NVRTC can be loaded (loads it as nvrtc() does, without throwing).
[[nodiscard]] bool nvrtc_available();

}  // namespace cubie::models::detail
