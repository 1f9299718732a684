// cubie/backends/cuda/integrate_kernel.cuh
// The CUDA kernel: one run per thread, the same per-run loop as every backend, one
// launch per chunk. Also the template NVRTC instantiates for model files.
#pragma once
#include "../../integrate/integrate_run.hpp"
#include "launch_geometry.hpp"

namespace cubie::cuda {

template <class Method, template <class> class Sys, class V>
__global__ void __launch_bounds__(kernel_block_size) integrate_kernel(const batch_args<V> a) {
  const i64 r = static_cast<i64>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (r >= a.n_runs) return;
  const Sys<V> sys{};
  integrate_run<Method>(sys, a, r, true);
}

}  // namespace cubie::cuda
