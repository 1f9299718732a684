// cubie/backends/cuda/integrate_kernel.cuh
// The CUDA kernel: one run per thread, the same per-run loop as every backend, one
// launch per chunk. Also the template NVRTC instantiates for model files.
#pragma once
#include "../../integrate/integrate_run.hpp"
#include "../../integrate/shared_factor_slices.hpp"
#include "launch_geometry.hpp"

namespace cubie::cuda {

// The Rosenbrock stepper's shared-memory slices (integrate/shared_factor_slices.hpp) are laid
// out for this block size, or for the smaller block of kernel_block_threads.
static_assert(kernel_block_size == shared_slice_threads, "shared_slice_threads must equal kernel_block_size");

/// Threads per block of the kernel for Method on Sys<V>: kernel_block_size, or fewer where the
/// stepper keeps its factors in shared memory laid out for a smaller block (the ring modulator
/// in float64: 64, so all 67 factor values fit 48 KB; shared_factor_slices.hpp). The kernels
/// declare it in __launch_bounds__; the host launches min(kernel_block_size, the kernel's
/// maxThreadsPerBlock), which is this (launch_block_size in launch_geometry.hpp), for compiled
/// and NVRTC kernels alike.
template <class Method, template <class> class Sys, class V>
constexpr int kernel_block_threads() {
  using Stepper = stepper_for<Method, V, Sys<V>::n_states>;
  if constexpr (requires { Stepper::template shared_factor_threads<Sys<V>>(); }) {
    constexpr int t = Stepper::template shared_factor_threads<Sys<V>>();
    static_assert(t > 0 && t <= kernel_block_size && t % 32 == 0, "a kernel block is whole warps, at most kernel_block_size");
    return t;
  } else {
    return kernel_block_size;
  }
}

/// At least one resident block (launch bounds' second argument) for implicit steppers whose
/// per-run state cannot fit the registers: ptxas then gives each thread every register the
/// block size allows (255) and spills the rest. Without it, ptxas 13.0 chose 32 registers for
/// the float64 POLLU Rodas5P kernel and moved everything else to a 12.7 KB stack: 47 KB of
/// local traffic per step against 11 KB (bench/gpu/stiff_kernel_report.sh, bench/RESULTS.md).
/// 0 (no minimum, the same code as without the argument) elsewhere: a 1 lets ptxas take more
/// registers than a kernel needs (Lorenz dopri54 float32: 69 against 60; Robertson Rodas5P
/// float32: 86 against 77) and costs resident warps.
/// The estimate, in 32-bit registers: the stage vectors plus about six more vectors of N
/// (y, f, the proposal, the error, a stage's point and right side) and the iteration matrix
/// (the sparse LU's entries, or N x N).
template <class Method, template <class> class Sys, class V>
constexpr int implicit_state_registers() {
  using System = Sys<V>;
  constexpr int N = System::n_states;
  using Stepper = stepper_for<Method, V, N>;
  int stages = 1;
  if constexpr (requires { Stepper::stages; }) stages = Stepper::stages;
  int matrix = N * N;
  if constexpr (requires { System::sparse_nnz; }) matrix = System::sparse_nnz;
  return ((stages + 6) * N + matrix) * int(sizeof(V) / 4);
}

/// CUBIE_IMPLICIT_MIN_BLOCKS (a compile definition, e.g. an NVRTC option) sets the minimum for
/// the kernels that take one, for measurements: 0 is the earlier build, 3 and 4 cap registers
/// at 168 and 128 for more resident threads and more local memory
/// (bench/gpu/stiff_f64_session.sh).
#ifndef CUBIE_IMPLICIT_MIN_BLOCKS
#define CUBIE_IMPLICIT_MIN_BLOCKS 1
#endif
/// A stepper may name its own minimum (auto_switch_stepper::kernel_min_blocks).
template <class Method, template <class> class Sys, class V>
constexpr int kernel_min_blocks() {
  using Stepper = stepper_for<Method, V, Sys<V>::n_states>;
  if constexpr (requires { Stepper::template kernel_min_blocks<Sys<V>>(); }) return Stepper::template kernel_min_blocks<Sys<V>>();
  else if constexpr (!does_implicit_work<typename Stepper::work_type>) return 0;
  else return implicit_state_registers<Method, Sys, V>() > 255 ? CUBIE_IMPLICIT_MIN_BLOCKS : 0;
}

/// One thread's run of a kernel: its run index (the grid covers the chunk), then the loop.
template <class Method, template <class> class Sys, class V, u32 G, loop_paths Paths>
__device__ __forceinline__ void integrate_thread(const batch_args<V>& a) {
  i64 r = static_cast<i64>(blockIdx.x) * blockDim.x + threadIdx.x;
  if constexpr (Paths != loop_paths::fixed_count && G == 0 && resumes_runs<stepper_for<Method, V, Sys<V>::n_states>>) {
    // algorithm = "auto", second of two passes: thread i continues the i-th run the first
    // pass handed on (the grid covers the chunk; the count is known on the device only).
    if (a.resume.resume != 0) {
      if (static_cast<unsigned long long>(r) >= *a.resume.handed_count) return;
      r = a.resume.handed_runs[r];
    }
  }
  if (r >= a.n_runs) return;
  const Sys<V> sys{};
  integrate_run<Method, G, Paths>(sys, a, r, true);
}

/// G: the summary accumulator groups compiled in (0: none; integrate/summary_settings.hpp).
/// Kernels with and without summaries are separate instantiations, so a solve without them
/// pays no registers for them.
template <class Method, template <class> class Sys, class V, u32 G = 0>
__global__ void __launch_bounds__((kernel_block_threads<Method, Sys, V>()), (kernel_min_blocks<Method, Sys, V>())) integrate_kernel(const batch_args<V> a) {
  integrate_thread<Method, Sys, V, G, loop_paths::both>(a);
}

/// @brief integrate_kernel holding one of the loop's paths (loop_paths::general or
/// loop_paths::fixed_count), for run-time compiles: the NVRTC model compiler builds each path
/// of a method as a program of its own, on its own thread and with its own cache entry (each
/// path's program compiles in about half the time of the kernel holding both, whose step is
/// inlined three times: once in the general loop and twice in the fixed-count path's spans),
/// and the Solver launches the general kernel or its fixed_count companion (gpu_kernel) by
/// the solve's loop_settings::fixed_count_path. Launched like integrate_kernel.
template <class Method, template <class> class Sys, class V, u32 G, loop_paths Paths>
__global__ void __launch_bounds__((kernel_block_threads<Method, Sys, V>()), (kernel_min_blocks<Method, Sys, V>())) integrate_path_kernel(const batch_args<V> a) {
  static_assert(Paths != loop_paths::both, "integrate_kernel holds both paths");
  integrate_thread<Method, Sys, V, G, Paths>(a);
}

/// @brief integrate_kernel asking the compiler for at least `MinBlocks` resident blocks per
/// multiprocessor: registers are capped at 65536 / (MinBlocks x block threads) per thread
/// and what does not fit spills to local memory. For systems too large for registers, to
/// measure whether occupancy bought with local memory pays (bench/gpu: Lorenz-96). Launched
/// like integrate_kernel (same parameters, same block size).
template <class Method, template <class> class Sys, class V, int MinBlocks, u32 G = 0>
__global__ void __launch_bounds__((kernel_block_threads<Method, Sys, V>()), MinBlocks) integrate_kernel_min_blocks(const batch_args<V> a) {
  const i64 r = static_cast<i64>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (r >= a.n_runs) return;
  const Sys<V> sys{};
  integrate_run<Method, G>(sys, a, r, true);
}

}  // namespace cubie::cuda
