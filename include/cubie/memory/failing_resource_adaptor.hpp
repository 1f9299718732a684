// cubie/memory/failing_resource_adaptor.hpp
// Fault injection: an adaptor whose k-th allocation throws out_of_memory, so the solver's
// shrink-and-retry path is tested on any machine, host memory included.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "cubie/core/error.hpp"  // the exceptions documented below
#include "cubie/memory/device_resource.hpp"

namespace cubie::memory {

/// @brief Whether the adaptor fails only the k-th allocation or every one from the k-th on.
enum class failure_mode { once, from_then_on };

/// @brief Passes allocations to an upstream resource except the k-th (counting from 1,
/// stream-ordered and synchronous calls alike), which throws cubie::out_of_memory without
/// reaching upstream.
///
/// Borrows its upstream through a device_resource_ref and does not own it: the upstream must
/// outlive the adaptor (declare it before the adaptor, or hold both in one owner).
class failing_resource_adaptor {
 public:
  /// @brief Wraps `upstream`, which must outlive this adaptor, and fails allocation number
  /// `fail_at` (1 = the first), or every one from it on.
  /// @throws cubie::invalid_argument when `fail_at` is 0.
  failing_resource_adaptor(device_resource_ref upstream, std::uint64_t fail_at, failure_mode mode = failure_mode::once);

  failing_resource_adaptor(const failing_resource_adaptor&) = delete;
  failing_resource_adaptor& operator=(const failing_resource_adaptor&) = delete;

  /// @brief Restarts counting at zero with a new failure point.
  /// @throws cubie::invalid_argument when `fail_at` is 0.
  void rearm(std::uint64_t fail_at, failure_mode mode = failure_mode::once);

  /// @brief Stops failing; allocations pass through from now on.
  void disarm() noexcept { fail_at_.store(0); }

  /// @brief Allocation calls seen so far (failed ones included).
  [[nodiscard]] std::uint64_t allocation_calls() const noexcept { return calls_.load(); }

  /// @brief Allocation calls that were made to fail.
  [[nodiscard]] std::uint64_t failures() const noexcept { return failures_.load(); }

  /// @brief The wrapped resource.
  [[nodiscard]] device_resource_ref upstream() const noexcept { return upstream_; }

  /// @brief Allocates through upstream unless this call is chosen to fail.
  /// @throws cubie::out_of_memory on the chosen call, or when upstream throws it.
  [[nodiscard]] void* allocate(std::size_t bytes, stream_view stream);
  /// @brief Returns memory to upstream.
  void deallocate(void* p, std::size_t bytes, stream_view stream) noexcept;
  /// @brief Synchronous twin of allocate.
  /// @throws cubie::out_of_memory on the chosen call, or when upstream throws it.
  [[nodiscard]] void* allocate_sync(std::size_t bytes);
  /// @brief Synchronous twin of deallocate.
  void deallocate_sync(void* p, std::size_t bytes) noexcept;

  /// @brief Adaptors carry counters, so only an adaptor equals itself.
  [[nodiscard]] friend bool operator==(const failing_resource_adaptor& a, const failing_resource_adaptor& b) noexcept {
    return &a == &b;
  }

 private:
  void check(std::size_t bytes);

  device_resource_ref upstream_;
  std::atomic<std::uint64_t> fail_at_{0};
  std::atomic<failure_mode> mode_{failure_mode::once};
  std::atomic<std::uint64_t> calls_{0};
  std::atomic<std::uint64_t> failures_{0};
};

static_assert(device_resource<failing_resource_adaptor>);

}  // namespace cubie::memory
