// cubie/memory/pinned_host_resource.hpp
// Page-locked host memory: what asynchronous host-device copies need to overlap compute.
// Available in builds with CUDA (CUBIE_WITH_CUDA).
#pragma once
#if !defined(CUBIE_WITH_CUDA)
#error "cubie/memory/pinned_host_resource.hpp needs a build with CUDA (CUBIE_WITH_CUDA)"
#endif
#include <cstddef>
#include <string>

#include "cubie/memory/device_resource.hpp"

namespace cubie::memory {

/// @brief How fresh pinned blocks are made.
enum class pinning_method {
  /// cudaHostAlloc / cudaFreeHost: the driver faults every page in on the calling thread
  /// (2.7 GB/s measured on the H200's host, about its one-thread first-touch rate).
  host_alloc,
  /// Blocks from CUBIE_REGISTER_FROM bytes on (default 256 KiB): fresh memory (huge-page
  /// backed from 2 MiB on), its pages faulted in by the copy threads (25-52 GB/s on that
  /// host), then cudaHostRegister (portable, mapped) / cudaHostUnregister. Smaller blocks as
  /// host_alloc. Falls back to host_alloc for good when
  /// registering is refused (a platform without it).
  register_pages,
};

/// @brief "host_alloc" or "register".
[[nodiscard]] std::string pinning_method_name(pinning_method m);

/// @brief The process's default: the environment variable CUBIE_PINNED_UPSTREAM
/// ("host_alloc" or "register", read once), else register_pages.
/// @throws cubie::invalid_argument when the variable holds another value.
[[nodiscard]] pinning_method default_pinning_method();

/// @brief Pinned host blocks, portable (usable with every device). Streams are ignored.
/// Pinning is slow (the pages are locked and mapped for the device) and freeing synchronises,
/// so reuse through pinned_host_pool. All instances are equal: any frees what another
/// allocated, whatever its method.
class pinned_host_resource {
 public:
  explicit pinned_host_resource(pinning_method method = default_pinning_method()) : method_(method) {}

  /// @throws cubie::out_of_memory when the memory cannot be pinned; cubie::device_error on
  /// other CUDA errors (no driver).
  [[nodiscard]] void* allocate(std::size_t bytes, stream_view stream);
  /// @brief cudaFreeHost, or cudaHostUnregister and unmapping for a registered block.
  void deallocate(void* p, std::size_t bytes, stream_view stream) noexcept;
  /// @brief Same as allocate.
  /// @throws as allocate.
  [[nodiscard]] void* allocate_sync(std::size_t bytes);
  /// @brief Same as deallocate.
  void deallocate_sync(void* p, std::size_t bytes) noexcept;

  [[nodiscard]] pinning_method method() const noexcept { return method_; }

  [[nodiscard]] friend bool operator==(const pinned_host_resource&, const pinned_host_resource&) noexcept {
    return true;
  }

 private:
  pinning_method method_;
};

static_assert(device_resource<pinned_host_resource>);

}  // namespace cubie::memory
