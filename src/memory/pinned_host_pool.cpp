#include "cubie/memory/pinned_host_pool.hpp"

#include <chrono>
#include <iterator>
#include <string>

#include "cubie/core/error.hpp"
#include "cubie/memory/cuda_check.hpp"
#include "reuse_event.hpp"

namespace cubie::memory {

namespace {
std::size_t round_up(std::size_t n, std::size_t g) noexcept { return (n + g - 1) / g * g; }

int checked_device(int device) {
  CUBIE_EXPECTS(device >= 0, "device = " + std::to_string(device) + " is not allowed: device ids start at 0");
  return device;
}
}  // namespace

pinned_host_pool::pinned_host_pool(std::uint64_t max_cached_bytes, int device)
    : device_(checked_device(device)), upstream_(own_upstream_), max_cached_bytes_(max_cached_bytes) {}

pinned_host_pool::pinned_host_pool(std::uint64_t max_cached_bytes, int device, device_resource_ref upstream)
    : device_(checked_device(device)), upstream_(upstream), max_cached_bytes_(max_cached_bytes) {}

pinned_host_pool::~pinned_host_pool() {
  std::lock_guard lock(mutex_);
  trim_locked(0);
  for (auto& [ptr, b] : used_) give_back(b);
  used_.clear();
}

void* pinned_host_pool::allocate_sync(std::size_t bytes) {
  if (bytes == 0) return nullptr;
  const std::size_t size = round_up(bytes, granularity);
  const std::size_t largest_reused = size + size / 8;
  std::lock_guard lock(mutex_);

  const auto first = free_.lower_bound(size);
  const auto last = free_.upper_bound(largest_reused);
  auto pick = last;
  for (auto it = first; it != last; ++it) {
    if (!it->second.pending) {
      pick = it;
      break;
    }
    if (pick == last) pick = it;
  }
  if (pick != last) {
    block b = pick->second;
    // The caller writes the block from the host next: copies still using it must be done.
    if (b.pending) {
      const cuda_device_guard guard(device_);
      CUBIE_CUDA_TRY(cudaEventSynchronize(b.event));
    }
    free_.erase(pick);
    cached_bytes_ -= b.size;
    b.pending = false;
    used_.emplace(b.ptr, b);
    return b.ptr;
  }

  void* p = nullptr;
  const auto t0 = std::chrono::steady_clock::now();
  try {
    p = upstream_.allocate_sync(size);
  } catch (const out_of_memory&) {
    if (free_.empty()) throw;
    trim_locked(0);
    p = upstream_.allocate_sync(size);
  }
  ++upstream_allocations_;
  upstream_bytes_ += size;
  upstream_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  used_.emplace(p, block{p, size, nullptr, false});
  return p;
}

void* pinned_host_pool::allocate(std::size_t bytes, stream_view /*stream*/) { return allocate_sync(bytes); }

void pinned_host_pool::deallocate(void* p, std::size_t /*bytes*/, stream_view stream) noexcept {
  cache(p, stream, true);
}

void pinned_host_pool::deallocate_sync(void* p, std::size_t /*bytes*/) noexcept {
  cache(p, stream_view::default_stream(), false);
}

void pinned_host_pool::cache(void* p, stream_view stream, bool ordered) noexcept {
  if (p == nullptr) return;
  std::lock_guard lock(mutex_);
  const auto it = used_.find(p);
  if (it == used_.end()) return;  // not from this pool: nothing safe to do with it
  block b = it->second;
  used_.erase(it);
  b.pending = false;
  const cuda_device_guard guard(device_, std::nothrow);
  if (cached_bytes_ + b.size > max_cached_bytes_) {
    // Over the bound: the block leaves the pool, once copies on the stream no longer use it.
    if (ordered) CUBIE_CUDA_IGNORE(cudaStreamSynchronize(stream.value()));
    give_back(b);
    return;
  }
  if (ordered) detail::record_reuse_event(b.event, b.pending, stream.value());
  free_.emplace(b.size, b);
  cached_bytes_ += b.size;
}

void pinned_host_pool::give_back(block& b) noexcept {
  detail::destroy_reuse_event(b.event, b.pending, device_);
  upstream_.deallocate_sync(b.ptr, b.size);
}

void pinned_host_pool::trim_locked(std::uint64_t bound) noexcept {
  // Largest blocks first: fewest frees to get under the bound.
  while (cached_bytes_ > bound && !free_.empty()) {
    auto it = std::prev(free_.end());
    block b = it->second;
    free_.erase(it);
    cached_bytes_ -= b.size;
    give_back(b);
  }
}

void pinned_host_pool::release() {
  std::lock_guard lock(mutex_);
  trim_locked(0);
}

void pinned_host_pool::set_max_cached_bytes(std::uint64_t bytes) {
  std::lock_guard lock(mutex_);
  max_cached_bytes_ = bytes;
  trim_locked(bytes);
}

std::uint64_t pinned_host_pool::max_cached_bytes() const {
  std::lock_guard lock(mutex_);
  return max_cached_bytes_;
}

std::uint64_t pinned_host_pool::cached_bytes() const {
  std::lock_guard lock(mutex_);
  return cached_bytes_;
}

std::uint64_t pinned_host_pool::upstream_allocations() const {
  std::lock_guard lock(mutex_);
  return upstream_allocations_;
}

std::uint64_t pinned_host_pool::upstream_bytes() const {
  std::lock_guard lock(mutex_);
  return upstream_bytes_;
}

double pinned_host_pool::upstream_seconds() const {
  std::lock_guard lock(mutex_);
  return upstream_seconds_;
}

}  // namespace cubie::memory
