// cubie/memory/host_buffer.hpp
// Result storage on the host, from a chosen allocator (plain pages, or pinned pages from
// the CUDA backend's caching pool) so a SolveResult's storage can be reused across
// solves: fresh pages cost more to fault in than to fill over PCIe.
#pragma once
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace cubie {

/// How host result storage is obtained and given back.
struct host_allocator {
  std::function<void*(std::size_t)> allocate;
  std::function<void(void*, std::size_t)> deallocate;
  std::string name = "host";
  bool pinned = false;  ///< page-locked: eligible for asynchronous device copies

  /// 64-byte aligned pageable memory.
  static host_allocator pageable();
  /// As pageable(), and blocks from 32 MiB on are faulted in by background threads
  /// (MADV_POPULATE_WRITE, which leaves contents alone, so the block may be written at once)
  /// while the caller goes on: for GPU results, whose pages the staging ring's writer would
  /// otherwise fault in one by one while the device waits on it. Freeing a block stops its
  /// threads first. Only with CUBIE_PREFAULT_RESULTS=1 in the environment (else pageable()):
  /// measured on the H200 machine it made B3's first solve slower (456 ms against 247).
  static host_allocator pageable_prefaulted();
};

namespace host_memory_detail {
/// Fresh anonymous memory of at least `bytes`, 2 MiB aligned and marked for transparent huge
/// pages (untouched: no page is faulted in yet). @throws std::bad_alloc when it cannot be mapped.
[[nodiscard]] void* map_huge_page_block(std::size_t bytes);
/// Unmaps a block from map_huge_page_block of the same `bytes`.
void unmap_huge_page_block(void* p, std::size_t bytes) noexcept;
}  // namespace host_memory_detail

/// An owning, move-only block of host memory; capacity can exceed the used size so the
/// block is reused when a later solve needs the same or less.
class host_buffer {
 public:
  host_buffer() = default;
  host_buffer(const host_buffer&) = delete;
  host_buffer& operator=(const host_buffer&) = delete;
  host_buffer(host_buffer&& o) noexcept { swap(o); }
  host_buffer& operator=(host_buffer&& o) noexcept {
    host_buffer tmp(std::move(o));
    swap(tmp);
    return *this;
  }
  ~host_buffer() { reset(); }

  /// Makes room for `bytes`, reusing the current block when it is large enough and was
  /// obtained from an allocator with the same name.
  void reserve(std::size_t bytes, const host_allocator& alloc);
  void reset();

  [[nodiscard]] void* data() const { return ptr_; }
  [[nodiscard]] std::size_t capacity() const { return capacity_; }
  [[nodiscard]] bool pinned() const { return pinned_; }
  template <class T>
  [[nodiscard]] T* as() const { return static_cast<T*>(ptr_); }

 private:
  void swap(host_buffer& o) noexcept {
    std::swap(ptr_, o.ptr_);
    std::swap(capacity_, o.capacity_);
    std::swap(deallocate_, o.deallocate_);
    std::swap(allocator_name_, o.allocator_name_);
    std::swap(pinned_, o.pinned_);
  }
  void* ptr_ = nullptr;
  std::size_t capacity_ = 0;
  std::function<void(void*, std::size_t)> deallocate_;
  std::string allocator_name_;
  bool pinned_ = false;
};

}  // namespace cubie
