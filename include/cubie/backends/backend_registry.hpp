// cubie/backends/backend_registry.hpp
// What backends this build and this machine offer, and how the Solver obtains them.
// In a build without CUDA, or on a machine without a driver or GPU, the CUDA queries
// answer "no" and the Solver runs on the CPU.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "../execution/executor.hpp"
#include "../memory/host_buffer.hpp"
#include "../memory/memory_settings.hpp"

namespace cubie {

/// True when this library was built with the CUDA backend.
[[nodiscard]] bool cuda_backend_compiled();
/// True when a CUDA device is usable now (driver present, at least one GPU).
[[nodiscard]] bool cuda_device_available();
/// Why no CUDA device is usable ("" when one is): for error messages.
[[nodiscard]] std::string cuda_unavailable_reason();

struct gpu_description {
  int index;
  std::string name;
  std::uint64_t total_bytes, free_bytes;
  int sm_major, sm_minor, multiprocessors;
};
[[nodiscard]] std::vector<gpu_description> list_gpus();

/// The CUDA devices a Solver with these settings solves on: settings.devices, or every
/// visible device when it is empty ("all"). Empty when no CUDA device is usable.
/// @throws invalid_argument naming memory.devices when it lists a device that does not exist.
[[nodiscard]] std::vector<int> cuda_devices_for(const memory::memory_settings& settings);
/// The CUDA executor for these settings: one device's, or a multi_device_executor over
/// every device of cuda_devices_for(settings).
/// @throws invalid_argument when unavailable, or for a device that does not exist.
[[nodiscard]] std::unique_ptr<executor> make_cuda_executor(const memory::memory_settings& settings);
/// Host storage for results that the CUDA backend copies into: pinned, pooled.
[[nodiscard]] host_allocator cuda_result_allocator(const memory::memory_settings& settings);
/// Gives back the memory kept for reuse across solves: the device memory pool and async
/// allocators of live Solvers cache, their staged inputs, and the cached blocks of the pinned
/// host pools. Solvers and results stay valid; the next solve allocates afresh. Also done
/// at process exit, before the CUDA runtime tears down. Nothing to do without CUDA.
/// @throws cubie::device_error on CUDA errors.
void release_cached_memory();

}  // namespace cubie
