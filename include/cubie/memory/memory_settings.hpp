// cubie/memory/memory_settings.hpp
// The memory settings a user gives a Solver (and, later, a model file): allocator, VRAM
// share, stream group, host staging bounds and chunking controls, with their validation.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cubie/memory/allocator_kind.hpp"

namespace cubie::memory {

/// @brief A Solver's memory settings. Plain data; validate() checks them all at once.
struct memory_settings {
  /// "default", "pool" or "async" (aliases "cupy", "cupy_async"); see allocator_kind.
  std::string allocator = "default";
  /// Share of the device's total memory in (0, 1]; unset = an even share of what solvers
  /// with a proportion leave.
  std::optional<double> mem_proportion;
  /// Solvers in one named group share its CUDA streams.
  std::string stream_group = "default";
  /// CUDA devices a Solver's solves are spread over: empty = every visible device ("all",
  /// the default; CUDA_VISIBLE_DEVICES decides what is visible), else these device numbers,
  /// each once. Each device gets its own budget (mem_proportion of its memory), allocator and
  /// streams; chunks go to whichever device is free. One device: a one-device solve.
  std::vector<int> devices;
  /// Bound of the pinned host pool (result storage and staging) kept for reuse across solves;
  /// 0 caches nothing (every block is pinned afresh and freed on return).
  std::uint64_t pinned_pool_bytes = std::uint64_t{4} << 30;
  /// Result storage of GPU solves: pageable (the default: huge-page backed; downloads land in a
  /// bounded pinned staging ring and a writer thread copies them over, touching the fresh
  /// pages off the GPU's critical path) or pinned (from the pinned pool: downloads land in it
  /// by DMA, the fastest for solve_into reusing one large result, but a first solve pays for
  /// pinning it: 2.0 s for 5.1 GB on the H200's host against 0.1 s to touch fresh pages).
  bool pinned_results = false;
  /// Downloads into pageable storage through the staging ring (true) or straight, the
  /// driver bouncing them through its own pinned buffers while the host waits (false).
  bool staging_ring = true;
  /// How GPU solves move host copies: "pinned", "pageable" or "first_pageable" (see
  /// host_staging_policy.hpp); "" = the environment's CUBIE_HOST_STAGING, else first_pageable.
  std::string host_staging;
  /// Cut a batch that fits into at least this many chunks so transfers overlap compute.
  std::int64_t min_chunks = 2;
  /// Most runs per chunk; 0 = no cap. Forces chunking (tests, experiments).
  std::int64_t max_chunk_runs = 0;
  /// Host memory budget of the CPU backend, planned like device memory; 0 = no cap.
  std::uint64_t host_budget_bytes = 0;

  /// @brief Checks every field.
  /// @throws cubie::invalid_argument naming the field, the value and what is allowed.
  void validate() const;

  /// @brief "all", or the device numbers as "[0, 1]".
  [[nodiscard]] std::string devices_text() const;

  /// @brief The parsed allocator.
  /// @throws cubie::invalid_argument when `allocator` is not a valid name.
  [[nodiscard]] allocator_kind allocator_kind_value() const { return parse_allocator_kind(allocator); }
};

}  // namespace cubie::memory
