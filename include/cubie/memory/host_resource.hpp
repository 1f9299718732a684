// cubie/memory/host_resource.hpp
// Plain pageable host memory as a device_resource: the CPU backend's "device" memory, and
// the upstream the fault-injection and budget adaptors are tested on where there is no GPU.
#pragma once
#include <cstddef>

#include "cubie/memory/device_resource.hpp"

namespace cubie::memory {

/// @brief Aligned operator new/delete (alignment `resource_alignment`). Streams are ignored:
/// host memory is usable as soon as it is returned. Stateless; all instances are equal.
class host_resource {
 public:
  /// @brief Allocates `bytes` of pageable host memory.
  /// @throws cubie::out_of_memory when the system refuses the allocation.
  [[nodiscard]] void* allocate(std::size_t bytes, stream_view stream);
  /// @brief Frees memory from allocate.
  void deallocate(void* p, std::size_t bytes, stream_view stream) noexcept;
  /// @brief Same as allocate: host allocation is synchronous anyway.
  /// @throws cubie::out_of_memory when the system refuses the allocation.
  [[nodiscard]] void* allocate_sync(std::size_t bytes);
  /// @brief Same as deallocate.
  void deallocate_sync(void* p, std::size_t bytes) noexcept;

  [[nodiscard]] friend bool operator==(const host_resource&, const host_resource&) noexcept { return true; }
};

static_assert(device_resource<host_resource>);

}  // namespace cubie::memory
