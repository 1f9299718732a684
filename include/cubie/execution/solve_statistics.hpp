// cubie/execution/solve_statistics.hpp
// What one solve cost: chunks, bytes moved, device memory and per-phase times. Part of
// every SolveResult so a user sees why a solve took what it took.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace cubie {

/// What one device of a multi-device solve did (solve_statistics::devices).
struct device_statistics {
  int device = -1;                       ///< the device's id (CUDA device number)
  std::string name;                      ///< e.g. "NVIDIA H200"
  std::int64_t runs = 0;                 ///< runs it integrated and committed
  std::int64_t chunks = 0;
  std::vector<std::int64_t> chunk_runs;  ///< its chunks' sizes, in the order it committed them
  std::uint64_t bytes_to_device = 0;
  std::uint64_t bytes_to_host = 0;
  std::uint64_t peak_device_bytes = 0;
  std::uint64_t budget_bytes = 0;        ///< its memory budget (mem_proportion of its memory)
  std::int64_t allocation_retries = 0;   ///< its chunks shrunk after an allocation failed
  double h2d_ms = 0, kernel_ms = 0, d2h_ms = 0;
  double busy_ms = 0;                    ///< host time from its first chunk to its last (or its failure)
  /// Why it stopped before the solve ended ("" when it did not): its unfinished chunks went
  /// back to the other devices (runs_handed_back of them).
  std::string failure;
  std::int64_t runs_handed_back = 0;
  bool lost = false;                     ///< its context is lost: later solves leave it out
};

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
  /// algorithm = "auto" in two passes: the fields above are the second pass's kernel (the
  /// auto_switch stepper); these are the first pass's (the explicit method and the entry test,
  /// the kernel a sweep that never turns stiff runs alone). 0 otherwise.
  int first_pass_registers = 0;
  int first_pass_blocks_per_sm = 0;
  double staging_wait_ms = 0;              ///< time the backend waited for a free ring slot
  /// algorithm = "auto": 2 when it ran in two passes (an explicit kernel, then the runs whose
  /// stiffness test fired: integrate/continuation.hpp), 1 in one kernel; 0 for other methods.
  int auto_passes = 0;
  std::int64_t second_pass_runs = 0;       ///< two passes: the runs handed to the second
  // Milliseconds. Device phases are summed over chunks from CUDA events; wall is the
  // host clock around the whole solve.
  double h2d_ms = 0, kernel_ms = 0, d2h_ms = 0, wall_ms = 0, setup_ms = 0;
  /// A solve shared by several devices (memory_settings::devices): one entry per device, in
  /// device order; the fields above are their sums (peak_device_bytes and budget_bytes
  /// summed over devices, chunk_runs in commit order). Empty when one device solved.
  std::vector<device_statistics> devices;
};

}  // namespace cubie
