// cubie/memory/cuda_pool_resource.hpp
// The "pool" allocator: a caching allocator that keeps freed device blocks for reuse across
// solves, so steady-state solves make no device allocations. Available in builds with CUDA.
#pragma once
#if !defined(CUBIE_WITH_CUDA)
#error "cubie/memory/cuda_pool_resource.hpp needs a build with CUDA (CUBIE_WITH_CUDA)"
#endif
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <unordered_map>

#include "cubie/memory/cuda_device_resource.hpp"
#include "cubie/memory/device_resource.hpp"

struct CUevent_st;

namespace cubie::memory {

/// @brief Caches freed blocks in free lists binned by (rounded) size and hands them out again;
/// memory returns to the upstream only on release() or destruction, or when the upstream is
/// exhausted (the cache is then dropped and the allocation retried once).
///
/// Stream safety: each freed block records an event on the stream it was freed on. A block
/// is reused on that same stream at once (stream order protects it); on another stream, the
/// new stream first waits for the event (cudaStreamWaitEvent, no host stall); for
/// allocate_sync the host waits for it. A request reuses a block at most 1/8 larger than
/// itself, so odd sizes do not pin much larger blocks. Thread-safe. Neither copyable nor
/// movable: hold it in place or through any_device_resource.
class cuda_pool_resource {
 public:
  /// Requests are rounded up to this, so near sizes share a bin.
  static constexpr std::size_t granularity = 512;

  /// @brief A pool on `device` taking memory from its own cuda_device_resource.
  /// @throws cubie::invalid_argument when device < 0.
  explicit cuda_pool_resource(int device);
  /// @brief A pool on `device` taking memory from `upstream`, which must outlive the pool.
  /// @throws cubie::invalid_argument when device < 0.
  cuda_pool_resource(int device, device_resource_ref upstream);
  cuda_pool_resource(const cuda_pool_resource&) = delete;
  cuda_pool_resource& operator=(const cuda_pool_resource&) = delete;
  /// @brief Returns every block to the upstream, cached or still handed out (using memory
  /// from a destroyed pool is a use after free, as with any freed memory).
  ~cuda_pool_resource();

  /// @brief A block for `bytes`, usable in order on `stream`.
  /// @throws cubie::out_of_memory when neither the cache nor the upstream can provide it;
  /// cubie::device_error on other CUDA errors.
  [[nodiscard]] void* allocate(std::size_t bytes, stream_view stream);
  /// @brief Caches the block; it may be reused once the work queued on `stream` before now is done.
  void deallocate(void* p, std::size_t bytes, stream_view stream) noexcept;
  /// @brief A block usable at once by any stream.
  /// @throws as allocate.
  [[nodiscard]] void* allocate_sync(std::size_t bytes);
  /// @brief Caches the block; the caller guarantees no stream still uses it.
  void deallocate_sync(void* p, std::size_t bytes) noexcept;

  /// @brief Returns the cached (free) blocks to the upstream after their pending work is done.
  /// Errors while waiting are cleared, not thrown: a sticky one surfaces at the next checked call.
  void release();

  /// @brief The device allocated on.
  [[nodiscard]] int device() const noexcept { return device_; }
  /// @brief Bytes in free blocks kept for reuse.
  [[nodiscard]] std::uint64_t cached_bytes() const;
  /// @brief Bytes held from the upstream (handed out and cached).
  [[nodiscard]] std::uint64_t reserved_bytes() const;
  /// @brief Allocations the pool made from its upstream so far.
  [[nodiscard]] std::uint64_t upstream_allocations() const;

  [[nodiscard]] friend bool operator==(const cuda_pool_resource& a, const cuda_pool_resource& b) noexcept {
    return &a == &b;
  }

 private:
  struct block {
    void* ptr = nullptr;
    std::size_t size = 0;
    CUevent_st* event = nullptr;    // created on first free, reused, destroyed with the block
    CUstream_st* stream = nullptr;  // stream of the last free
    bool pending = false;           // the event guards work that may not be done
  };

  void* allocate_on(std::size_t bytes, stream_view stream, bool sync);
  void cache(void* p, stream_view stream, bool ordered) noexcept;
  void drop_cache_locked() noexcept;
  void give_back(block& b) noexcept;

  int device_;
  cuda_device_resource own_upstream_;
  device_resource_ref upstream_;
  mutable std::mutex mutex_;
  std::multimap<std::size_t, block> free_;  // rounded size -> free blocks
  std::unordered_map<void*, block> used_;
  std::uint64_t cached_bytes_ = 0;
  std::uint64_t reserved_bytes_ = 0;
  std::uint64_t upstream_allocations_ = 0;
};

static_assert(device_resource<cuda_pool_resource>);

}  // namespace cubie::memory
