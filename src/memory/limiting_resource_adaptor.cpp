#include "cubie/memory/limiting_resource_adaptor.hpp"

#include <string>
#include <utility>

namespace cubie::memory {

limiting_resource_adaptor::limiting_resource_adaptor(device_resource_ref upstream, std::uint64_t limit_bytes,
                                                     held_account account)
    : upstream_(upstream), limit_(limit_bytes), account_(std::move(account)) {}

void* limiting_resource_adaptor::allocate(std::size_t bytes, stream_view stream) {
  reserve(bytes);
  try {
    void* p = upstream_.allocate(bytes, stream);
    account_.add(bytes);
    return p;
  } catch (...) {
    held_.fetch_sub(bytes);
    throw;
  }
}

void limiting_resource_adaptor::deallocate(void* p, std::size_t bytes, stream_view stream) noexcept {
  if (p == nullptr) return;
  upstream_.deallocate(p, bytes, stream);
  release(bytes);
}

void* limiting_resource_adaptor::allocate_sync(std::size_t bytes) {
  reserve(bytes);
  try {
    void* p = upstream_.allocate_sync(bytes);
    account_.add(bytes);
    return p;
  } catch (...) {
    held_.fetch_sub(bytes);
    throw;
  }
}

void limiting_resource_adaptor::deallocate_sync(void* p, std::size_t bytes) noexcept {
  if (p == nullptr) return;
  upstream_.deallocate_sync(p, bytes);
  release(bytes);
}

// Compare-and-swap so concurrent requests can never jointly pass the limit.
void limiting_resource_adaptor::reserve(std::uint64_t bytes) {
  std::uint64_t held = held_.load();
  const std::uint64_t limit = limit_.load();
  do {
    if (bytes > limit || held > limit - bytes) {
      throw out_of_memory("cubie: allocation of " + std::to_string(bytes) + " bytes exceeds the memory limit: " +
                          std::to_string(held) + " bytes held, limit " + std::to_string(limit) + " bytes");
    }
  } while (!held_.compare_exchange_weak(held, held + bytes));
}

void limiting_resource_adaptor::release(std::uint64_t bytes) noexcept {
  held_.fetch_sub(bytes);
  account_.remove(bytes);
}

}  // namespace cubie::memory
