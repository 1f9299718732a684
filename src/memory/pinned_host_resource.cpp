#include "cubie/memory/pinned_host_resource.hpp"

#include <sys/mman.h>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>

#include "cubie/core/error.hpp"
#include "cubie/execution/parallel_copy.hpp"
#include "cubie/memory/cuda_check.hpp"
#include "cubie/memory/host_buffer.hpp"
#include "cubie/memory/host_staging_policy.hpp"

namespace cubie::memory {

namespace {

// From this size on (CUBIE_REGISTER_FROM, default 256 KiB) blocks are registered: below it
// cudaHostAlloc's page faults cost less than a hand-off to the copy threads. Before
// 2026-12-04 the bound was 2 MiB, so a B1 chunk's input staging (1.3 MB a slot) was made by
// cudaHostAlloc at 3.3 GB/s in the first solve.
std::size_t register_from() {
  static const std::size_t bytes = parse_register_from(std::getenv("CUBIE_REGISTER_FROM"));
  return bytes;
}

// Blocks under a huge page are mapped in 4 KiB pages (a 2 MiB page for a 300 KB block would
// pin seven times what was asked for).
constexpr std::size_t huge_page = std::size_t{2} << 20;
constexpr std::size_t small_page = 4096;

struct mapping {
  std::size_t bytes = 0;  // as asked for
  bool huge = true;       // from map_huge_page_block, else a page-rounded mmap
};

void* map_small(std::size_t bytes) {
  const std::size_t len = (bytes + small_page - 1) / small_page * small_page;
  void* p = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  return p;
}

void unmap(void* p, const mapping& m) noexcept {
  if (m.huge) cubie::host_memory_detail::unmap_huge_page_block(p, m.bytes);
  else ::munmap(p, (m.bytes + small_page - 1) / small_page * small_page);
}

// The blocks made by registering (address -> bytes asked for), so any instance frees them the
// right way. Never destroyed: blocks may be returned after static destructors ran.
struct registered_blocks {
  std::mutex mutex;
  std::unordered_map<void*, mapping> bytes;
};
registered_blocks& registered() {
  static auto* r = new registered_blocks();
  return *r;
}

// Set once registering was refused for a reason other than memory: from then on host_alloc.
std::atomic<bool> register_refused{false};

void* host_alloc(std::size_t bytes) {
  void* p = nullptr;
  // Portable: staging buffers serve streams of any device, not just the current one.
  CUBIE_CUDA_TRY_ALLOC(cudaHostAlloc(&p, bytes, cudaHostAllocPortable), bytes);
  return p;
}

// Fresh huge-page-backed memory, faulted in by the copy threads, then registered: the page
// faults (the kernel zeroing each page) are most of what cudaHostAlloc costs, and they scale
// with threads; registering pages already present only locks and maps them.
void* register_fresh(std::size_t bytes) {
  void* p = nullptr;
  const mapping m{bytes, bytes >= huge_page};
  try {
    p = m.huge ? cubie::host_memory_detail::map_huge_page_block(bytes) : map_small(bytes);
  } catch (const std::bad_alloc&) {
    throw out_of_memory("cubie: mapping " + std::to_string(bytes) + " bytes of host memory to pin failed");
  }
  try {
    parallel_touch(p, bytes);
  } catch (...) {
    unmap(p, m);
    throw;
  }
  const cudaError_t e = cudaHostRegister(p, bytes, cudaHostRegisterPortable | cudaHostRegisterMapped);
  if (e != cudaSuccess) {
    unmap(p, m);
    if (e == cudaErrorMemoryAllocation) throw_cuda_allocation_error(e, bytes, "cudaHostRegister", __FILE__, __LINE__);
    clear_cuda_error(e);
    register_refused.store(true);
    return host_alloc(bytes);
  }
  registered_blocks& r = registered();
  std::lock_guard lock(r.mutex);
  r.bytes.emplace(p, m);
  return p;
}

}  // namespace

std::string pinning_method_name(pinning_method m) {
  return m == pinning_method::host_alloc ? "host_alloc" : "register";
}

pinning_method default_pinning_method() {
  static const pinning_method method = [] {
    const char* v = std::getenv("CUBIE_PINNED_UPSTREAM");
    if (v == nullptr || *v == '\0') return pinning_method::register_pages;
    const std::string s = v;
    if (s == "host_alloc") return pinning_method::host_alloc;
    if (s == "register") return pinning_method::register_pages;
    throw invalid_argument("CUBIE_PINNED_UPSTREAM = '" + s +
                           "' is not allowed: use host_alloc (cudaHostAlloc) or register (fresh pages faulted in by "
                           "several threads, then cudaHostRegister), or leave it unset (register)");
  }();
  return method;
}

void* pinned_host_resource::allocate_sync(std::size_t bytes) {
  if (bytes == 0) return nullptr;
  if (method_ == pinning_method::register_pages && bytes >= register_from() && !register_refused.load())
    return register_fresh(bytes);
  return host_alloc(bytes);
}

void pinned_host_resource::deallocate_sync(void* p, std::size_t /*bytes*/) noexcept {
  if (p == nullptr) return;
  mapping mapped;
  {
    registered_blocks& r = registered();
    std::lock_guard lock(r.mutex);
    const auto it = r.bytes.find(p);
    if (it != r.bytes.end()) {
      mapped = it->second;
      r.bytes.erase(it);
    }
  }
  if (mapped.bytes == 0) {
    CUBIE_CUDA_IGNORE(cudaFreeHost(p));
    return;
  }
  CUBIE_CUDA_IGNORE(cudaHostUnregister(p));
  unmap(p, mapped);
}

void* pinned_host_resource::allocate(std::size_t bytes, stream_view /*stream*/) { return allocate_sync(bytes); }

void pinned_host_resource::deallocate(void* p, std::size_t bytes, stream_view /*stream*/) noexcept {
  deallocate_sync(p, bytes);
}

}  // namespace cubie::memory
