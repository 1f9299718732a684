#include "cubie/execution/parallel_copy.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <thread>

#include "cubie/execution/thread_pool.hpp"

namespace cubie {

namespace {

// Below this a hand-off to other threads costs more than it saves.
constexpr std::size_t parallel_threshold = std::size_t{8} << 20;
// The piece one thread copies at a time.
constexpr std::size_t piece_bytes = std::size_t{2} << 20;

class copier {
 public:
  static copier& instance() {
    static auto* c = new copier();  // never destroyed: its threads may outlive main
    return *c;
  }

  template <class Body>
  void run(std::int64_t pieces, Body&& body) {
    std::lock_guard lock(mutex_);  // the pool serves one caller at a time
    pool_.parallel_for(pieces, body);
  }

 private:
  // Copies into fresh pages are bound by page faults, which scale with threads (measured on
  // the H200's 16-core host: 12 GB/s with 8 threads into fresh 4 KiB pages, 52 GB/s touching
  // fresh huge pages with 16); 16 is where a copy into warm memory stops gaining.
  copier() : pool_(static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 16u))) {}

  thread_pool pool_;
  std::mutex mutex_;
};

}  // namespace

void parallel_copy(const std::vector<copy_piece>& pieces) {
  std::size_t total = 0;
  for (const copy_piece& p : pieces) total += p.bytes;
  if (total < parallel_threshold) {
    for (const copy_piece& p : pieces) std::memcpy(p.dst, p.src, p.bytes);
    return;
  }
  // Every piece cut into blocks of at most piece_bytes, numbered in order.
  std::vector<copy_piece> blocks;
  blocks.reserve(total / piece_bytes + pieces.size());
  for (const copy_piece& p : pieces) {
    for (std::size_t off = 0; off < p.bytes; off += piece_bytes) {
      blocks.push_back({static_cast<char*>(p.dst) + off, static_cast<const char*>(p.src) + off,
                        std::min(piece_bytes, p.bytes - off)});
    }
  }
  copier::instance().run(static_cast<std::int64_t>(blocks.size()), [&](std::int64_t k) {
    const copy_piece& b = blocks[static_cast<std::size_t>(k)];
    std::memcpy(b.dst, b.src, b.bytes);
  });
}

void start_copy_threads() { (void)copier::instance(); }

void parallel_blocks(std::int64_t n_blocks, const std::function<void(std::int64_t)>& body) {
  if (n_blocks <= 0) return;
  if (n_blocks == 1) {
    body(0);
    return;
  }
  copier::instance().run(n_blocks, body);
}

void parallel_touch(void* p, std::size_t bytes) {
  // Faulting a page in costs about 1.6 us on one thread (2.5 GB/s of 4 KiB pages), so from
  // 1 MiB on (a quarter of a millisecond) the hand-off pays; pieces of 256 KiB to 2 MiB keep
  // every thread busy on blocks of a few MB (a pinned ring slot, a chunk's input staging).
  constexpr std::size_t page = 4096;
  constexpr std::size_t touch_threshold = std::size_t{1} << 20;
  const std::size_t piece = std::clamp<std::size_t>((bytes / 64 + page - 1) / page * page, std::size_t{256} << 10, piece_bytes);
  auto* base = static_cast<volatile char*>(p);
  const auto blocks = static_cast<std::int64_t>((bytes + piece - 1) / piece);
  const auto touch = [&](std::int64_t k) {
    const std::size_t b = static_cast<std::size_t>(k) * piece;
    const std::size_t e = std::min(bytes, b + piece);
    for (std::size_t i = b; i < e; i += page) base[i] = 0;
  };
  if (bytes < touch_threshold) {
    for (std::int64_t k = 0; k < blocks; ++k) touch(k);
    return;
  }
  copier::instance().run(blocks, touch);
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14; older kernels answer EINVAL
#endif

bool parallel_populate(void* p, std::size_t bytes) {
  if (p == nullptr || bytes == 0) return true;
  // madvise wants a page-aligned start: widen to whole pages (those bytes belong to the same
  // mapping, and populating leaves contents alone).
  constexpr std::uintptr_t page = 4096;
  const auto begin = reinterpret_cast<std::uintptr_t>(p) / page * page;
  const auto end = (reinterpret_cast<std::uintptr_t>(p) + bytes + page - 1) / page * page;
  const std::size_t span = end - begin;
  const std::size_t piece = piece_bytes;  // one huge page a call
  const auto blocks = static_cast<std::int64_t>((span + piece - 1) / piece);
  std::atomic<bool> unsupported{false};
  const auto populate = [&](std::int64_t k) {
    if (unsupported.load(std::memory_order_relaxed)) return;
    const std::size_t b = static_cast<std::size_t>(k) * piece;
    const std::size_t n = std::min(span - b, piece);
    if (::madvise(reinterpret_cast<void*>(begin + b), n, MADV_POPULATE_WRITE) != 0 && errno == EINVAL)
      unsupported.store(true, std::memory_order_relaxed);
  };
  if (span < parallel_threshold) {
    for (std::int64_t k = 0; k < blocks; ++k) populate(k);
  } else {
    copier::instance().run(blocks, populate);
  }
  return !unsupported.load();
}

void parallel_copy(void* dst, const void* src, std::size_t bytes) { parallel_copy({copy_piece{dst, src, bytes}}); }

void parallel_copy_rows(void* dst, std::size_t dst_pitch, const void* src, std::size_t src_pitch, std::size_t width,
                        std::int64_t rows) {
  std::vector<copy_piece> pieces;
  pieces.reserve(static_cast<std::size_t>(std::max<std::int64_t>(rows, 0)));
  for (std::int64_t r = 0; r < rows; ++r) {
    pieces.push_back({static_cast<char*>(dst) + static_cast<std::size_t>(r) * dst_pitch,
                      static_cast<const char*>(src) + static_cast<std::size_t>(r) * src_pitch, width});
  }
  parallel_copy(pieces);
}

}  // namespace cubie
