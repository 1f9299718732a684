#include "cubie/execution/staging_ring.hpp"

#include <algorithm>
#include <chrono>

#include "cubie/core/error.hpp"
#include "cubie/execution/parallel_copy.hpp"

namespace cubie {

namespace {

// Each array's part of a slot starts on this boundary, so copies out of it stay aligned.
constexpr std::size_t part_alignment = 64;

std::size_t part_bytes(const output_array& a, const output_layout& l, i64 runs) {
  const std::size_t bytes = static_cast<std::size_t>(a.values_per_run() * runs) * a.element_bytes(l.precision);
  return (bytes + part_alignment - 1) / part_alignment * part_alignment;
}

}  // namespace

staging_ring::staging_ring(result_sink& destination, const output_layout& layout, int slots, host_allocator allocator)
    : destination_(destination), layout_(layout), allocator_(std::move(allocator)),
      slots_(static_cast<std::size_t>(std::max(1, slots))) {
  writer_ = std::thread([this] { writer_loop(); });
}

staging_ring::~staging_ring() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  work_.notify_all();
  writer_.join();
}

void staging_ring::rethrow_failure_locked() const {
  if (failure_) std::rethrow_exception(failure_);
}

output_view staging_ring::view(i64 begin, i64 end) {
  std::unique_lock lock(mutex_);
  rethrow_failure_locked();
  auto free_slot = [&] { return std::find_if(slots_.begin(), slots_.end(), [](const slot& s) { return !s.busy; }); };
  if (free_slot() == slots_.end()) {
    const auto t0 = std::chrono::steady_clock::now();
    slot_freed_.wait(lock, [&] { return failure_ || free_slot() != slots_.end(); });
    wait_ms_ += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    rethrow_failure_locked();
  }
  slot& s = *free_slot();
  s.busy = true;
  s.begin = begin;
  s.end = end;
  lock.unlock();

  // Sized for this chunk, kept for the next (chunks of one solve are of one size but the last).
  const i64 runs = end - begin;
  std::size_t total = 0;
  for (const output_array& a : layout_.arrays) total += part_bytes(a, layout_, runs);
  const std::size_t before = s.block.capacity();
  try {
    s.block.reserve(std::max<std::size_t>(total, 1), allocator_);
  } catch (...) {
    std::lock_guard relock(mutex_);
    s.busy = false;
    throw;
  }
  output_view v;
  char* at = s.block.as<char>();
  for (const output_array& a : layout_.arrays) {
    v.data[static_cast<int>(a.id)] = at;
    at += part_bytes(a, layout_, runs);
  }
  v.run_stride = runs;
  v.pinned = s.block.pinned();
  s.view = v;

  lock.lock();
  held_bytes_ += s.block.capacity() - std::min(before, s.block.capacity());
  peak_bytes_ = std::max(peak_bytes_, held_bytes_);
  return v;
}

void staging_ring::commit(i64 begin, i64 end) {
  std::lock_guard lock(mutex_);
  rethrow_failure_locked();
  const auto it = std::find_if(slots_.begin(), slots_.end(),
                               [&](const slot& s) { return s.busy && s.begin == begin && s.end == end; });
  if (it == slots_.end()) {
    throw internal_error("staging_ring: commit of runs [" + std::to_string(begin) + ", " + std::to_string(end) +
                         ") without a view");
  }
  queue_.push_back(static_cast<int>(it - slots_.begin()));
  work_.notify_one();
}

void staging_ring::finish() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return failure_ || (queue_.empty() && !writing_); });
  rethrow_failure_locked();
}

i64 staging_ring::delivered_runs() const {
  std::lock_guard lock(mutex_);
  return delivered_;
}

void staging_ring::deliver_slot(slot& s) {
  if (destination_.takes_buffers()) {
    destination_.deliver(s.begin, s.end, s.view);
    return;
  }
  const output_view to = destination_.view(s.begin, s.end);
  const i64 runs = s.end - s.begin;
  // Every row of every array in one parallel pass (a chunk of final states is a few rows of
  // a few MB each: copied array by array they would not spread over the threads).
  std::vector<copy_piece> pieces;
  for (const output_array& a : layout_.arrays) {
    const std::size_t eb = a.element_bytes(layout_.precision);
    const std::size_t width = static_cast<std::size_t>(runs) * eb;
    auto* dst = static_cast<char*>(to.data[static_cast<int>(a.id)]);
    const auto* src = static_cast<const char*>(s.view.data[static_cast<int>(a.id)]);
    for (i64 row = 0; row < a.values_per_run(); ++row) {
      pieces.push_back({dst + static_cast<std::size_t>(row * to.run_stride) * eb,
                        src + static_cast<std::size_t>(row) * width, width});
    }
  }
  parallel_copy(pieces);
  destination_.commit(s.begin, s.end);
}

void staging_ring::writer_loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    work_.wait(lock, [&] { return stop_ || !queue_.empty(); });
    if (stop_) return;
    slot& s = slots_[static_cast<std::size_t>(queue_.front())];
    queue_.pop_front();
    writing_ = true;
    lock.unlock();
    std::exception_ptr failed;
    try {
      deliver_slot(s);
    } catch (...) {
      failed = std::current_exception();
    }
    lock.lock();
    writing_ = false;
    if (failed) {
      // The destination stopped (a write error, a stop request): the queued chunks are not
      // delivered; the executor learns at its next view or commit, finish() rethrows.
      failure_ = failed;
      queue_.clear();
      for (slot& q : slots_) q.busy = false;
    } else {
      delivered_ = s.end;
      s.busy = false;
    }
    slot_freed_.notify_all();
    idle_.notify_all();
  }
}

}  // namespace cubie
