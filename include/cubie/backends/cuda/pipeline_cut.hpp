// cubie/backends/cuda/pipeline_cut.hpp
// What the CUDA pipeline cuts a batch into chunks by: the bytes a run moves over the link,
// the copy commands a chunk costs, and the wave of the kernel every run goes through. Plain
// C++ (CI checks the cut of algorithm = "auto" in two passes against a single method's).
#pragma once
#include <algorithm>
#include <cstdint>

#include "../../execution/prepared_batch.hpp"
#include "../../memory/chunk_plan.hpp"
#include "chunk_pipeline.hpp"

namespace cubie::cuda {

/// @brief Bytes a run moves between host and device: its varying inputs up and every output
/// array down. algorithm = "auto" in two passes keeps each run's continuation record and its
/// place in the list of handed-on runs on the device (chunk_layout), so they are device
/// memory (prepared_batch::bytes_per_run) but not traffic.
template <class V>
[[nodiscard]] std::uint64_t link_bytes_per_run(const prepared_batch<V>& batch) {
  return batch.bytes_per_run() - batch.continuation_bytes_per_run();
}

/// @brief Copy commands a chunk costs: the upload and one 2-D row per output value of a run
/// (cuda_chunk_device::copy_outputs). Two passes add the 8-byte count of handed-on runs.
template <class V>
[[nodiscard]] std::int64_t copies_per_chunk(const prepared_batch<V>& batch) {
  std::int64_t copies = 1;
  for (const output_array& arr : batch.outputs.arrays) copies += arr.values_per_run();
  return copies + (batch.continuation_fields > 0 ? 1 : 0);
}

/// @brief The rest of what the cut needs: runs planned on this device, the resident threads
/// of the kernel every run goes through (auto in two passes: the explicit first pass; the
/// second pass takes only the runs handed on, packed), the user's min_chunks (1: one chunk
/// whenever the batch fits) and max_chunk_runs, and the slots (streams) in flight.
struct cut_settings {
  std::int64_t planned_runs = 0;
  std::int64_t wave = 0;
  std::int64_t min_chunks = 2;
  std::int64_t max_chunk_runs = 0;
  std::int64_t slots = 1;
};

/// @brief The planner's options for `batch`: chunks of whole waves, as many as
/// pipelined_chunks finds worth it for the batch's link traffic and copy commands.
template <class V>
[[nodiscard]] memory::chunk_options pipelining_options(const prepared_batch<V>& batch, const cut_settings& s,
                                                       const pipelining_policy& policy = {}) {
  memory::chunk_options options;
  options.align = 32;
  options.in_flight = std::max<std::int64_t>(s.slots, 1);
  options.wave = s.wave;
  const std::uint64_t traffic = static_cast<std::uint64_t>(std::max<std::int64_t>(s.planned_runs, 0)) * link_bytes_per_run(batch);
  options.min_chunks = s.min_chunks <= 1 ? 1
                                         : pipelined_chunks(traffic, s.planned_runs, s.wave, copies_per_chunk(batch),
                                                            s.min_chunks, policy);
  options.max_chunk_runs = s.max_chunk_runs;
  return options;
}

}  // namespace cubie::cuda
