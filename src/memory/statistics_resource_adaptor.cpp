#include "cubie/memory/statistics_resource_adaptor.hpp"

#include <algorithm>

#include "cubie/core/error.hpp"

namespace cubie::memory {

namespace {
// An inner phase seen from the enclosing one: its peak sat on top of what the outer held.
void fold(statistics_counter& outer, const statistics_counter& inner) noexcept {
  outer.peak = std::max(outer.peak, outer.value + inner.peak);
  outer.value += inner.value;
  outer.total += inner.total;
}
}  // namespace

statistics_resource_adaptor::statistics_resource_adaptor(device_resource_ref upstream)
    : upstream_(upstream), stack_(1) {}

resource_statistics statistics_resource_adaptor::counters() const {
  std::lock_guard lock(mutex_);
  return stack_.back();
}

resource_statistics statistics_resource_adaptor::push_counters() {
  std::lock_guard lock(mutex_);
  const resource_statistics suspended = stack_.back();
  stack_.emplace_back();
  return suspended;
}

resource_statistics statistics_resource_adaptor::pop_counters() {
  std::lock_guard lock(mutex_);
  CUBIE_EXPECTS(stack_.size() > 1, "statistics_resource_adaptor: pop_counters() without a matching push_counters()");
  const resource_statistics inner = stack_.back();
  stack_.pop_back();
  fold(stack_.back().bytes, inner.bytes);
  fold(stack_.back().allocations, inner.allocations);
  return inner;
}

void* statistics_resource_adaptor::allocate(std::size_t bytes, stream_view stream) {
  void* p = upstream_.allocate(bytes, stream);
  record_allocation(bytes);
  return p;
}

void statistics_resource_adaptor::deallocate(void* p, std::size_t bytes, stream_view stream) noexcept {
  upstream_.deallocate(p, bytes, stream);
  record_deallocation(p, bytes);
}

void* statistics_resource_adaptor::allocate_sync(std::size_t bytes) {
  void* p = upstream_.allocate_sync(bytes);
  record_allocation(bytes);
  return p;
}

void statistics_resource_adaptor::deallocate_sync(void* p, std::size_t bytes) noexcept {
  upstream_.deallocate_sync(p, bytes);
  record_deallocation(p, bytes);
}

// Zero-byte requests return nullptr and are not allocations; counting them would leave
// the outstanding-allocation count unbalanced.
void statistics_resource_adaptor::record_allocation(std::size_t bytes) {
  if (bytes == 0) return;
  std::lock_guard lock(mutex_);
  stack_.back().bytes.add(static_cast<std::int64_t>(bytes));
  stack_.back().allocations.add(1);
}

void statistics_resource_adaptor::record_deallocation(void* p, std::size_t bytes) noexcept {
  if (p == nullptr || bytes == 0) return;
  std::lock_guard lock(mutex_);
  stack_.back().bytes.subtract(static_cast<std::int64_t>(bytes));
  stack_.back().allocations.subtract(1);
}

}  // namespace cubie::memory
