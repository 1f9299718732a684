// cubie/memory/device_memory_stack.hpp
// The allocation stack one Solver uses on one GPU, assembled from its settings: the chosen
// allocator under a budget (limiting) and two measurements (statistics). Declared in every build.
#pragma once
#include <cstdint>
#include <memory>

#include "cubie/memory/allocator_kind.hpp"
#include "cubie/memory/device_resource.hpp"
#include "cubie/memory/held_account.hpp"
#include "cubie/memory/statistics_resource_adaptor.hpp"

namespace cubie::memory {

/// @brief allocator + budget + statistics for one solver on one CUDA device.
///
/// Layers, bottom up:
/// - default: cudaMalloc -> device statistics -> limiting -> statistics
/// - pool:    cudaMalloc -> device statistics -> limiting -> caching pool -> statistics
/// - async:   dedicated CUDA memory pool -> device statistics -> limiting -> statistics
/// The limiting adaptor sits below the pool, so cached blocks count against the budget and
/// as held by the solver (reported to `account`); for async, memory the CUDA pool keeps
/// reserved beyond what is in use is reported by cached_bytes(). statistics() measures what
/// the solver asked for; device_statistics() what reached the device allocator (with a pool,
/// steady-state solves add no calls there).
class device_memory_stack {
 public:
  /// @brief Builds the stack for `kind` on CUDA device `device` with a budget of
  /// `limit_bytes`, reporting held bytes to `account` (a memory_manager registration's).
  /// For async, `limit_bytes` is also the CUDA pool's release threshold.
  /// @throws cubie::device_error when there is no usable CUDA device (or CUDA is not built
  /// in); cubie::invalid_argument when device < 0.
  device_memory_stack(allocator_kind kind, int device, std::uint64_t limit_bytes, held_account account = {});
  device_memory_stack(device_memory_stack&&) noexcept;
  device_memory_stack& operator=(device_memory_stack&&) noexcept;
  ~device_memory_stack();

  [[nodiscard]] allocator_kind kind() const noexcept;
  [[nodiscard]] int device() const noexcept;

  /// @brief The top of the stack: what the solver allocates from.
  [[nodiscard]] device_resource_ref resource() noexcept;
  /// @brief Requests made by the solver (push/pop around a solve to measure it).
  [[nodiscard]] statistics_resource_adaptor& statistics() noexcept;
  /// @brief Requests that reached the device allocator (cudaMalloc or the CUDA pool).
  [[nodiscard]] statistics_resource_adaptor& device_statistics() noexcept;

  /// @brief Changes the budget (and, for async, the release threshold).
  /// @throws cubie::device_error when the release threshold cannot be set.
  void set_limit(std::uint64_t limit_bytes);
  /// @brief The budget in bytes.
  [[nodiscard]] std::uint64_t limit() const noexcept;
  /// @brief Bytes counted against the budget now (for pool: handed out plus cached).
  [[nodiscard]] std::uint64_t held_bytes() const noexcept;
  /// @brief Device memory kept reserved for reuse outside held_bytes(): for async, the CUDA
  /// pool's reserved minus used bytes; 0 otherwise. Pass to memory_manager::available_bytes.
  /// @throws cubie::device_error when the pool cannot be queried.
  [[nodiscard]] std::uint64_t cached_bytes() const;
  /// @brief Gives cached memory back to the device (pool: release(); async: trim to 0 after
  /// synchronising the device). Outstanding allocations are untouched.
  /// @throws cubie::device_error on CUDA errors.
  void release();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace cubie::memory
