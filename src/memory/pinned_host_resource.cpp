#include "cubie/memory/pinned_host_resource.hpp"

#include "cubie/memory/cuda_check.hpp"

namespace cubie::memory {

void* pinned_host_resource::allocate_sync(std::size_t bytes) {
  if (bytes == 0) return nullptr;
  void* p = nullptr;
  // Portable: staging buffers serve streams of any device, not just the current one.
  CUBIE_CUDA_TRY_ALLOC(cudaHostAlloc(&p, bytes, cudaHostAllocPortable), bytes);
  return p;
}

void pinned_host_resource::deallocate_sync(void* p, std::size_t /*bytes*/) noexcept {
  if (p != nullptr) CUBIE_CUDA_IGNORE(cudaFreeHost(p));
}

void* pinned_host_resource::allocate(std::size_t bytes, stream_view /*stream*/) { return allocate_sync(bytes); }

void pinned_host_resource::deallocate(void* p, std::size_t bytes, stream_view /*stream*/) noexcept {
  deallocate_sync(p, bytes);
}

}  // namespace cubie::memory
