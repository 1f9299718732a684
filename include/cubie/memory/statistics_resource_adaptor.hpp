// cubie/memory/statistics_resource_adaptor.hpp
// Measures what passes through a resource: current and peak bytes and allocation calls, on a
// stack of counters so one phase (one solve) can be measured apart from what came before.
#pragma once
#include <algorithm>
#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

#include "cubie/core/error.hpp"
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

/// @brief Counts bytes and allocations passing to `Upstream`.
///
/// push_counters() starts a fresh phase; pop_counters() ends it, returns its counters and
/// folds them into the enclosing phase (so the enclosing peak accounts for the inner one).
/// Holds `Upstream` by value; hold a resource that cannot move through device_resource_ref.
template <device_resource Upstream>
class statistics_resource_adaptor {
 public:
  /// @brief Wraps `upstream`, starting with one (outermost) phase.
  explicit statistics_resource_adaptor(Upstream upstream) : upstream_(std::move(upstream)), stack_(1) {}

  statistics_resource_adaptor(const statistics_resource_adaptor&) = delete;
  statistics_resource_adaptor& operator=(const statistics_resource_adaptor&) = delete;

  /// @brief The counters of the innermost phase.
  [[nodiscard]] resource_statistics counters() const {
    std::lock_guard lock(mutex_);
    return stack_.back();
  }
  /// @brief Bytes allocated and not yet freed in the innermost phase.
  [[nodiscard]] std::int64_t current_bytes() const { return counters().bytes.value; }
  /// @brief Highest current_bytes() of the innermost phase.
  [[nodiscard]] std::int64_t peak_bytes() const { return counters().bytes.peak; }
  /// @brief Allocation calls that succeeded in the innermost phase.
  [[nodiscard]] std::int64_t allocation_calls() const { return counters().allocations.total; }

  /// @brief Starts a new phase with zeroed counters; returns the counters of the phase it suspends.
  resource_statistics push_counters() {
    std::lock_guard lock(mutex_);
    const resource_statistics suspended = stack_.back();
    stack_.emplace_back();
    return suspended;
  }

  /// @brief Ends the innermost phase, folds it into the enclosing one and returns its counters.
  /// @throws cubie::invalid_argument when no push_counters() is open.
  resource_statistics pop_counters() {
    std::lock_guard lock(mutex_);
    CUBIE_EXPECTS(stack_.size() > 1, "statistics_resource_adaptor: pop_counters() without a matching push_counters()");
    const resource_statistics inner = stack_.back();
    stack_.pop_back();
    fold(stack_.back().bytes, inner.bytes);
    fold(stack_.back().allocations, inner.allocations);
    return inner;
  }

  /// @brief The wrapped resource.
  [[nodiscard]] Upstream& upstream() noexcept { return upstream_; }

  /// @brief Allocates through upstream and counts the bytes once it succeeded.
  /// @throws whatever upstream throws (cubie::out_of_memory on exhaustion).
  [[nodiscard]] void* allocate(std::size_t bytes, stream_view stream) {
    void* p = upstream_.allocate(bytes, stream);
    record_allocation(bytes);
    return p;
  }
  /// @brief Frees through upstream and uncounts the bytes.
  void deallocate(void* p, std::size_t bytes, stream_view stream) noexcept {
    upstream_.deallocate(p, bytes, stream);
    record_deallocation(p, bytes);
  }
  /// @brief Synchronous twin of allocate.
  /// @throws whatever upstream throws (cubie::out_of_memory on exhaustion).
  [[nodiscard]] void* allocate_sync(std::size_t bytes) {
    void* p = upstream_.allocate_sync(bytes);
    record_allocation(bytes);
    return p;
  }
  /// @brief Synchronous twin of deallocate.
  void deallocate_sync(void* p, std::size_t bytes) noexcept {
    upstream_.deallocate_sync(p, bytes);
    record_deallocation(p, bytes);
  }

  /// @brief Adaptors carry counters, so only an adaptor equals itself.
  [[nodiscard]] friend bool operator==(const statistics_resource_adaptor& a,
                                       const statistics_resource_adaptor& b) noexcept {
    return &a == &b;
  }

 private:
  static void fold(statistics_counter& outer, const statistics_counter& inner) noexcept {
    outer.peak = std::max(outer.peak, outer.value + inner.peak);
    outer.value += inner.value;
    outer.total += inner.total;
  }
  // Zero-byte requests return nullptr and are not allocations; counting them would leave
  // the outstanding-allocation count unbalanced.
  void record_allocation(std::size_t bytes) {
    if (bytes == 0) return;
    std::lock_guard lock(mutex_);
    stack_.back().bytes.add(static_cast<std::int64_t>(bytes));
    stack_.back().allocations.add(1);
  }
  void record_deallocation(void* p, std::size_t bytes) noexcept {
    if (p == nullptr || bytes == 0) return;
    std::lock_guard lock(mutex_);
    stack_.back().bytes.subtract(static_cast<std::int64_t>(bytes));
    stack_.back().allocations.subtract(1);
  }

  Upstream upstream_;
  mutable std::mutex mutex_;
  std::vector<resource_statistics> stack_;
};

static_assert(device_resource<statistics_resource_adaptor<device_resource_ref>>);

}  // namespace cubie::memory
