// cubie/backends/cuda/launch_geometry.hpp
// The launch shape every cubie kernel is built for: one run per thread in blocks of a fixed
// size. No CUDA headers, so NVRTC-compiled kernels and host code agree on one constant.
#pragma once
#include "../../core/types.hpp"

namespace cubie::cuda {

/// @brief Threads per block: the kernels declare it in __launch_bounds__, the launcher uses
/// it and occupancy is read for it. 128 keeps blocks small enough that the last, partial
/// wave of a chunk wastes little, and large enough for the block scheduler.
inline constexpr int kernel_block_size = 128;

/// @brief Blocks needed for `runs` runs, one per thread, in blocks of `block` threads.
[[nodiscard]] constexpr i64 grid_blocks(i64 runs, i64 block = kernel_block_size) noexcept {
  return (runs + block - 1) / block;
}

/// @brief Threads per block to launch a kernel with, from its maxThreadsPerBlock attribute
/// (which reflects its __launch_bounds__): kernel_block_size, or the smaller block a kernel
/// was built for (integrate_kernel.cuh's kernel_block_threads; the same for NVRTC kernels,
/// whose method and system the host knows only at run time).
[[nodiscard]] constexpr int launch_block_size(int max_threads_per_block) noexcept {
  return max_threads_per_block > 0 && max_threads_per_block < kernel_block_size ? max_threads_per_block
                                                                               : kernel_block_size;
}

}  // namespace cubie::cuda
