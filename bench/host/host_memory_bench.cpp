// bench/host/host_memory_bench.cpp
// The host-side floors of a first solve: how fast fresh result memory can be touched (the
// operating system zeroes each page on first touch), copied into (what the staging ring's
// writer does), and pinned (what pinned result storage costs a first solve): cudaHostAlloc
// against fresh pages faulted in by the copy threads and then registered (the pinned pool's
// two upstreams), at the size given and at 64 MiB. Prints one table.
//
//   host_memory_bench [--gib G] [--threads T]
#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "cubie/backends/backend_registry.hpp"
#include "cubie/execution/parallel_copy.hpp"
#include "cubie/memory/host_buffer.hpp"
#include "cubie/memory/memory_settings.hpp"
#if defined(CUBIE_WITH_CUDA)
#include <cuda_runtime_api.h>

#include "cubie/memory/pinned_host_resource.hpp"
#endif

namespace {

using clock_type = std::chrono::steady_clock;
double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

// Writes one byte per 4 KiB page of [p, p + bytes) with `threads` threads.
void touch(char* p, std::size_t bytes, int threads) {
  std::vector<std::thread> pool;
  const std::size_t per = (bytes / threads + 4095) / 4096 * 4096;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([=] {
      const std::size_t b = std::min(bytes, per * t), e = std::min(bytes, per * (t + 1));
      for (std::size_t i = b; i < e; i += 4096) p[i] = 1;
    });
  }
  for (auto& th : pool) th.join();
}

void row(const char* what, double gib, double s) {
  std::printf("%-58s %8.3f s %8.2f GB/s\n", what, s, gib * 1.073741824 / s);
}

#if defined(CUBIE_WITH_CUDA)
// Each way of pinning `bytes` of fresh memory, three times (the median shown), with the
// register path's steps timed apart: mapping and faulting in on the copy threads, then
// cudaHostRegister of pages already present; and the cost of giving each block back.
void pinning_rows(std::size_t bytes, double gib) {
  char text[32];
  if (gib >= 1) std::snprintf(text, sizeof text, "%.2f GiB", gib);
  else if (gib * 1024 >= 1) std::snprintf(text, sizeof text, "%.0f MiB", gib * 1024);
  else std::snprintf(text, sizeof text, "%.0f KiB", gib * 1024 * 1024);
  const std::string size = text;
  auto median3 = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::vector<double> alloc_s, free_s, touch_s, reg_s, unreg_s, pool_s;
  for (int round = 0; round < 3; ++round) {
    void* p = nullptr;
    auto t0 = clock_type::now();
    if (cudaHostAlloc(&p, bytes, cudaHostAllocPortable) != cudaSuccess) return;
    alloc_s.push_back(seconds_since(t0));
    t0 = clock_type::now();
    (void)cudaFreeHost(p);
    free_s.push_back(seconds_since(t0));

    p = cubie::host_memory_detail::map_huge_page_block(bytes);
    t0 = clock_type::now();
    cubie::parallel_touch(p, bytes);
    touch_s.push_back(seconds_since(t0));
    t0 = clock_type::now();
    const bool ok = cudaHostRegister(p, bytes, cudaHostRegisterPortable | cudaHostRegisterMapped) == cudaSuccess;
    reg_s.push_back(seconds_since(t0));
    t0 = clock_type::now();
    if (ok) (void)cudaHostUnregister(p);
    unreg_s.push_back(seconds_since(t0));
    cubie::host_memory_detail::unmap_huge_page_block(p, bytes);
    if (!ok) {
      std::printf("cudaHostRegister refused %s\n", size.c_str());
      return;
    }

    cubie::memory::pinned_host_resource reg(cubie::memory::pinning_method::register_pages);
    t0 = clock_type::now();
    p = reg.allocate_sync(bytes);
    pool_s.push_back(seconds_since(t0));
    reg.deallocate_sync(p, bytes);
  }
  const double touch = median3(touch_s), reg = median3(reg_s);
  row(("cudaHostAlloc " + size + " (median of 3)").c_str(), gib, median3(alloc_s));
  row(("  cudaFreeHost " + size).c_str(), gib, median3(free_s));
  row(("register " + size + ": fault in on the copy threads").c_str(), gib, touch);
  row("  then cudaHostRegister", gib, reg);
  row("  both", gib, touch + reg);
  row("  cudaHostUnregister", gib, median3(unreg_s));
  row(("pinned_host_resource(register_pages) " + size).c_str(), gib, median3(pool_s));
}
#endif

}  // namespace

int main(int argc, char** argv) {
  double gib = 4.0;
  int threads = static_cast<int>(std::thread::hardware_concurrency());
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--gib" && i + 1 < argc) gib = std::atof(argv[++i]);
    else if (a == "--threads" && i + 1 < argc) threads = std::atoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: %s [--gib G] [--threads T]\n", argv[0]);
      return 2;
    }
  }
  const std::size_t bytes = static_cast<std::size_t>(gib * double(1ull << 30));
  std::printf("host memory floors: %.2f GiB, %d threads available\n", gib, threads);
  const cubie::host_allocator huge = cubie::host_allocator::pageable();  // mmap + MADV_HUGEPAGE above 32 MiB

  auto fresh_plain = [&] {  // plain 4 KiB pages, no huge-page hint
    void* p = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
#ifdef MADV_NOHUGEPAGE
    ::madvise(p, bytes, MADV_NOHUGEPAGE);
#endif
    return static_cast<char*>(p);
  };
  // Each case twice: the first huge-page faults of a process may wait for the kernel to
  // compact memory, which the second shows apart.
  for (int t : {1, 8, threads}) {
    for (int round = 1; round <= 2; ++round) {
      const std::string r = ", round " + std::to_string(round);
      char* p = fresh_plain();
      auto t0 = clock_type::now();
      touch(p, bytes, t);
      row(("first touch, 4 KiB pages, " + std::to_string(t) + " threads" + r).c_str(), gib, seconds_since(t0));
      ::munmap(p, bytes);
      p = static_cast<char*>(huge.allocate(bytes));
      t0 = clock_type::now();
      touch(p, bytes, t);
      row(("first touch, huge pages, " + std::to_string(t) + " threads" + r).c_str(), gib, seconds_since(t0));
      huge.deallocate(p, bytes);
    }
  }

  // The staging ring's writer: parallel_copy from a warm buffer into fresh or warm memory.
  char* src = static_cast<char*>(huge.allocate(bytes));
  std::memset(src, 3, bytes);
  {
    char* dst = static_cast<char*>(huge.allocate(bytes));
    auto t0 = clock_type::now();
    cubie::parallel_copy(dst, src, bytes);
    row("parallel_copy into fresh huge pages", gib, seconds_since(t0));
    t0 = clock_type::now();
    cubie::parallel_copy(dst, src, bytes);
    row("parallel_copy into warm pages", gib, seconds_since(t0));
    huge.deallocate(dst, bytes);
    char* plain = fresh_plain();
    t0 = clock_type::now();
    cubie::parallel_copy(plain, src, bytes);
    row("parallel_copy into fresh 4 KiB pages", gib, seconds_since(t0));
    ::munmap(plain, bytes);
  }
  huge.deallocate(src, bytes);

#if defined(CUBIE_WITH_CUDA)
  if (cubie::cuda_device_available()) {
    cubie::memory::memory_settings ms;
    ms.pinned_pool_bytes = 0;  // nothing cached: every block pinned afresh
    const cubie::host_allocator pinned = cubie::cuda_result_allocator(ms);
    std::printf("pinned pool upstream of this process: %s (CUBIE_PINNED_UPSTREAM)\n",
                cubie::memory::pinning_method_name(cubie::memory::default_pinning_method()).c_str());
    auto t0 = clock_type::now();
    void* p = pinned.allocate(bytes);
    row("pinned allocation (the pool's upstream)", gib, seconds_since(t0));
    t0 = clock_type::now();
    touch(static_cast<char*>(p), bytes, 1);
    row("  then touching it, 1 thread", gib, seconds_since(t0));
    pinned.deallocate(p, bytes);
    pinning_rows(bytes, gib);
    // First solves pin tens of MB (ring slots, input staging, B1's 50 MB result).
    pinning_rows(std::size_t{64} << 20, 64.0 / 1024.0);
    // A first solve's input staging blocks (B1: 1.3 MB a slot): where registering starts to
    // beat cudaHostAlloc (CUBIE_REGISTER_FROM).
    pinning_rows(std::size_t{1} << 20, 1.0 / 1024.0);
    pinning_rows(std::size_t{256} << 10, 0.25 / 1024.0);
    // Several threads each pinning its own block with cudaHostAlloc: does the driver scale?
    for (int t : {4, threads}) {
      const std::size_t each = bytes / static_cast<std::size_t>(t);
      std::vector<void*> blocks(static_cast<std::size_t>(t), nullptr);
      std::vector<std::thread> pool;
      t0 = clock_type::now();
      for (int i = 0; i < t; ++i)
        pool.emplace_back([&, i] { (void)cudaHostAlloc(&blocks[static_cast<std::size_t>(i)], each, cudaHostAllocPortable); });
      for (auto& th : pool) th.join();
      row(("cudaHostAlloc, " + std::to_string(t) + " threads, a block each").c_str(), gib, seconds_since(t0));
      for (void* b : blocks) (void)cudaFreeHost(b);
    }
  } else {
    std::printf("pinned allocation: no CUDA device\n");
  }
#else
  std::printf("pinned allocation: a build without CUDA\n");
#endif
  return 0;
}
