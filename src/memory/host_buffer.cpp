#include "cubie/memory/host_buffer.hpp"

#include <new>

namespace cubie {

host_allocator host_allocator::pageable() {
  host_allocator a;
  a.allocate = [](std::size_t bytes) { return ::operator new(bytes, std::align_val_t{64}); };
  a.deallocate = [](void* p, std::size_t) { ::operator delete(p, std::align_val_t{64}); };
  a.name = "host";
  a.pinned = false;
  return a;
}

void host_buffer::reserve(std::size_t bytes, const host_allocator& alloc) {
  if (bytes == 0) bytes = 1;  // keep data() non-null for empty outputs
  if (ptr_ && capacity_ >= bytes && allocator_name_ == alloc.name) return;
  reset();
  ptr_ = alloc.allocate(bytes);
  capacity_ = bytes;
  deallocate_ = alloc.deallocate;
  allocator_name_ = alloc.name;
  pinned_ = alloc.pinned;
}

void host_buffer::reset() {
  if (ptr_) deallocate_(ptr_, capacity_);
  ptr_ = nullptr;
  capacity_ = 0;
  pinned_ = false;
}

}  // namespace cubie
