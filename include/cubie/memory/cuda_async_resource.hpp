// cubie/memory/cuda_async_resource.hpp
// The "async" allocator: stream-ordered allocation on a dedicated CUDA memory pool whose
// release threshold keeps memory reserved for the next solve. Available in builds with CUDA.
#pragma once
#if !defined(CUBIE_WITH_CUDA)
#error "cubie/memory/cuda_async_resource.hpp needs a build with CUDA (CUBIE_WITH_CUDA)"
#endif
#include <cstddef>
#include <cstdint>

#include "cubie/memory/device_resource.hpp"

// cudaMemPool_t is `struct CUmemPoolHandle_st*`.
struct CUmemPoolHandle_st;

namespace cubie::memory {

/// @brief cudaMallocFromPoolAsync / cudaFreeAsync on a pool created for this resource
/// (cudaMemPoolCreate), not the device's default pool, so its threshold and statistics are
/// this solver's alone.
///
/// The pool keeps up to release_threshold bytes reserved when the device synchronises, so a
/// solve after the first allocates from reserved memory without calling the driver. Memory
/// is stream-ordered: freed on a stream, it is reused in that stream's order. Not copyable
/// nor movable (it owns the pool).
class cuda_async_resource {
 public:
  /// @brief Creates a pool on `device` keeping up to `release_threshold_bytes` reserved.
  /// @throws cubie::invalid_argument when device < 0; cubie::device_error when the device
  /// does not support memory pools or the pool cannot be created.
  cuda_async_resource(int device, std::uint64_t release_threshold_bytes);
  cuda_async_resource(const cuda_async_resource&) = delete;
  cuda_async_resource& operator=(const cuda_async_resource&) = delete;
  /// @brief Destroys the pool; the driver frees its memory once outstanding frees have completed.
  ~cuda_async_resource();

  /// @brief Stream-ordered allocation on `stream`.
  /// @throws cubie::out_of_memory when the device is out of memory; cubie::device_error otherwise.
  [[nodiscard]] void* allocate(std::size_t bytes, stream_view stream);
  /// @brief Stream-ordered free on `stream`.
  void deallocate(void* p, std::size_t bytes, stream_view stream) noexcept;
  /// @brief Allocates on the default stream and waits for it, so any stream may use the memory.
  /// @throws as allocate.
  [[nodiscard]] void* allocate_sync(std::size_t bytes);
  /// @brief Frees on the default stream; the caller guarantees no stream still uses the memory.
  void deallocate_sync(void* p, std::size_t bytes) noexcept;

  /// @brief The device allocated on.
  [[nodiscard]] int device() const noexcept { return device_; }
  /// @brief The pool handle (a cudaMemPool_t).
  [[nodiscard]] CUmemPoolHandle_st* pool_handle() const noexcept { return pool_; }

  /// @brief Sets cudaMemPoolAttrReleaseThreshold.
  /// @throws cubie::device_error when the attribute cannot be set.
  void set_release_threshold(std::uint64_t bytes);
  /// @brief cudaMemPoolAttrReleaseThreshold.
  /// @throws cubie::device_error when the attribute cannot be read.
  [[nodiscard]] std::uint64_t release_threshold() const;
  /// @brief cudaMemPoolAttrReservedMemCurrent: memory the pool holds from the device.
  /// @throws cubie::device_error when the attribute cannot be read.
  [[nodiscard]] std::uint64_t reserved_bytes() const;
  /// @brief cudaMemPoolAttrReservedMemHigh: the most it has held since the last reset.
  /// @throws cubie::device_error when the attribute cannot be read.
  [[nodiscard]] std::uint64_t reserved_high_water() const;
  /// @brief cudaMemPoolAttrUsedMemCurrent: memory handed out and not yet freed.
  /// @throws cubie::device_error when the attribute cannot be read.
  [[nodiscard]] std::uint64_t used_bytes() const;
  /// @brief cudaMemPoolAttrUsedMemHigh: the most handed out at once since the last reset.
  /// @throws cubie::device_error when the attribute cannot be read.
  [[nodiscard]] std::uint64_t used_high_water() const;
  /// @brief Resets both high-water marks to the current values.
  /// @throws cubie::device_error when the attributes cannot be set.
  void reset_high_water();
  /// @brief Releases reserved memory not in use down to `keep_bytes` (cudaMemPoolTrimTo).
  /// Memory freed on a stream counts as in use until the stream reaches the free: synchronise first.
  /// @throws cubie::device_error when trimming fails.
  void trim(std::uint64_t keep_bytes = 0);

  [[nodiscard]] friend bool operator==(const cuda_async_resource& a, const cuda_async_resource& b) noexcept {
    return a.pool_ == b.pool_;
  }

 private:
  [[nodiscard]] std::uint64_t attribute(int attr) const;

  int device_;
  CUmemPoolHandle_st* pool_ = nullptr;
};

static_assert(device_resource<cuda_async_resource>);

}  // namespace cubie::memory
