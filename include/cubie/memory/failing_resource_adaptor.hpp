// cubie/memory/failing_resource_adaptor.hpp
// Fault injection: an adaptor whose k-th allocation throws out_of_memory, so the solver's
// shrink-and-retry path is tested on any machine, host memory included.
#pragma once
#include <atomic>
#include <cstdint>
#include <string>
#include <utility>

#include "cubie/core/error.hpp"
#include "cubie/memory/device_resource.hpp"

namespace cubie::memory {

/// @brief Whether the adaptor fails only the k-th allocation or every one from the k-th on.
enum class failure_mode { once, from_then_on };

/// @brief Passes allocations to `Upstream` except the k-th (counting from 1, stream-ordered
/// and synchronous calls alike), which throws cubie::out_of_memory without reaching upstream.
///
/// Holds `Upstream` by value; hold a resource that cannot move through device_resource_ref.
template <device_resource Upstream>
class failing_resource_adaptor {
 public:
  /// @brief Fails allocation number `fail_at` (1 = the first), or every one from it on.
  /// @throws cubie::invalid_argument when `fail_at` is 0.
  failing_resource_adaptor(Upstream upstream, std::uint64_t fail_at, failure_mode mode = failure_mode::once)
      : upstream_(std::move(upstream)) {
    rearm(fail_at, mode);
  }

  failing_resource_adaptor(const failing_resource_adaptor&) = delete;
  failing_resource_adaptor& operator=(const failing_resource_adaptor&) = delete;

  /// @brief Restarts counting at zero with a new failure point.
  /// @throws cubie::invalid_argument when `fail_at` is 0.
  void rearm(std::uint64_t fail_at, failure_mode mode = failure_mode::once) {
    CUBIE_EXPECTS(fail_at >= 1, "failing_resource_adaptor: fail_at = 0 is not allowed; allocations count from 1");
    fail_at_.store(fail_at);
    mode_.store(mode);
    calls_.store(0);
  }

  /// @brief Stops failing; allocations pass through from now on.
  void disarm() noexcept { fail_at_.store(0); }

  /// @brief Allocation calls seen so far (failed ones included).
  [[nodiscard]] std::uint64_t allocation_calls() const noexcept { return calls_.load(); }

  /// @brief Allocation calls that were made to fail.
  [[nodiscard]] std::uint64_t failures() const noexcept { return failures_.load(); }

  /// @brief The wrapped resource.
  [[nodiscard]] Upstream& upstream() noexcept { return upstream_; }

  /// @brief Allocates through upstream unless this call is chosen to fail.
  /// @throws cubie::out_of_memory on the chosen call, or when upstream throws it.
  [[nodiscard]] void* allocate(std::size_t bytes, stream_view stream) {
    check(bytes);
    return upstream_.allocate(bytes, stream);
  }
  /// @brief Returns memory to upstream.
  void deallocate(void* p, std::size_t bytes, stream_view stream) noexcept { upstream_.deallocate(p, bytes, stream); }
  /// @brief Synchronous twin of allocate.
  /// @throws cubie::out_of_memory on the chosen call, or when upstream throws it.
  [[nodiscard]] void* allocate_sync(std::size_t bytes) {
    check(bytes);
    return upstream_.allocate_sync(bytes);
  }
  /// @brief Synchronous twin of deallocate.
  void deallocate_sync(void* p, std::size_t bytes) noexcept { upstream_.deallocate_sync(p, bytes); }

  /// @brief Adaptors carry counters, so only an adaptor equals itself.
  [[nodiscard]] friend bool operator==(const failing_resource_adaptor& a, const failing_resource_adaptor& b) noexcept {
    return &a == &b;
  }

 private:
  void check(std::size_t bytes) {
    const std::uint64_t n = calls_.fetch_add(1) + 1;
    const std::uint64_t k = fail_at_.load();
    if (k == 0) return;
    const bool fail = mode_.load() == failure_mode::once ? n == k : n >= k;
    if (fail) {
      failures_.fetch_add(1);
      throw out_of_memory("cubie: injected allocation failure: allocation " + std::to_string(n) + " of " +
                          std::to_string(bytes) + " bytes (failing_resource_adaptor fails allocation " +
                          std::to_string(k) + (mode_.load() == failure_mode::once ? ")" : " and later)"));
    }
  }

  Upstream upstream_;
  std::atomic<std::uint64_t> fail_at_{0};
  std::atomic<failure_mode> mode_{failure_mode::once};
  std::atomic<std::uint64_t> calls_{0};
  std::atomic<std::uint64_t> failures_{0};
};

static_assert(device_resource<failing_resource_adaptor<device_resource_ref>>);

}  // namespace cubie::memory
