// cubie/memory/device_info.hpp
// What the memory layer asks of a device: how many there are, and total and free memory.
// Safe to call on a machine with no GPU driver, and in a build without CUDA.
#pragma once
#include <cstdint>
#include <functional>

namespace cubie::memory {

/// @brief Total and free bytes of one device's memory.
struct device_memory_info {
  std::uint64_t total = 0;
  std::uint64_t free = 0;
};

/// @brief Where a memory_manager reads device_memory_info from; tests inject their own.
using device_info_provider = std::function<device_memory_info()>;

/// @brief Number of CUDA devices usable by this process; 0 when cubie was built without CUDA,
/// or when no driver or device is present. Never throws. Probed once and cached.
[[nodiscard]] int cuda_device_count() noexcept;

/// @brief Total and free memory of CUDA device `device` (cudaMemGetInfo). The calling
/// thread's current device is left unchanged.
/// @throws cubie::device_error when the device cannot be queried (no driver, no such device,
/// or a build without CUDA).
[[nodiscard]] device_memory_info cuda_memory_info(int device);

/// @brief A provider that calls cuda_memory_info(device) at each query.
[[nodiscard]] device_info_provider cuda_memory_info_provider(int device);

}  // namespace cubie::memory
