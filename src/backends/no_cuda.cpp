// The backend registry of a build without CUDA: only the CPU exists.
#include "cubie/backends/backend_registry.hpp"
#include "cubie/core/error.hpp"

namespace cubie {

bool cuda_backend_compiled() { return false; }
bool cuda_device_available() { return false; }
std::string cuda_unavailable_reason() { return "this cubie was built without the CUDA backend"; }
std::vector<gpu_description> list_gpus() { return {}; }
std::vector<int> cuda_devices_for(const memory::memory_settings&) { return {}; }
std::unique_ptr<executor> make_cuda_executor(const memory::memory_settings&) {
  throw invalid_argument("backend: 'cuda' is not available: " + cuda_unavailable_reason());
}
host_allocator cuda_result_allocator(const memory::memory_settings&) { return host_allocator::pageable(); }
void release_cached_memory() {}

}  // namespace cubie
