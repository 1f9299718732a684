// cubie/memory/statistics_resource_adaptor.hpp
// Measures what passes through a resource: current and peak bytes and allocation calls, on a
// stack of counters so one phase (one solve) can be measured apart from what came before.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "cubie/core/error.hpp"  // the exceptions documented below
#include "cubie/memory/device_resource.hpp"

namespace cubie::memory {

/// @brief One measured quantity: its value now, its highest value and the sum of all increases.
struct statistics_counter {
  std::int64_t value = 0;  ///< Now. Negative inside a phase that frees memory allocated before it.
  std::int64_t peak = 0;   ///< Highest value seen.
  std::int64_t total = 0;  ///< Sum of all increases (bytes ever allocated, allocation calls).

  void add(std::int64_t x) noexcept {
    value += x;
    total += x;
    peak = std::max(peak, value);
  }
  void subtract(std::int64_t x) noexcept { value -= x; }
};

/// @brief The bytes and allocation counters of one phase.
struct resource_statistics {
  statistics_counter bytes;        ///< Bytes allocated.
  statistics_counter allocations;  ///< Outstanding allocations (value) and allocation calls (total).
};

/// @brief Counts bytes and allocations passing to an upstream resource.
///
/// push_counters() starts a fresh phase; pop_counters() ends it, returns its counters and
/// folds them into the enclosing phase (so the enclosing peak accounts for the inner one).
/// Borrows its upstream through a device_resource_ref and does not own it: the upstream must
/// outlive the adaptor (declare it before the adaptor, or hold both in one owner).
class statistics_resource_adaptor {
 public:
  /// @brief Wraps `upstream`, which must outlive this adaptor, starting with one (outermost) phase.
  explicit statistics_resource_adaptor(device_resource_ref upstream);

  statistics_resource_adaptor(const statistics_resource_adaptor&) = delete;
  statistics_resource_adaptor& operator=(const statistics_resource_adaptor&) = delete;

  /// @brief The counters of the innermost phase.
  [[nodiscard]] resource_statistics counters() const;
  /// @brief Bytes allocated and not yet freed in the innermost phase.
  [[nodiscard]] std::int64_t current_bytes() const { return counters().bytes.value; }
  /// @brief Highest current_bytes() of the innermost phase.
  [[nodiscard]] std::int64_t peak_bytes() const { return counters().bytes.peak; }
  /// @brief Allocation calls that succeeded in the innermost phase.
  [[nodiscard]] std::int64_t allocation_calls() const { return counters().allocations.total; }

  /// @brief Starts a new phase with zeroed counters; returns the counters of the phase it suspends.
  resource_statistics push_counters();
  /// @brief Ends the innermost phase, folds it into the enclosing one and returns its counters.
  /// @throws cubie::invalid_argument when no push_counters() is open.
  resource_statistics pop_counters();

  /// @brief The wrapped resource.
  [[nodiscard]] device_resource_ref upstream() const noexcept { return upstream_; }

  /// @brief Allocates through upstream and counts the bytes once it succeeded.
  /// @throws whatever upstream throws (cubie::out_of_memory on exhaustion).
  [[nodiscard]] void* allocate(std::size_t bytes, stream_view stream);
  /// @brief Frees through upstream and uncounts the bytes.
  void deallocate(void* p, std::size_t bytes, stream_view stream) noexcept;
  /// @brief Synchronous twin of allocate.
  /// @throws whatever upstream throws (cubie::out_of_memory on exhaustion).
  [[nodiscard]] void* allocate_sync(std::size_t bytes);
  /// @brief Synchronous twin of deallocate.
  void deallocate_sync(void* p, std::size_t bytes) noexcept;

  /// @brief Adaptors carry counters, so only an adaptor equals itself.
  [[nodiscard]] friend bool operator==(const statistics_resource_adaptor& a,
                                       const statistics_resource_adaptor& b) noexcept {
    return &a == &b;
  }

 private:
  void record_allocation(std::size_t bytes);
  void record_deallocation(void* p, std::size_t bytes) noexcept;

  device_resource_ref upstream_;
  mutable std::mutex mutex_;
  std::vector<resource_statistics> stack_;
};

static_assert(device_resource<statistics_resource_adaptor>);

}  // namespace cubie::memory
