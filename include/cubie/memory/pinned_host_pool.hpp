// cubie/memory/pinned_host_pool.hpp
// A bounded cache of pinned host blocks reused across solves for result storage and staging:
// fresh host memory costs page faults and pinning, more than the transfer itself. CUDA builds only.
#pragma once
#if !defined(CUBIE_WITH_CUDA)
#error "cubie/memory/pinned_host_pool.hpp needs a build with CUDA (CUBIE_WITH_CUDA)"
#endif
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <unordered_map>

#include "cubie/memory/device_resource.hpp"
#include "cubie/memory/pinned_host_resource.hpp"

struct CUevent_st;

namespace cubie::memory {

/// @brief Keeps returned pinned blocks for reuse while the cached total stays within a bound;
/// a block returned when the cache is full goes back to the upstream at once.
///
/// A block freed with deallocate(p, n, stream) may still be read or written by a copy on
/// `stream`: the pool records an event and, since the next user writes it from the host, the
/// host waits for that event before handing the block out again. A request reuses a block at
/// most 1/8 larger than itself. Thread-safe. Neither copyable nor movable.
class pinned_host_pool {
 public:
  /// Requests are rounded up to whole pages.
  static constexpr std::size_t granularity = 4096;

  /// @brief A pool caching at most `max_cached_bytes`, allocating through its own
  /// pinned_host_resource; events are made on CUDA device `device` (that of the copies' streams).
  /// @throws cubie::invalid_argument when device < 0.
  explicit pinned_host_pool(std::uint64_t max_cached_bytes, int device = 0);
  /// @brief As above, allocating through `upstream`, which must outlive the pool.
  /// @throws cubie::invalid_argument when device < 0.
  pinned_host_pool(std::uint64_t max_cached_bytes, int device, device_resource_ref upstream);
  pinned_host_pool(const pinned_host_pool&) = delete;
  pinned_host_pool& operator=(const pinned_host_pool&) = delete;
  /// @brief Returns every block to the upstream, cached or still handed out.
  ~pinned_host_pool();

  /// @brief A block of at least `bytes`, writable by the host at once.
  /// @throws cubie::out_of_memory when no memory can be pinned; cubie::device_error on other CUDA errors.
  [[nodiscard]] void* allocate(std::size_t bytes, stream_view stream);
  /// @brief Returns a block that copies on `stream` may still use.
  void deallocate(void* p, std::size_t bytes, stream_view stream) noexcept;
  /// @brief Same as allocate.
  /// @throws as allocate.
  [[nodiscard]] void* allocate_sync(std::size_t bytes);
  /// @brief Returns a block no stream uses any more.
  void deallocate_sync(void* p, std::size_t bytes) noexcept;

  /// @brief Returns all cached blocks to the upstream, once copies still using them are done.
  /// Errors while waiting are cleared, not thrown: a sticky one surfaces at the next checked call.
  void release();
  /// @brief Changes the bound; cached blocks beyond a lowered bound are returned at once.
  void set_max_cached_bytes(std::uint64_t bytes);
  /// @brief The bound on cached bytes.
  [[nodiscard]] std::uint64_t max_cached_bytes() const;
  /// @brief Bytes cached now.
  [[nodiscard]] std::uint64_t cached_bytes() const;
  /// @brief Allocations made from the upstream so far (fresh pinned blocks).
  [[nodiscard]] std::uint64_t upstream_allocations() const;
  /// @brief Bytes of those fresh blocks, and the seconds their allocations took: what pinning
  /// cost the solves so far (a first solve's share is the difference across it).
  [[nodiscard]] std::uint64_t upstream_bytes() const;
  [[nodiscard]] double upstream_seconds() const;

  [[nodiscard]] friend bool operator==(const pinned_host_pool& a, const pinned_host_pool& b) noexcept {
    return &a == &b;
  }

 private:
  struct block {
    void* ptr = nullptr;
    std::size_t size = 0;
    CUevent_st* event = nullptr;
    bool pending = false;
  };

  void cache(void* p, stream_view stream, bool ordered) noexcept;
  void trim_locked(std::uint64_t bound) noexcept;
  void give_back(block& b) noexcept;

  int device_;
  pinned_host_resource own_upstream_;
  device_resource_ref upstream_;
  mutable std::mutex mutex_;
  std::uint64_t max_cached_bytes_;
  std::multimap<std::size_t, block> free_;
  std::unordered_map<void*, block> used_;
  std::uint64_t cached_bytes_ = 0;
  std::uint64_t upstream_allocations_ = 0;
  std::uint64_t upstream_bytes_ = 0;
  double upstream_seconds_ = 0;
};

static_assert(device_resource<pinned_host_pool>);

}  // namespace cubie::memory
