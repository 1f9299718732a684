// Pageable result storage whose fresh pages are faulted in by background threads while the
// caller goes on (a GPU solve: the device computes the first chunks meanwhile), so the staging
// ring's writer later copies into resident pages instead of faulting each one in itself.
#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "cubie/memory/host_buffer.hpp"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14; older kernels answer EINVAL and nothing is prefaulted
#endif

namespace cubie {

namespace {

// Blocks from this size on (the pageable allocator's huge-page-backed ones) are prefaulted.
constexpr std::size_t prefault_from = std::size_t{32} << 20;
constexpr std::size_t piece = std::size_t{2} << 20;  // one huge page per madvise call

// MADV_POPULATE_WRITE faults pages in as a write would but leaves pages already present, and
// their contents, alone: the writer may fill the block while this runs (its writes fault a
// page in first, or land in one already faulted in; never lost).
class prefault_job {
 public:
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;

  prefault_job(char* p, std::size_t bytes, int n_threads) {
    try {
      start(p, bytes, n_threads);
    } catch (...) {
      stop_and_join();  // the threads started so far
      throw;
    }
  }
  prefault_job(const prefault_job&) = delete;
  prefault_job& operator=(const prefault_job&) = delete;
  ~prefault_job() { stop_and_join(); }

 private:
  void stop_and_join() noexcept {
    stop.store(true);
    for (std::thread& t : threads)
      if (t.joinable()) t.join();
  }
  void start(char* p, std::size_t bytes, int n_threads) {
    const std::size_t pieces = (bytes + piece - 1) / piece;
    for (int t = 0; t < n_threads; ++t) {
      threads.emplace_back([this, p, bytes, pieces, t, n_threads] {
        // Interleaved: every part of the block gains resident pages from the start, as the
        // writer fills a chunk's slice of every row at once.
        for (std::size_t k = static_cast<std::size_t>(t); k < pieces && !stop.load(std::memory_order_relaxed);
             k += static_cast<std::size_t>(n_threads)) {
          const std::size_t at = k * piece;
          if (::madvise(p + at, std::min(piece, bytes - at), MADV_POPULATE_WRITE) != 0 && errno != EINTR) {
            stop.store(true);  // unsupported (EINVAL) or no memory: the writer faults pages in as before
            return;
          }
        }
      });
    }
  }
};

struct prefault_jobs {
  std::mutex mutex;
  std::unordered_map<void*, std::unique_ptr<prefault_job>> by_block;
};
prefault_jobs& jobs() {
  static auto* j = new prefault_jobs();  // never destroyed: blocks may be freed after main
  return *j;
}

// Off unless asked for: on the H200 machine (2026-12-04 08:53 UTC, first_solve_session.sh)
// the background threads made B3's first pageable solve slower, 456 ms against 247 ms
// without them (the writer's own faults on huge pages were cheaper than sharing the
// memory bandwidth and page-table locks with 8 prefaulting threads).
bool prefault_enabled() {
  static const bool enabled = [] {
    const char* v = std::getenv("CUBIE_PREFAULT_RESULTS");
    return v != nullptr && std::strcmp(v, "1") == 0;
  }();
  return enabled;
}

int prefault_threads() {
  // Half the cores: the other half stay with the staging ring's writer and the caller.
  return static_cast<int>(std::clamp(std::thread::hardware_concurrency() / 2, 1u, 8u));
}

}  // namespace

host_allocator host_allocator::pageable_prefaulted() {
  host_allocator a = pageable();
  if (!prefault_enabled()) return a;
  const host_allocator plain = a;
  a.allocate = [plain](std::size_t bytes) -> void* {
    void* p = plain.allocate(bytes);
    if (bytes < prefault_from) return p;
    try {
      auto job = std::make_unique<prefault_job>(static_cast<char*>(p), bytes, prefault_threads());
      prefault_jobs& j = jobs();
      std::lock_guard lock(j.mutex);
      j.by_block.emplace(p, std::move(job));
    } catch (...) {
      // No threads to spare (or no memory to note the job): the block is usable as it is.
    }
    return p;
  };
  a.deallocate = [plain](void* p, std::size_t bytes) {
    std::unique_ptr<prefault_job> job;
    {
      prefault_jobs& j = jobs();
      std::lock_guard lock(j.mutex);
      const auto it = j.by_block.find(p);
      if (it != j.by_block.end()) {
        job = std::move(it->second);
        j.by_block.erase(it);
      }
    }
    job.reset();  // stops and joins the threads before the block is unmapped
    plain.deallocate(p, bytes);
  };
  return a;
}

}  // namespace cubie
