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

/// @brief Blocks needed for `runs` runs, one per thread.
[[nodiscard]] constexpr i64 grid_blocks(i64 runs) noexcept {
  return (runs + kernel_block_size - 1) / kernel_block_size;
}

}  // namespace cubie::cuda
