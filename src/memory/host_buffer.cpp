#include "cubie/memory/host_buffer.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <new>

namespace cubie {

namespace {

// Blocks from this size on are mapped directly, 2 MiB aligned and marked for transparent huge
// pages: a first touch then faults in 2 MiB at a time instead of 4 KiB, which is what makes
// fresh result storage cheap to fill (hundreds of MB of results per solve).
constexpr std::size_t large_block = std::size_t{32} << 20;
constexpr std::size_t huge_page = std::size_t{2} << 20;

std::size_t rounded_up(std::size_t bytes) { return (bytes + huge_page - 1) / huge_page * huge_page; }

void* map_large(std::size_t bytes) {
  // One huge page of slack to align the start.
  const std::size_t span = rounded_up(bytes) + huge_page;
  void* p = ::mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  auto* base = static_cast<char*>(p);
  char* aligned = reinterpret_cast<char*>((reinterpret_cast<std::uintptr_t>(base) + huge_page - 1) / huge_page * huge_page);
  if (aligned > base) ::munmap(base, static_cast<std::size_t>(aligned - base));
  const std::size_t tail = static_cast<std::size_t>(base + span - (aligned + rounded_up(bytes)));
  if (tail > 0) ::munmap(aligned + rounded_up(bytes), tail);
#ifdef MADV_HUGEPAGE
  (void)::madvise(aligned, rounded_up(bytes), MADV_HUGEPAGE);  // a hint: without THP it is a no-op
#endif
  return aligned;
}

}  // namespace

namespace host_memory_detail {
void* map_huge_page_block(std::size_t bytes) { return map_large(bytes); }
void unmap_huge_page_block(void* p, std::size_t bytes) noexcept {
  if (p != nullptr) ::munmap(p, rounded_up(bytes));
}
}  // namespace host_memory_detail

host_allocator host_allocator::pageable() {
  host_allocator a;
  a.allocate = [](std::size_t bytes) -> void* {
    if (bytes >= large_block) return map_large(bytes);
    return ::operator new(bytes, std::align_val_t{64});
  };
  a.deallocate = [](void* p, std::size_t bytes) {
    if (bytes >= large_block) host_memory_detail::unmap_huge_page_block(p, bytes);
    else ::operator delete(p, std::align_val_t{64});
  };
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
