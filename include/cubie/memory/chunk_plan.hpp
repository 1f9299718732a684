// cubie/memory/chunk_plan.hpp
// Chunk planning: how many runs of a batch fit the memory available at once, and the cut of
// the run axis into chunks. Pure functions with no CUDA dependency, shared by both backends.
#pragma once
#include <cstdint>
#include <vector>

namespace cubie::memory {

/// @brief What a batch needs: bytes per run (inputs, outputs, status, counters) plus fixed
/// bytes paid once whatever the chunk size (e.g. the local memory the driver reserves for
/// resident threads, constant tables).
struct memory_estimate {
  std::uint64_t bytes_per_run = 0;
  std::uint64_t fixed_bytes = 0;
};

/// @brief Runs [begin, end) of the batch.
struct chunk_range {
  std::int64_t begin = 0;
  std::int64_t end = 0;
  [[nodiscard]] std::int64_t size() const noexcept { return end - begin; }
  [[nodiscard]] friend bool operator==(const chunk_range&, const chunk_range&) = default;
};

/// @brief How to cut.
struct chunk_options {
  /// Chunk sizes are a multiple of this (the warp size) unless the whole batch is one chunk
  /// or not even one aligned unit fits.
  std::int64_t align = 32;
  /// Cut a batch that fits into at least this many chunks so transfers of one overlap the
  /// compute of the next; honoured when n_runs >= min_chunks x align (smaller batches gain nothing).
  std::int64_t min_chunks = 1;
  /// Upper bound on runs per chunk; 0 = none. Lets callers (and tests) force chunking.
  std::int64_t max_chunk_runs = 0;
  /// Chunks whose buffers are alive at once (pipelining over k streams keeps k sets); the
  /// per-run bytes of all of them must fit together. Lowered automatically when fewer fit.
  std::int64_t in_flight = 1;
  /// Runs the device holds resident at once (a "wave": blocks per multiprocessor x
  /// multiprocessors x block size); 0 = unknown. When the batch is cut, chunk sizes are a
  /// whole number of waves where possible, so that no chunk but the last (the ragged rest)
  /// ends in a partly filled wave: under a pipelining cut, the multiple nearest to the cut
  /// size (one wave at least) when that still gives min_chunks chunks, else the one below;
  /// under max_chunk_runs or the budget, the one below. A size under one wave that is not
  /// rounded up keeps the `align` rule. The wave is rounded up to a multiple of `align`
  /// first. A batch kept whole is never rounded.
  std::int64_t wave = 0;
};

/// @brief The cut of [0, n_runs) (or of [from, n_runs) after a shrink) into chunks, in order,
/// all of chunk_runs runs except possibly a smaller last one.
struct chunk_plan {
  std::int64_t n_runs = 0;
  std::int64_t chunk_runs = 0;
  std::vector<chunk_range> chunks;
  /// fixed_bytes + chunk_runs x bytes_per_run: the most one chunk needs.
  std::uint64_t bytes_per_chunk = 0;
  /// Chunk buffer sets alive at once that the budget allows (<= options.in_flight).
  std::int64_t in_flight = 1;
  /// fixed_bytes + in_flight x chunk_runs x bytes_per_run: the plan's peak.
  std::uint64_t peak_bytes = 0;

  [[nodiscard]] std::size_t size() const noexcept { return chunks.size(); }
};

/// @brief Plans the chunks of a batch of `n_runs` runs within `available_bytes`.
/// @throws cubie::invalid_argument when n_runs <= 0 or an option is out of range.
/// @throws cubie::out_of_memory when even one run does not fit; the message gives the bytes
/// one run needs (fixed + per run) and the bytes available.
[[nodiscard]] chunk_plan plan_chunks(std::int64_t n_runs, const memory_estimate& estimate,
                                     std::uint64_t available_bytes, const chunk_options& options = {});

/// @brief Replans after an allocation for a chunk of `failed_chunk_runs` runs failed: the
/// runs [from, n_runs) are cut into chunks of half that size (rounded down to a multiple of
/// options.wave when at least one wave remains, else of options.align when at least one
/// aligned unit remains). Chunks before `from` are kept.
/// options.min_chunks and max_chunk_runs are not consulted: the failure set the size.
/// @throws cubie::invalid_argument when from is outside [0, n_runs) or failed_chunk_runs < 1.
/// @throws cubie::out_of_memory when failed_chunk_runs is 1: there is nothing left to halve.
[[nodiscard]] chunk_plan shrink_plan(std::int64_t n_runs, std::int64_t from, std::int64_t failed_chunk_runs,
                                     const memory_estimate& estimate, const chunk_options& options = {});

}  // namespace cubie::memory
