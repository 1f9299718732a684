#include "cubie/backends/cuda/kernel_launcher.hpp"

#include <memory>
#include <string>

#include "cubie/core/error.hpp"
#include "cubie/memory/cuda_check.hpp"

namespace cubie::cuda {

kernel_properties query_kernel_properties(const gpu_kernel& kernel, int device, int block_size) {
  CUBIE_EXPECTS(kernel.function != nullptr, "cuda backend: kernel '" + kernel.name + "' has no function to launch");
  kernel_properties p;
  cudaFuncAttributes attr{};
  CUBIE_CUDA_TRY(cudaFuncGetAttributes(&attr, kernel.function));
  // A kernel built for a smaller block (its __launch_bounds__) launches with that block.
  if (block_size > attr.maxThreadsPerBlock) block_size = attr.maxThreadsPerBlock;
  p.block_size = block_size;
  p.registers_per_thread = attr.numRegs;
  p.local_bytes_per_thread = attr.localSizeBytes;
  p.static_shared_bytes = attr.sharedSizeBytes;
  p.max_threads_per_block = attr.maxThreadsPerBlock;
  CUBIE_CUDA_TRY(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&p.blocks_per_multiprocessor, kernel.function,
                                                               block_size, 0));
  CUBIE_CUDA_TRY(cudaDeviceGetAttribute(&p.multiprocessors, cudaDevAttrMultiProcessorCount, device));
  return p;
}

std::vector<gpu_kernel> load_kernels(const void* image, const std::vector<std::string>& names) {
  CUBIE_EXPECTS(image != nullptr, "load_kernels: the code image is null");
  cudaLibrary_t library = nullptr;
  CUBIE_CUDA_TRY(cudaLibraryLoadData(&library, image, nullptr, nullptr, 0, nullptr, nullptr, 0));
  // Unloaded when the last kernel taken from it goes (compiled_system keeps them).
  std::shared_ptr<const void> owner(library, [](const void* l) {
    CUBIE_CUDA_IGNORE(cudaLibraryUnload(static_cast<cudaLibrary_t>(const_cast<void*>(l))));
  });
  std::vector<gpu_kernel> kernels;
  kernels.reserve(names.size());
  for (const std::string& name : names) {
    cudaKernel_t k = nullptr;
    const cudaError_t e = cudaLibraryGetKernel(&k, library, name.c_str());
    if (e != cudaSuccess) {
      const std::string call = "cudaLibraryGetKernel of '" + name + "'";
      memory::throw_cuda_error(e, call.c_str(), __FILE__, __LINE__);
    }
    kernels.push_back(gpu_kernel{reinterpret_cast<const void*>(k), name, owner});
  }
  return kernels;
}

void launch_kernel(const gpu_kernel& kernel, dim3 grid, dim3 block, memory::stream_view stream, void** params) {
  const cudaError_t e = cudaLaunchKernel(kernel.function, grid, block, params, 0, stream.value());
  if (e != cudaSuccess) {
    const std::string call = "cudaLaunchKernel of '" + kernel.name + "' with " + std::to_string(grid.x) +
                             " blocks of " + std::to_string(block.x) + " threads";
    memory::throw_cuda_error(e, call.c_str(), __FILE__, __LINE__);
  }
}

}  // namespace cubie::cuda
