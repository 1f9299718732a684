#include "cubie/memory/cuda_device_resource.hpp"

#include <string>

#include "cubie/core/error.hpp"
#include "cubie/memory/cuda_check.hpp"

namespace cubie::memory {

cuda_device_resource::cuda_device_resource(int device) : device_(device) {
  CUBIE_EXPECTS(device >= 0, "device = " + std::to_string(device) + " is not allowed: device ids start at 0");
}

void* cuda_device_resource::allocate_sync(std::size_t bytes) {
  if (bytes == 0) return nullptr;
  const cuda_device_guard guard(device_);
  void* p = nullptr;
  CUBIE_CUDA_TRY_ALLOC(cudaMalloc(&p, bytes), bytes);
  return p;
}

void cuda_device_resource::deallocate_sync(void* p, std::size_t /*bytes*/) noexcept {
  if (p == nullptr) return;
  const cuda_device_guard guard(device_, std::nothrow);
  CUBIE_CUDA_IGNORE(cudaFree(p));
}

void* cuda_device_resource::allocate(std::size_t bytes, stream_view /*stream*/) { return allocate_sync(bytes); }

void cuda_device_resource::deallocate(void* p, std::size_t bytes, stream_view /*stream*/) noexcept {
  deallocate_sync(p, bytes);
}

}  // namespace cubie::memory
