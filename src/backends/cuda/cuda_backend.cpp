// The backend registry of a build with CUDA: whether a GPU is usable, the GPUs, and the
// CUDA executor and pinned result storage the Solver asks for.
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <cuda_runtime_api.h>

#include "cubie/backends/backend_registry.hpp"
#include "cubie/backends/cuda/cuda_executor.hpp"
#include "cubie/core/error.hpp"
#include "cubie/execution/multi_device_executor.hpp"
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

std::vector<int> cuda_devices_for(const memory::memory_settings& settings) {
  const int count = cuda_device_available() ? memory::cuda_device_count() : 0;
  if (settings.devices.empty()) {
    std::vector<int> all(static_cast<std::size_t>(count));
    for (int d = 0; d < count; ++d) all[static_cast<std::size_t>(d)] = d;
    return all;
  }
  for (int d : settings.devices) {
    if (d < 0 || d >= count) {
      std::string visible = count == 0   ? std::string("none is visible")
                            : count == 1 ? std::string("device 0 is the only one")
                                         : "devices 0 to " + std::to_string(count - 1) + " are visible";
      throw invalid_argument("memory.devices = " + settings.devices_text() + ": there is no CUDA device " +
                             std::to_string(d) + " (" + visible +
                             "; CUDA_VISIBLE_DEVICES renumbers them from 0); use \"all\" or numbers from that range");
    }
  }
  return settings.devices;
}

std::unique_ptr<executor> make_cuda_executor(const memory::memory_settings& settings) {
  if (!cuda_device_available()) throw invalid_argument("backend: 'cuda' is not available: " + unavailable_reason());
  const std::vector<int> ids = cuda_devices_for(settings);
  if (ids.size() == 1) return std::make_unique<cuda::cuda_executor>(settings, ids.front());
  // One executor per device (its own budget, allocator, streams and pinned pool), sharing
  // each solve through a chunk queue.
  std::vector<multi_device_executor::device> devices;
  for (int id : ids) devices.push_back({id, std::make_unique<cuda::cuda_executor>(settings, id)});
  return std::make_unique<multi_device_executor>(std::move(devices));
}

void release_cached_memory() { cuda::release_cached_memory(false); }

host_allocator cuda_result_allocator(const memory::memory_settings& settings) {
  // Pinned blocks are portable (every device copies into them): the pool of the first device
  // solved on, so that a Solver kept off device 0 makes no context there.
  const std::vector<int> ids = cuda_devices_for(settings);
  memory::pinned_host_pool* pool = &cuda::shared_pinned_pool(ids.empty() ? 0 : ids.front(), settings.pinned_pool_bytes);
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

namespace {

// Never destroyed: result storage may be returned by objects that outlive main(), when the
// CUDA runtime may already be gone. The exit handler empties the pools' caches before the
// runtime goes and stops them caching; blocks returned later are freed (or, past the
// runtime, left to the operating system).
struct pinned_pools {
  std::mutex mutex;
  std::map<int, std::unique_ptr<memory::pinned_host_pool>> by_device;
  bool exiting = false;
};

pinned_pools& pools() {
  static auto* p = new pinned_pools();
  return *p;
}

void release_at_exit() noexcept {
  try {
    release_cached_memory(true);
  } catch (...) {
    // Nothing to report to at exit.
  }
}

}  // namespace

memory::pinned_host_pool& shared_pinned_pool(int device, std::uint64_t bound_bytes) {
  CUBIE_EXPECTS(device >= 0, "device = " + std::to_string(device) + " is not allowed: device ids start at 0");
  pinned_pools& p = pools();
  std::lock_guard lock(p.mutex);
  auto& pool = p.by_device[device];
  if (!pool) pool = std::make_unique<memory::pinned_host_pool>(p.exiting ? 0 : bound_bytes, device);
  if (!p.exiting && pool->max_cached_bytes() < bound_bytes) pool->set_max_cached_bytes(bound_bytes);
  return *pool;
}

void release_cached_memory(bool at_exit) {
  // Executors first: their staged inputs go back to the pinned pools, which then free them.
  detail::release_executor_caches(at_exit);
  pinned_pools& p = pools();
  std::lock_guard lock(p.mutex);
  if (at_exit) p.exiting = true;
  for (auto& [device, pool] : p.by_device) {
    if (at_exit) {
      pool->set_max_cached_bytes(0);  // frees every cached block and caches none from now on
    } else {
      pool->release();
    }
  }
}

namespace detail {

void register_exit_release() {
  // Handlers run in reverse order of registration: registered after the CUDA runtime has
  // set itself up (the caller made a context first), this one runs before it tears down.
  static std::once_flag once;
  std::call_once(once, [] { std::atexit(&release_at_exit); });
}

}  // namespace detail

}  // namespace cuda

}  // namespace cubie
