// The GPU half of the model compiler (CUDA builds only): NVRTC to a CUBIN for the
// current device, cached, loaded with the CUDA runtime's library API (no libcuda link).
#pragma once
#include <map>
#include <memory>
#include <string>

#include "cubie/execution/compiled_system.hpp"
#include "cubie/execution/deferred_kernels.hpp"
#include "model_compiler_detail.hpp"

namespace cubie::models::detail {

struct gpu_build {
  std::map<entry_key, gpu_kernel> kernels;
  std::map<summary_entry_key, gpu_kernel> summary_kernels;  ///< request.summary_groups != 0
  /// The fixed-count path's kernels, keyed by the function of their general-loop kernel in
  /// `kernels` or `summary_kernels` (compiled_system::gpu_fixed_count): built already for the
  /// methods in build_request::fixed_count_now, on their first solve for the others. Null
  /// when every kernel holds both paths.
  std::shared_ptr<deferred_gpu_kernels> fixed_count_kernels;
  std::shared_ptr<const void> library;  ///< unloads the CUBIN when the last user is gone
};

/// @brief Why no GPU compile can happen here ("" when a device is usable and NVRTC loads).
[[nodiscard]] std::string gpu_unavailable_reason();

/// @brief Compiles (or loads from the cache) the request's kernels for the current device.
/// @throws cubie::internal_error when the generated code fails to compile;
///   cubie::device_error when the CUBIN cannot be loaded.
[[nodiscard]] gpu_build build_gpu(const build_request& request, backend_compile_report& report);

}  // namespace cubie::models::detail
