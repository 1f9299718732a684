// cubie/memory/limiting_resource_adaptor.hpp
// Enforces a byte budget on a resource: an allocation that would take the bytes held past
// the limit throws out_of_memory before it reaches the device. This is what makes mem_proportion binding.
#pragma once
#include <atomic>
#include <cstddef>
#include <cstdint>

#include "cubie/core/error.hpp"  // the exceptions documented below
#include "cubie/memory/device_resource.hpp"
#include "cubie/memory/held_account.hpp"

namespace cubie::memory {

/// @brief Reserves each request against a limit atomically, then calls the upstream resource;
/// when upstream throws, the reservation is rolled back. Counts requested bytes.
///
/// Optionally reports held bytes to a held_account (a memory_manager registration's), so the
/// manager knows what this solver holds. Placed directly above the device allocator (below
/// any caching pool), it counts cached blocks as held, which is what the free-memory
/// arithmetic needs. Borrows its upstream through a device_resource_ref and does not own it:
/// the upstream must outlive the adaptor (declare it before the adaptor, or hold both in one owner).
class limiting_resource_adaptor {
 public:
  /// @brief Wraps `upstream`, which must outlive this adaptor, with a limit of `limit_bytes`,
  /// reporting to `account` if it counts.
  limiting_resource_adaptor(device_resource_ref upstream, std::uint64_t limit_bytes, held_account account = {});

  limiting_resource_adaptor(const limiting_resource_adaptor&) = delete;
  limiting_resource_adaptor& operator=(const limiting_resource_adaptor&) = delete;

  /// @brief Changes the limit (a solver's share moves when other solvers come and go).
  /// Bytes already held above a lowered limit stay held; later allocations fail until they are freed.
  void set_limit(std::uint64_t limit_bytes) noexcept { limit_.store(limit_bytes); }
  /// @brief The limit in bytes.
  [[nodiscard]] std::uint64_t limit() const noexcept { return limit_.load(); }
  /// @brief Bytes allocated through this adaptor and not yet freed.
  [[nodiscard]] std::uint64_t held_bytes() const noexcept { return held_.load(); }
  /// @brief limit() - held_bytes(), or 0 when the limit was lowered below what is held.
  [[nodiscard]] std::uint64_t headroom_bytes() const noexcept {
    const std::uint64_t l = limit(), h = held_bytes();
    return l > h ? l - h : 0;
  }
  /// @brief The wrapped resource.
  [[nodiscard]] device_resource_ref upstream() const noexcept { return upstream_; }

  /// @brief Allocates through upstream if the limit allows.
  /// @throws cubie::out_of_memory when the limit would be passed (message: requested, held,
  /// limit), or when upstream throws it.
  [[nodiscard]] void* allocate(std::size_t bytes, stream_view stream);
  /// @brief Frees through upstream and releases the bytes from the limit.
  void deallocate(void* p, std::size_t bytes, stream_view stream) noexcept;
  /// @brief Synchronous twin of allocate.
  /// @throws cubie::out_of_memory as allocate.
  [[nodiscard]] void* allocate_sync(std::size_t bytes);
  /// @brief Synchronous twin of deallocate.
  void deallocate_sync(void* p, std::size_t bytes) noexcept;

  /// @brief Adaptors carry counters, so only an adaptor equals itself.
  [[nodiscard]] friend bool operator==(const limiting_resource_adaptor& a,
                                       const limiting_resource_adaptor& b) noexcept {
    return &a == &b;
  }

 private:
  void reserve(std::uint64_t bytes);
  void release(std::uint64_t bytes) noexcept;

  device_resource_ref upstream_;
  std::atomic<std::uint64_t> limit_;
  std::atomic<std::uint64_t> held_{0};
  held_account account_;
};

static_assert(device_resource<limiting_resource_adaptor>);

}  // namespace cubie::memory
