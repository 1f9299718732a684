// cubie/execution/solve_statistics.hpp
// What one solve cost: chunks, bytes moved, device memory and per-phase times. Part of
// every SolveResult so a user sees why a solve took what it took.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace cubie {

struct solve_statistics {
  std::string backend;                     ///< "cpu" or "cuda"
  std::string device;                      ///< the CPU or GPU's name
  std::int64_t chunks = 0;
  std::vector<std::int64_t> chunk_runs;    ///< runs in each chunk, in order
  int streams = 0;                         ///< CUDA streams the chunks were spread over
  std::uint64_t bytes_to_device = 0;
  std::uint64_t bytes_to_host = 0;
  std::uint64_t peak_device_bytes = 0;     ///< this solve's high-water mark
  std::uint64_t current_device_bytes = 0;  ///< still held after the solve (pool/async keep memory)
  std::uint64_t device_allocations = 0;    ///< allocation calls made by this solve
  std::uint64_t budget_bytes = 0;          ///< what the planner was allowed to use
  std::int64_t allocation_retries = 0;     ///< chunks shrunk after an allocation failed
  std::uint64_t staging_peak_bytes = 0;    ///< most bytes the staging ring's slots held (0: no ring)
  // The CUDA kernel's resources (0 on the CPU): registers and local memory (stack and
  // spills) per thread, and resident blocks per multiprocessor at the launch block size.
  int kernel_registers = 0;
  std::uint64_t kernel_local_bytes = 0;
  int kernel_blocks_per_sm = 0;
  double staging_wait_ms = 0;              ///< time the backend waited for a free ring slot
  // Milliseconds. Device phases are summed over chunks from CUDA events; wall is the
  // host clock around the whole solve.
  double h2d_ms = 0, kernel_ms = 0, d2h_ms = 0, wall_ms = 0, setup_ms = 0;
};

}  // namespace cubie
