// The event that guards a cached block's reuse, shared by the two caching pools
// (cuda_pool_resource for device memory, pinned_host_pool for pinned host memory).
// Both keep a freed block with an event recorded on the stream that last used it.
#pragma once
#include <cuda_runtime_api.h>

#include "cubie/memory/cuda_check.hpp"

namespace cubie::memory::detail {

/// Records, on `stream`, the point after which a block freed now may be reused; the event
/// is created on a block's first free and reused after. Without an event the only safe
/// reuse is after the stream has drained, so a failure synchronises it instead.
/// The caller has made the block's device current.
inline void record_reuse_event(CUevent_st*& event, bool& pending, cudaStream_t stream) noexcept {
  cudaError_t e = cudaSuccess;
  if (event == nullptr) {
    cudaEvent_t ev = nullptr;
    e = cudaEventCreateWithFlags(&ev, cudaEventDisableTiming);
    if (e == cudaSuccess) event = ev;
  }
  if (e == cudaSuccess) e = cudaEventRecord(event, stream);
  if (e == cudaSuccess) {
    pending = true;
  } else {
    clear_cuda_error(e);
    CUBIE_CUDA_IGNORE(cudaStreamSynchronize(stream));
  }
}

/// Waits for the work a pending event guards, then destroys the event: the block is about
/// to go back to its upstream allocator.
inline void destroy_reuse_event(CUevent_st*& event, bool pending, int device) noexcept {
  if (event == nullptr) return;
  const cuda_device_guard guard(device, std::nothrow);
  if (pending) CUBIE_CUDA_IGNORE(cudaEventSynchronize(event));
  CUBIE_CUDA_IGNORE(cudaEventDestroy(event));
  event = nullptr;
}

}  // namespace cubie::memory::detail
