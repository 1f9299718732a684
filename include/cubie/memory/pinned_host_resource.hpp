// cubie/memory/pinned_host_resource.hpp
// Page-locked host memory (cudaHostAlloc/cudaFreeHost): what asynchronous host-device
// copies need to overlap compute. Available in builds with CUDA (CUBIE_WITH_CUDA).
#pragma once
#if !defined(CUBIE_WITH_CUDA)
#error "cubie/memory/pinned_host_resource.hpp needs a build with CUDA (CUBIE_WITH_CUDA)"
#endif
#include <cstddef>

#include "cubie/memory/device_resource.hpp"

namespace cubie::memory {

/// @brief cudaHostAlloc (portable: usable with every device) / cudaFreeHost. Streams are ignored. Pinning is slow (the
/// pages are locked and mapped for the device) and cudaFreeHost synchronises, so reuse through pinned_host_pool.
/// Stateless; all instances are equal.
class pinned_host_resource {
 public:
  /// @brief cudaHostAlloc(..., cudaHostAllocPortable).
  /// @throws cubie::out_of_memory when the memory cannot be pinned; cubie::device_error on
  /// other CUDA errors (no driver).
  [[nodiscard]] void* allocate(std::size_t bytes, stream_view stream);
  /// @brief cudaFreeHost.
  void deallocate(void* p, std::size_t bytes, stream_view stream) noexcept;
  /// @brief Same as allocate.
  /// @throws as allocate.
  [[nodiscard]] void* allocate_sync(std::size_t bytes);
  /// @brief Same as deallocate.
  void deallocate_sync(void* p, std::size_t bytes) noexcept;

  [[nodiscard]] friend bool operator==(const pinned_host_resource&, const pinned_host_resource&) noexcept {
    return true;
  }
};

static_assert(device_resource<pinned_host_resource>);

}  // namespace cubie::memory
