#include "cubie/memory/host_resource.hpp"

#include <new>
#include <string>

#include "cubie/core/error.hpp"

namespace cubie::memory {

void* host_resource::allocate_sync(std::size_t bytes) {
  if (bytes == 0) return nullptr;
  try {
    return ::operator new (bytes, std::align_val_t{resource_alignment});
  } catch (const std::bad_alloc&) {
    // Re-thrown as cubie's type so the solver's shrink-and-retry sees host exhaustion too.
    throw out_of_memory("cubie: host allocation of " + std::to_string(bytes) + " bytes failed");
  }
}

void host_resource::deallocate_sync(void* p, std::size_t /*bytes*/) noexcept {
  if (p != nullptr) ::operator delete (p, std::align_val_t{resource_alignment});
}

void* host_resource::allocate(std::size_t bytes, stream_view /*stream*/) { return allocate_sync(bytes); }

void host_resource::deallocate(void* p, std::size_t bytes, stream_view /*stream*/) noexcept {
  deallocate_sync(p, bytes);
}

}  // namespace cubie::memory
