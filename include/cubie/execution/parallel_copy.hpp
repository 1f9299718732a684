// cubie/execution/parallel_copy.hpp
// Host memory copies large enough to matter spread over a few threads: one core moves about
// 10 GB/s, so a chunk of results (hundreds of MB) copied on one thread would hold a pipeline
// up while the device and the link wait. Small copies stay on the calling thread.
#pragma once
#include <cstddef>
#include <cstdint>

namespace cubie {

/// Copies `bytes` from `src` to `dst` (not overlapping).
void parallel_copy(void* dst, const void* src, std::size_t bytes);

/// Copies `rows` rows of `width` bytes, `src_pitch` bytes apart in the source and
/// `dst_pitch` in the destination; the rows are split into pieces so that many short rows
/// spread over the threads as well as a few long ones.
void parallel_copy_rows(void* dst, std::size_t dst_pitch, const void* src, std::size_t src_pitch, std::size_t width,
                        std::int64_t rows);

}  // namespace cubie
