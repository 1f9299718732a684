// cubie/memory/host_staging_policy.hpp
// How a GPU solve moves its inputs and results through host memory: pinned staging (fast
// copies, but fresh pinned memory costs page faults and registration in a first solve) or the
// pageable memory itself (the driver stages the copies; nothing to pin). Plain C++: no CUDA.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace cubie::memory {

/// @brief Where a GPU solve's host copies go through.
enum class host_staging {
  /// Pinned blocks from the shared pool: a staging block per slot for the inputs, the staging
  /// ring's slots for pageable results (the behaviour before this policy existed).
  pinned,
  /// Every solve copies straight from the prepared inputs and into a pageable result (the
  /// driver stages both); the result's fresh pages are faulted in on the copy threads first.
  pageable,
  /// pageable for an executor's first solve when its host traffic (inputs and results) is at
  /// most `pageable_up_to` bytes (the solve whose pinning is fresh memory), pinned afterwards.
  first_pageable,
};

/// @brief The policy and its size bound.
struct host_staging_policy {
  host_staging mode = host_staging::first_pageable;
  std::uint64_t pageable_up_to = std::uint64_t{256} << 20;
  /// Fault a pageable result's pages in on the copy threads before downloads go straight into
  /// it (CUBIE_POPULATE_RESULTS=0 turns it off, to measure what it saves).
  bool populate_results = true;
};

/// @brief "pinned", "pageable" or "first_pageable".
[[nodiscard]] std::string host_staging_name(host_staging s);

/// @brief The policy from the values of CUBIE_HOST_STAGING (`mode`: pinned, pageable,
/// first_pageable) and CUBIE_PAGEABLE_UP_TO (`up_to`: bytes, with an optional K/M/G suffix of
/// powers of 1024) and CUBIE_POPULATE_RESULTS (`populate`: 0 or 1); null or empty values keep
/// the defaults (first_pageable, 256M, 1).
/// @throws cubie::invalid_argument naming the variable, the value and what is allowed.
[[nodiscard]] host_staging_policy parse_host_staging_policy(const char* mode, const char* up_to,
                                                            const char* populate = nullptr);

/// @brief The process's policy: parse_host_staging_policy of the environment, read once.
/// @throws as parse_host_staging_policy.
[[nodiscard]] const host_staging_policy& default_host_staging_policy();

/// @brief Whether a solve moves its copies through pageable memory.
/// @param first_solve the executor has not yet finished a solve with pinned staging
/// @param traffic_bytes the solve's inputs plus results on the host
[[nodiscard]] bool stage_through_pageable(const host_staging_policy& p, bool first_solve,
                                          std::uint64_t traffic_bytes) noexcept;

/// @brief Bytes from which fresh pinned blocks are made by registering huge-page memory
/// faulted in on the copy threads instead of cudaHostAlloc: `value` of CUBIE_REGISTER_FROM
/// (bytes, optional K/M/G suffix), default 256 KiB. cudaHostAlloc faults every page in on
/// the calling thread (3.3 GB/s on the H200's host) while the copy threads fault 26-45 GB/s:
/// a chunk's input staging (about 1.3 MB for B1) pays 0.4 ms the first way.
/// @throws cubie::invalid_argument naming the variable, the value and what is allowed.
[[nodiscard]] std::size_t parse_register_from(const char* value);

}  // namespace cubie::memory
