#include "cubie/memory/device_info.hpp"

#include <string>

#include "cubie/core/error.hpp"

#if defined(CUBIE_WITH_CUDA)
#include "cubie/memory/cuda_check.hpp"
#endif

namespace cubie::memory {

int cuda_device_count() noexcept {
#if defined(CUBIE_WITH_CUDA)
  // Probed once: the answer cannot change within a process, and the first call may be slow
  // (driver initialisation) or fail (no driver), which must not repeat at every query.
  static const int count = [] {
    int n = 0;
    const cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess) {
      clear_cuda_error(e);
      return 0;
    }
    return n;
  }();
  return count;
#else
  return 0;
#endif
}

device_memory_info cuda_memory_info(int device) {
#if defined(CUBIE_WITH_CUDA)
  CUBIE_EXPECTS(device >= 0, "device = " + std::to_string(device) + " is not allowed: device ids start at 0");
  const int count = cuda_device_count();
  if (device >= count) {
    throw device_error("cubie: CUDA device " + std::to_string(device) + " does not exist: " +
                           (count == 0 ? std::string("no CUDA device or driver is present")
                                       : std::to_string(count) + " device(s) are present"),
                       false);
  }
  const cuda_device_guard guard(device);
  std::size_t free = 0, total = 0;
  CUBIE_CUDA_TRY(cudaMemGetInfo(&free, &total));
  return {total, free};
#else
  throw device_error(
      "cubie: cannot query CUDA device " + std::to_string(device) + " memory: cubie was built without CUDA", false);
#endif
}

device_info_provider cuda_memory_info_provider(int device) {
  return [device] { return cuda_memory_info(device); };
}

}  // namespace cubie::memory
