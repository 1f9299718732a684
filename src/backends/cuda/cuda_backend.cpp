// The backend registry of a build with CUDA: whether a GPU is usable, the GPUs, and the
// CUDA executor and pinned result storage the Solver asks for.
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <cuda_runtime_api.h>

#include "cubie/backends/backend_registry.hpp"
#include "cubie/backends/cuda/cuda_executor.hpp"
#include "cubie/core/error.hpp"
#include "cubie/memory/cuda_check.hpp"
#include "cubie/memory/device_info.hpp"

namespace cubie {

namespace {

// Probed once, like memory::cuda_device_count(): a machine without a driver answers with an
// error code here (never a crash), and the answer does not change within a process.
const std::string& unavailable_reason() {
  static const std::string reason = [] {
    int n = 0;
    const cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess) {
      memory::clear_cuda_error(e);
      return std::string("no usable CUDA driver or device: cudaGetDeviceCount failed with ") + cudaGetErrorName(e) +
             " (" + cudaGetErrorString(e) + ")";
    }
    if (n == 0) return std::string("no CUDA device is present");
    return std::string();
  }();
  return reason;
}

}  // namespace

bool cuda_backend_compiled() { return true; }

bool cuda_device_available() { return memory::cuda_device_count() > 0 && unavailable_reason().empty(); }

std::string cuda_unavailable_reason() { return unavailable_reason(); }

std::vector<gpu_description> list_gpus() {
  std::vector<gpu_description> gpus;
  const int n = memory::cuda_device_count();
  for (int d = 0; d < n; ++d) {
    cudaDeviceProp prop{};
    const cudaError_t e = cudaGetDeviceProperties(&prop, d);
    if (e != cudaSuccess) {
      memory::clear_cuda_error(e);
      continue;
    }
    gpu_description g{};
    g.index = d;
    g.name = prop.name;
    g.sm_major = prop.major;
    g.sm_minor = prop.minor;
    g.multiprocessors = prop.multiProcessorCount;
    g.total_bytes = prop.totalGlobalMem;
    try {
      const memory::device_memory_info info = memory::cuda_memory_info(d);
      g.total_bytes = info.total;
      g.free_bytes = info.free;
    } catch (const device_error&) {
      g.free_bytes = 0;  // listed all the same: its name and size are still worth showing
    }
    gpus.push_back(std::move(g));
  }
  return gpus;
}

std::unique_ptr<executor> make_cuda_executor(const solver_settings& settings) {
  if (!cuda_device_available()) throw invalid_argument("backend: 'cuda' is not available: " + unavailable_reason());
  return std::make_unique<cuda::cuda_executor>(settings.memory, 0);
}

host_allocator cuda_result_allocator(const solver_settings& settings) {
  memory::pinned_host_pool* pool = &cuda::shared_pinned_pool(0, settings.memory.pinned_pool_bytes);
  host_allocator a;
  a.allocate = [pool](std::size_t bytes) { return pool->allocate_sync(bytes); };
  a.deallocate = [pool](void* p, std::size_t bytes) { pool->deallocate_sync(p, bytes); };
  // One name for the pool: storage from it is reused by any later solve that fits in it.
  a.name = "cuda_pinned_pool";
  a.pinned = true;
  return a;
}

namespace cuda {

test_hooks& cuda_test_hooks() {
  static test_hooks hooks;
  return hooks;
}

memory::pinned_host_pool& shared_pinned_pool(int device, std::uint64_t bound_bytes) {
  CUBIE_EXPECTS(device >= 0, "device = " + std::to_string(device) + " is not allowed: device ids start at 0");
  static std::mutex mutex;
  // Never destroyed: result storage may be returned by objects that outlive main(), when the
  // CUDA runtime may already be gone; the operating system takes the pages back.
  static auto* pools = new std::map<int, std::unique_ptr<memory::pinned_host_pool>>();
  std::lock_guard lock(mutex);
  auto& pool = (*pools)[device];
  if (!pool) pool = std::make_unique<memory::pinned_host_pool>(bound_bytes, device);
  if (pool->max_cached_bytes() < bound_bytes) pool->set_max_cached_bytes(bound_bytes);
  return *pool;
}

}  // namespace cuda

}  // namespace cubie
