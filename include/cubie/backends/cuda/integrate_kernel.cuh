// cubie/backends/cuda/integrate_kernel.cuh
// The CUDA kernel: one run per thread, the same per-run loop as every backend, one
// launch per chunk. Also the template NVRTC instantiates for model files.
#pragma once
#include "../../integrate/integrate_run.hpp"
#include "launch_geometry.hpp"

namespace cubie::cuda {

/// At least one resident block (launch bounds' second argument) for implicit steppers: ptxas
/// then gives each thread every register the block size allows (255). Without it, ptxas
/// 13.0 chose 32 registers for the float64 POLLU Rodas5P kernel, whose stage vectors and LU
/// factors do not fit 255, and moved the rest to a 12.7 KB stack: 47 KB of local traffic per
/// step against 11 KB (bench/gpu/stiff_kernel_report.sh). 0 (no minimum) for explicit
/// steppers: the same code as without the argument, while a 1 would let ptxas take more
/// registers than they need (Lorenz dopri54 float32: 69 against 60) and cost occupancy.
template <class Method, template <class> class Sys, class V>
constexpr int kernel_min_blocks() {
  using Stepper = stepper_for<Method, V, Sys<V>::n_states>;
  return does_implicit_work<typename Stepper::work_type> ? 1 : 0;
}

/// G: the summary accumulator groups compiled in (0: none; integrate/summary_settings.hpp).
/// Kernels with and without summaries are separate instantiations, so a solve without them
/// pays no registers for them.
template <class Method, template <class> class Sys, class V, u32 G = 0>
__global__ void __launch_bounds__(kernel_block_size, (kernel_min_blocks<Method, Sys, V>())) integrate_kernel(const batch_args<V> a) {
  const i64 r = static_cast<i64>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (r >= a.n_runs) return;
  const Sys<V> sys{};
  integrate_run<Method, G>(sys, a, r, true);
}

/// @brief integrate_kernel asking the compiler for at least `MinBlocks` resident blocks per
/// multiprocessor: registers are capped at 65536 / (MinBlocks x kernel_block_size) per thread
/// and what does not fit spills to local memory. For systems too large for registers, to
/// measure whether occupancy bought with local memory pays (bench/gpu: Lorenz-96). Launched
/// like integrate_kernel (same parameters, same block size).
template <class Method, template <class> class Sys, class V, int MinBlocks, u32 G = 0>
__global__ void __launch_bounds__(kernel_block_size, MinBlocks) integrate_kernel_min_blocks(const batch_args<V> a) {
  const i64 r = static_cast<i64>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (r >= a.n_runs) return;
  const Sys<V> sys{};
  integrate_run<Method, G>(sys, a, r, true);
}

}  // namespace cubie::cuda
