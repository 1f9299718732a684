// cubie/execution/parallel_copy.hpp
// Host memory copies large enough to matter spread over a few threads: one core moves about
// 10 GB/s, so a chunk of results (hundreds of MB) copied on one thread would hold a pipeline
// up while the device and the link wait. Small copies stay on the calling thread.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
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

/// Calls body(k) for every k in [0, n_blocks) on the copy threads and the caller; returns
/// when all are done (rethrows the first exception). For host work bound by page faults
/// (filling or touching fresh memory), which scales with threads: one thread faults fresh
/// pages in at about 2.5 GB/s, 16 at 25 (4 KiB pages) to 52 GB/s (huge pages) on the H200's host.
void parallel_blocks(std::int64_t n_blocks, const std::function<void(std::int64_t)>& body);

/// Writes a zero byte in every 4 KiB page of fresh memory [p, p + bytes) in parallel, so the
/// pages are faulted in (zeroed by the kernel) by many threads rather than later by one.
/// Only for fresh memory: memory holding data has those bytes zeroed. Neither this nor
/// parallel_blocks may be called from inside a parallel_blocks body (one caller at a time).
void parallel_touch(void* p, std::size_t bytes);

/// Starts the copy threads now if they are not running yet (they start at their first use
/// otherwise): a GPU executor calls it when it is made, so a first solve does not pay for
/// creating 16 threads while its inputs wait to be converted.
void start_copy_threads();

/// Faults the pages of [p, p + bytes) in for writing on the copy threads, leaving their
/// contents alone (MADV_POPULATE_WRITE, Linux 5.14; pages already present cost a page-table
/// walk): for a result a GPU download will write through the driver's own staging, which
/// would otherwise fault each fresh page in on one thread. Returns false when the kernel
/// does not support it (nothing was done; later writes fault the pages in as usual).
bool parallel_populate(void* p, std::size_t bytes);

}  // namespace cubie
