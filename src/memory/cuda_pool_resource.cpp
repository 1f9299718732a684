#include "cubie/memory/cuda_pool_resource.hpp"

#include "cubie/core/error.hpp"
#include "cubie/memory/cuda_check.hpp"
#include "reuse_event.hpp"

namespace cubie::memory {

namespace {
std::size_t round_up(std::size_t n, std::size_t g) noexcept { return (n + g - 1) / g * g; }
}  // namespace

cuda_pool_resource::cuda_pool_resource(int device) : device_(device), own_upstream_(device), upstream_(own_upstream_) {}

cuda_pool_resource::cuda_pool_resource(int device, device_resource_ref upstream)
    : device_(device), own_upstream_(device), upstream_(upstream) {}

cuda_pool_resource::~cuda_pool_resource() {
  std::lock_guard lock(mutex_);
  drop_cache_locked();
  for (auto& [ptr, b] : used_) give_back(b);
  used_.clear();
}

void* cuda_pool_resource::allocate(std::size_t bytes, stream_view stream) { return allocate_on(bytes, stream, false); }

void* cuda_pool_resource::allocate_sync(std::size_t bytes) {
  return allocate_on(bytes, stream_view::default_stream(), true);
}

void cuda_pool_resource::deallocate(void* p, std::size_t /*bytes*/, stream_view stream) noexcept {
  cache(p, stream, true);
}

void cuda_pool_resource::deallocate_sync(void* p, std::size_t /*bytes*/) noexcept {
  cache(p, stream_view::default_stream(), false);
}

void* cuda_pool_resource::allocate_on(std::size_t bytes, stream_view stream, bool sync) {
  if (bytes == 0) return nullptr;
  const std::size_t size = round_up(bytes, granularity);
  const std::size_t largest_reused = size + size / 8;
  std::lock_guard lock(mutex_);

  // Prefer a block that needs no waiting (its work is known done, or it was freed on this
  // very stream); else take the smallest fitting one and order the wait on the device.
  const auto first = free_.lower_bound(size);
  const auto last = free_.upper_bound(largest_reused);
  auto pick = last;
  for (auto it = first; it != last; ++it) {
    const block& b = it->second;
    if (!b.pending || (!sync && b.stream == stream.value())) {
      pick = it;
      break;
    }
    if (pick == last) pick = it;
  }
  if (pick != last) {
    block b = pick->second;
    if (b.pending && (sync || b.stream != stream.value())) {
      const cuda_device_guard guard(device_);
      if (sync) {
        CUBIE_CUDA_TRY(cudaEventSynchronize(b.event));
      } else {
        CUBIE_CUDA_TRY(cudaStreamWaitEvent(stream.value(), b.event, 0));
      }
    }
    free_.erase(pick);
    cached_bytes_ -= b.size;
    b.pending = false;
    used_.emplace(b.ptr, b);
    return b.ptr;
  }

  void* p = nullptr;
  try {
    p = sync ? upstream_.allocate_sync(size) : upstream_.allocate(size, stream);
  } catch (const out_of_memory&) {
    // The cache may hold blocks of other sizes: give them back and try once more.
    if (free_.empty()) throw;
    drop_cache_locked();
    p = sync ? upstream_.allocate_sync(size) : upstream_.allocate(size, stream);
  }
  ++upstream_allocations_;
  reserved_bytes_ += size;
  used_.emplace(p, block{p, size, nullptr, nullptr, false});
  return p;
}

void cuda_pool_resource::cache(void* p, stream_view stream, bool ordered) noexcept {
  if (p == nullptr) return;
  std::lock_guard lock(mutex_);
  const auto it = used_.find(p);
  if (it == used_.end()) return;  // not from this pool: nothing safe to do with it
  block b = it->second;
  used_.erase(it);
  b.pending = false;
  b.stream = stream.value();
  if (ordered) {
    const cuda_device_guard guard(device_, std::nothrow);
    detail::record_reuse_event(b.event, b.pending, stream.value());
  }
  free_.emplace(b.size, b);
  cached_bytes_ += b.size;
}

void cuda_pool_resource::give_back(block& b) noexcept {
  detail::destroy_reuse_event(b.event, b.pending, device_);
  upstream_.deallocate_sync(b.ptr, b.size);
  reserved_bytes_ -= b.size;
}

void cuda_pool_resource::drop_cache_locked() noexcept {
  for (auto& [size, b] : free_) give_back(b);
  free_.clear();
  cached_bytes_ = 0;
}

void cuda_pool_resource::release() {
  std::lock_guard lock(mutex_);
  drop_cache_locked();
}

std::uint64_t cuda_pool_resource::cached_bytes() const {
  std::lock_guard lock(mutex_);
  return cached_bytes_;
}

std::uint64_t cuda_pool_resource::reserved_bytes() const {
  std::lock_guard lock(mutex_);
  return reserved_bytes_;
}

std::uint64_t cuda_pool_resource::upstream_allocations() const {
  std::lock_guard lock(mutex_);
  return upstream_allocations_;
}

}  // namespace cubie::memory
