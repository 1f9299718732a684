// cubie/memory/cuda_device_resource.hpp
// The "default" allocator: plain cudaMalloc/cudaFree, memory taken for a solve and given
// back after it. Available in builds with CUDA (CUBIE_WITH_CUDA).
#pragma once
#if !defined(CUBIE_WITH_CUDA)
#error "cubie/memory/cuda_device_resource.hpp needs a build with CUDA (CUBIE_WITH_CUDA)"
#endif
#include <cstddef>

#include "cubie/memory/device_resource.hpp"

namespace cubie::memory {

/// @brief cudaMalloc/cudaFree on one device. Streams are ignored.
///
/// cudaFree synchronises the device: it waits until all work queued on every stream of the
/// device has finished. Freeing after each solve therefore stalls other solvers' work on the
/// same GPU and costs a full drain; the "pool" and "async" allocators avoid both. cudaMalloc
/// may also synchronise. Stateless apart from the device id; equal when the devices are.
class cuda_device_resource {
 public:
  /// @brief Allocates on CUDA device `device`.
  /// @throws cubie::invalid_argument when device < 0.
  explicit cuda_device_resource(int device);

  /// @brief The device allocated on.
  [[nodiscard]] int device() const noexcept { return device_; }

  /// @brief cudaMalloc; the stream is ignored (the memory is usable by every stream).
  /// @throws cubie::out_of_memory when the device is out of memory; cubie::device_error on
  /// other CUDA errors (no driver, lost context).
  [[nodiscard]] void* allocate(std::size_t bytes, stream_view stream);
  /// @brief cudaFree (synchronises the device).
  void deallocate(void* p, std::size_t bytes, stream_view stream) noexcept;
  /// @brief Same as allocate.
  /// @throws as allocate.
  [[nodiscard]] void* allocate_sync(std::size_t bytes);
  /// @brief Same as deallocate.
  void deallocate_sync(void* p, std::size_t bytes) noexcept;

  [[nodiscard]] friend bool operator==(const cuda_device_resource& a, const cuda_device_resource& b) noexcept {
    return a.device_ == b.device_;
  }

 private:
  int device_;
};

static_assert(device_resource<cuda_device_resource>);

}  // namespace cubie::memory
