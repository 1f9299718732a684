#include "cubie/execution/parallel_copy.hpp"

#include <algorithm>
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
  // Copy bandwidth saturates well before every core of a large host takes part.
  copier() : pool_(static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 8u))) {}

  thread_pool pool_;
  std::mutex mutex_;
};

}  // namespace

void parallel_copy(void* dst, const void* src, std::size_t bytes) {
  parallel_copy_rows(dst, bytes, src, bytes, bytes, 1);
}

void parallel_copy_rows(void* dst, std::size_t dst_pitch, const void* src, std::size_t src_pitch, std::size_t width,
                        std::int64_t rows) {
  if (rows <= 0 || width == 0) return;
  auto* d = static_cast<char*>(dst);
  const auto* s = static_cast<const char*>(src);
  const std::size_t total = width * static_cast<std::size_t>(rows);
  if (total < parallel_threshold) {
    for (std::int64_t r = 0; r < rows; ++r)
      std::memcpy(d + static_cast<std::size_t>(r) * dst_pitch, s + static_cast<std::size_t>(r) * src_pitch, width);
    return;
  }
  // Each row in pieces of at most piece_bytes, numbered row-major.
  const std::size_t per_row = (width + piece_bytes - 1) / piece_bytes;
  copier::instance().run(static_cast<std::int64_t>(per_row) * rows, [&](std::int64_t k) {
    const auto row = static_cast<std::size_t>(k) / per_row;
    const std::size_t off = (static_cast<std::size_t>(k) % per_row) * piece_bytes;
    std::memcpy(d + row * dst_pitch + off, s + row * src_pitch + off, std::min(piece_bytes, width - off));
  });
}

}  // namespace cubie
