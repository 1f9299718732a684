// cubie/backends/cuda/kernel_launcher.hpp
// One launch path for every integration kernel, compiled ahead of time (a host stub) or at
// run time (a cudaKernel_t from cudaLibraryGetKernel), plus the kernel facts the planner needs.
#pragma once
#if !defined(CUBIE_WITH_CUDA)
#error "cubie/backends/cuda/kernel_launcher.hpp needs a build with CUDA (CUBIE_WITH_CUDA)"
#endif
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <cuda_runtime_api.h>

#include "../../execution/compiled_system.hpp"
#include "../../integrate/batch_args.hpp"
#include "../../memory/stream_view.hpp"
#include "launch_geometry.hpp"

namespace cubie::cuda {

/// @brief What the runtime reports about one kernel on one device, for launch geometry and
/// for the memory estimate.
struct kernel_properties {
  int registers_per_thread = 0;
  std::size_t local_bytes_per_thread = 0;  ///< cudaFuncAttributes::localSizeBytes (stack + spills)
  std::size_t static_shared_bytes = 0;
  int max_threads_per_block = 0;
  int blocks_per_multiprocessor = 0;       ///< occupancy at `block_size` threads per block
  int multiprocessors = 0;
  int block_size = kernel_block_size;

  /// @brief Threads resident on the whole device at once: occupancy x SMs x block size.
  [[nodiscard]] std::int64_t resident_threads() const noexcept {
    return static_cast<std::int64_t>(blocks_per_multiprocessor) * multiprocessors * block_size;
  }
  /// @brief Local memory the driver reserves for the resident threads of a launch: a fixed
  /// cost of every solve with this kernel, whatever its size.
  [[nodiscard]] std::uint64_t local_memory_reservation() const noexcept {
    return static_cast<std::uint64_t>(local_bytes_per_thread) * static_cast<std::uint64_t>(resident_threads());
  }
};

/// @brief Reads cudaFuncGetAttributes and the occupancy of `kernel` on `device` (which must
/// be current). Both accept a host stub and a cudaKernel_t alike. `block_size` is lowered to
/// the kernel's maxThreadsPerBlock (a kernel built for a smaller block); the result's
/// block_size is the one to launch with.
/// @throws cubie::invalid_argument when the kernel has no function; cubie::device_error when
/// the runtime cannot query it.
[[nodiscard]] kernel_properties query_kernel_properties(const gpu_kernel& kernel, int device,
                                                        int block_size = kernel_block_size);

/// @brief Loads device code compiled at run time (a cubin, fatbin or PTX image, e.g. from
/// NVRTC) with the runtime's library API (cudaLibraryLoadData; no link to the driver library)
/// and returns the kernels `names` (mangled names) as gpu_kernels whose owner keeps the
/// library loaded. They launch through launch_kernel like ahead-of-time kernels.
/// @throws cubie::device_error when the image cannot be loaded or a name is not in it.
[[nodiscard]] std::vector<gpu_kernel> load_kernels(const void* image, const std::vector<std::string>& names);

/// @brief cudaLaunchKernel of `kernel` with the parameter array `params` on `stream`.
/// @throws cubie::device_error naming the kernel, the geometry and the CUDA error when the
/// launch is refused (an invalid configuration, a lost context, ...). Errors raised while the
/// kernel runs surface later, at the stream's next synchronisation.
void launch_kernel(const gpu_kernel& kernel, dim3 grid, dim3 block, memory::stream_view stream, void** params);

/// @brief Launches an integration kernel, which takes one batch_args<V> by value.
/// @throws as launch_kernel.
template <class V>
void launch_integrate_kernel(const gpu_kernel& kernel, dim3 grid, dim3 block, memory::stream_view stream,
                             const batch_args<V>& args) {
  // cudaLaunchKernel copies the parameters before it returns, so a local copy suffices.
  batch_args<V> by_value = args;
  void* params[] = {&by_value};
  launch_kernel(kernel, grid, block, stream, params);
}

}  // namespace cubie::cuda
