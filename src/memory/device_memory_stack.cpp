#include "cubie/memory/device_memory_stack.hpp"

#include <memory>
#include <string>

#include "cubie/core/error.hpp"
#include "cubie/memory/device_info.hpp"
#include "cubie/memory/limiting_resource_adaptor.hpp"

#if defined(CUBIE_WITH_CUDA)
#include "cubie/memory/cuda_async_resource.hpp"
#include "cubie/memory/cuda_check.hpp"
#include "cubie/memory/cuda_device_resource.hpp"
#include "cubie/memory/cuda_pool_resource.hpp"
#endif

namespace cubie::memory {

#if defined(CUBIE_WITH_CUDA)

// Members are declared bottom-up so destruction runs top-down: each layer is gone before
// the one it allocates from. Every layer has a fixed address (impl lives on the heap), so
// the references between them stay valid when the stack moves.
struct device_memory_stack::impl {
  impl(allocator_kind k, int dev, std::uint64_t limit_bytes, held_account account)
      : kind(k),
        device(dev),
        cuda(dev),
        async(k == allocator_kind::async ? std::make_unique<cuda_async_resource>(dev, limit_bytes) : nullptr),
        device_stats(async ? device_resource_ref(*async) : device_resource_ref(cuda)),
        limiter(device_resource_ref(device_stats), limit_bytes, std::move(account)),
        pool(k == allocator_kind::pool ? std::make_unique<cuda_pool_resource>(dev, device_resource_ref(limiter))
                                       : nullptr),
        stats(pool ? device_resource_ref(*pool) : device_resource_ref(limiter)) {}

  allocator_kind kind;
  int device;
  cuda_device_resource cuda;
  std::unique_ptr<cuda_async_resource> async;
  statistics_resource_adaptor device_stats;
  limiting_resource_adaptor limiter;
  std::unique_ptr<cuda_pool_resource> pool;
  statistics_resource_adaptor stats;
};

namespace {
int checked_device(int device) {
  CUBIE_EXPECTS(device >= 0, "device = " + std::to_string(device) + " is not allowed: device ids start at 0");
  const int count = cuda_device_count();
  if (device >= count) {
    throw device_error("cubie: CUDA device " + std::to_string(device) + " is not available: " +
                           (count == 0 ? std::string("no CUDA device or driver is present")
                                       : std::to_string(count) + " device(s) are present"),
                       false);
  }
  return device;
}
}  // namespace

device_memory_stack::device_memory_stack(allocator_kind kind, int device, std::uint64_t limit_bytes,
                                         held_account account)
    : impl_(std::make_unique<impl>(kind, checked_device(device), limit_bytes, std::move(account))) {}

void device_memory_stack::set_limit(std::uint64_t limit_bytes) {
  if (impl_->async) impl_->async->set_release_threshold(limit_bytes);
  impl_->limiter.set_limit(limit_bytes);
}

std::uint64_t device_memory_stack::cached_bytes() const {
  if (!impl_->async) return 0;
  const std::uint64_t reserved = impl_->async->reserved_bytes();
  const std::uint64_t used = impl_->async->used_bytes();
  return reserved > used ? reserved - used : 0;
}

void device_memory_stack::release() {
  if (impl_->pool) impl_->pool->release();
  if (impl_->async) {
    // Frees queued on streams count as in use until the streams reach them.
    const cuda_device_guard guard(impl_->device);
    CUBIE_CUDA_TRY(cudaDeviceSynchronize());
    impl_->async->trim(0);
  }
}

#else  // no CUDA: the type exists so callers need no #if; constructing it reports why it cannot work.

struct device_memory_stack::impl {
  allocator_kind kind;
  int device;
  limiting_resource_adaptor limiter;
  statistics_resource_adaptor device_stats;
  statistics_resource_adaptor stats;
};

device_memory_stack::device_memory_stack(allocator_kind kind, int device, std::uint64_t /*limit_bytes*/,
                                         held_account /*account*/) {
  throw device_error("cubie: allocator = " + std::string(to_string(kind)) + " on CUDA device " +
                         std::to_string(device) + " is not available: cubie was built without CUDA",
                     false);
}

void device_memory_stack::set_limit(std::uint64_t limit_bytes) { impl_->limiter.set_limit(limit_bytes); }
std::uint64_t device_memory_stack::cached_bytes() const { return 0; }
void device_memory_stack::release() {}

#endif

device_memory_stack::device_memory_stack(device_memory_stack&&) noexcept = default;
device_memory_stack& device_memory_stack::operator=(device_memory_stack&&) noexcept = default;
device_memory_stack::~device_memory_stack() = default;

allocator_kind device_memory_stack::kind() const noexcept { return impl_->kind; }
int device_memory_stack::device() const noexcept { return impl_->device; }
device_resource_ref device_memory_stack::resource() noexcept { return device_resource_ref(impl_->stats); }
statistics_resource_adaptor& device_memory_stack::statistics() noexcept { return impl_->stats; }
statistics_resource_adaptor& device_memory_stack::device_statistics() noexcept {
  return impl_->device_stats;
}
std::uint64_t device_memory_stack::limit() const noexcept { return impl_->limiter.limit(); }
std::uint64_t device_memory_stack::held_bytes() const noexcept { return impl_->limiter.held_bytes(); }

}  // namespace cubie::memory
