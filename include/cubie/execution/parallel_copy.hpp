// cubie/execution/parallel_copy.hpp
// Host memory copies large enough to matter spread over a few threads: one core moves about
// 10 GB/s, so a chunk of results (hundreds of MB) copied on one thread would hold a pipeline
// up while the device and the link wait. Small copies stay on the calling thread.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace cubie {

/// One contiguous copy of a batch.
struct copy_piece {
  void* dst;
  const void* src;
  std::size_t bytes;
};

/// Copies every piece of `pieces` (none overlapping), all of them in one parallel pass: many
/// small arrays of a chunk spread over the threads as one large one would.
void parallel_copy(const std::vector<copy_piece>& pieces);

/// Copies `bytes` from `src` to `dst` (not overlapping).
void parallel_copy(void* dst, const void* src, std::size_t bytes);

/// Copies `rows` rows of `width` bytes, `src_pitch` bytes apart in the source and
/// `dst_pitch` in the destination; the rows are split into pieces so that many short rows
/// spread over the threads as well as a few long ones.
void parallel_copy_rows(void* dst, std::size_t dst_pitch, const void* src, std::size_t src_pitch, std::size_t width,
                        std::int64_t rows);

}  // namespace cubie
