#include "cubie/memory/cuda_async_resource.hpp"

#include <string>

#include "cubie/core/error.hpp"
#include "cubie/memory/cuda_check.hpp"

namespace cubie::memory {

cuda_async_resource::cuda_async_resource(int device, std::uint64_t release_threshold_bytes) : device_(device) {
  CUBIE_EXPECTS(device >= 0, "device = " + std::to_string(device) + " is not allowed: device ids start at 0");
  const cuda_device_guard guard(device);
  int supported = 0;
  CUBIE_CUDA_TRY(cudaDeviceGetAttribute(&supported, cudaDevAttrMemoryPoolsSupported, device));
  if (supported == 0) {
    throw device_error("cubie: allocator = async is not available: CUDA device " + std::to_string(device) +
                           " does not support memory pools (cudaMallocAsync); use allocator = pool",
                       false);
  }
  cudaMemPoolProps props{};
  props.allocType = cudaMemAllocationTypePinned;
  props.handleTypes = cudaMemHandleTypeNone;
  props.location.type = cudaMemLocationTypeDevice;
  props.location.id = device;
  cudaMemPool_t pool = nullptr;
  CUBIE_CUDA_TRY(cudaMemPoolCreate(&pool, &props));
  pool_ = pool;
  try {
    set_release_threshold(release_threshold_bytes);
  } catch (...) {
    CUBIE_CUDA_IGNORE(cudaMemPoolDestroy(pool_));
    throw;
  }
}

cuda_async_resource::~cuda_async_resource() {
  const cuda_device_guard guard(device_, std::nothrow);
  CUBIE_CUDA_IGNORE(cudaMemPoolDestroy(pool_));
}

void* cuda_async_resource::allocate(std::size_t bytes, stream_view stream) {
  if (bytes == 0) return nullptr;
  const cuda_device_guard guard(device_);
  void* p = nullptr;
  CUBIE_CUDA_TRY_ALLOC(cudaMallocFromPoolAsync(&p, bytes, pool_, stream.value()), bytes);
  return p;
}

void cuda_async_resource::deallocate(void* p, std::size_t /*bytes*/, stream_view stream) noexcept {
  if (p == nullptr) return;
  const cuda_device_guard guard(device_, std::nothrow);
  CUBIE_CUDA_IGNORE(cudaFreeAsync(p, stream.value()));
}

void* cuda_async_resource::allocate_sync(std::size_t bytes) {
  void* p = allocate(bytes, stream_view::default_stream());
  if (p == nullptr) return p;
  const cuda_device_guard guard(device_);
  const cudaError_t e = cudaStreamSynchronize(nullptr);
  if (e != cudaSuccess) {
    deallocate(p, bytes, stream_view::default_stream());
    throw_cuda_error(e, "cudaStreamSynchronize(nullptr)", __FILE__, __LINE__);
  }
  return p;
}

void cuda_async_resource::deallocate_sync(void* p, std::size_t bytes) noexcept {
  deallocate(p, bytes, stream_view::default_stream());
}

std::uint64_t cuda_async_resource::attribute(int attr) const {
  const cuda_device_guard guard(device_);
  std::uint64_t value = 0;  // every attribute read here is a cuuint64_t
  CUBIE_CUDA_TRY(cudaMemPoolGetAttribute(pool_, static_cast<cudaMemPoolAttr>(attr), &value));
  return value;
}

void cuda_async_resource::set_release_threshold(std::uint64_t bytes) {
  const cuda_device_guard guard(device_);
  std::uint64_t value = bytes;
  CUBIE_CUDA_TRY(cudaMemPoolSetAttribute(pool_, cudaMemPoolAttrReleaseThreshold, &value));
}

std::uint64_t cuda_async_resource::release_threshold() const { return attribute(cudaMemPoolAttrReleaseThreshold); }
std::uint64_t cuda_async_resource::reserved_bytes() const { return attribute(cudaMemPoolAttrReservedMemCurrent); }
std::uint64_t cuda_async_resource::reserved_high_water() const { return attribute(cudaMemPoolAttrReservedMemHigh); }
std::uint64_t cuda_async_resource::used_bytes() const { return attribute(cudaMemPoolAttrUsedMemCurrent); }
std::uint64_t cuda_async_resource::used_high_water() const { return attribute(cudaMemPoolAttrUsedMemHigh); }

void cuda_async_resource::reset_high_water() {
  const cuda_device_guard guard(device_);
  // The runtime accepts only 0 here, meaning "reset to the current value".
  std::uint64_t zero = 0;
  CUBIE_CUDA_TRY(cudaMemPoolSetAttribute(pool_, cudaMemPoolAttrReservedMemHigh, &zero));
  CUBIE_CUDA_TRY(cudaMemPoolSetAttribute(pool_, cudaMemPoolAttrUsedMemHigh, &zero));
}

void cuda_async_resource::trim(std::uint64_t keep_bytes) {
  const cuda_device_guard guard(device_);
  CUBIE_CUDA_TRY(cudaMemPoolTrimTo(pool_, keep_bytes));
}

}  // namespace cubie::memory
