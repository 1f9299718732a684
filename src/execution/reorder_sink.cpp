#include "cubie/execution/reorder_sink.hpp"

#include <algorithm>
#include <string>

#include "cubie/core/error.hpp"
#include "cubie/execution/parallel_copy.hpp"

namespace cubie {

namespace {

// Each array's part of a held buffer starts on this boundary, so copies out of it stay aligned.
constexpr std::size_t part_alignment = 64;

std::size_t part_bytes(const output_array& a, precision p, i64 runs) {
  const std::size_t bytes = static_cast<std::size_t>(a.values_per_run() * runs) * a.element_bytes(p);
  return (bytes + part_alignment - 1) / part_alignment * part_alignment;
}

std::string range_text(i64 b, i64 e) { return "[" + std::to_string(b) + ", " + std::to_string(e) + ")"; }

}  // namespace

reorder_sink::reorder_sink(result_sink& destination, const output_layout& layout, i64 begin)
    : destination_(destination), layout_(layout), in_memory_(destination.whole_result_in_memory()), next_(begin) {}

void reorder_sink::rethrow_locked() const {
  if (failure_) std::rethrow_exception(failure_);
}

output_view reorder_sink::buffer_view(host_buffer& block, i64 runs) const {
  std::size_t total = 0;
  for (const output_array& a : layout_.arrays) total += part_bytes(a, layout_.precision, runs);
  block.reserve(std::max<std::size_t>(total, 1), host_allocator::pageable());
  output_view v;
  char* at = block.as<char>();
  for (const output_array& a : layout_.arrays) {
    v.data[static_cast<int>(a.id)] = at;
    at += part_bytes(a, layout_.precision, runs);
  }
  v.run_stride = runs;
  v.pinned = block.pinned();
  return v;
}

void reorder_sink::copy_into(const output_view& to, const output_view& from, i64 runs) const {
  std::vector<copy_piece> pieces;
  for (const output_array& a : layout_.arrays) {
    const std::size_t eb = a.element_bytes(layout_.precision);
    const std::size_t width = static_cast<std::size_t>(runs) * eb;
    auto* dst = static_cast<char*>(to.data[static_cast<int>(a.id)]);
    const auto* src = static_cast<const char*>(from.data[static_cast<int>(a.id)]);
    for (i64 row = 0; row < a.values_per_run(); ++row) {
      pieces.push_back({dst + static_cast<std::size_t>(row * to.run_stride) * eb,
                        src + static_cast<std::size_t>(row * from.run_stride) * eb, width});
    }
  }
  parallel_copy(pieces);
}

output_view reorder_sink::view(i64 begin, i64 end) {
  {
    std::lock_guard lock(mutex_);
    rethrow_locked();
  }
  if (in_memory_) {
    std::lock_guard call(destination_mutex_);
    return destination_.view(begin, end);
  }
  held_chunk c;
  c.end = end;
  c.view = buffer_view(c.block, end - begin);
  const output_view v = c.view;
  std::lock_guard lock(mutex_);
  // A chunk given back by a failed device and taken again replaces the view it had.
  if (const auto it = chunks_.find(begin); it != chunks_.end()) {
    if (it->second.committed)
      throw internal_error("reorder_sink: a view of runs " + range_text(begin, end) + " after they were committed");
    held_bytes_ -= it->second.block.capacity();
    chunks_.erase(it);
  }
  held_bytes_ += c.block.capacity();
  peak_held_bytes_ = std::max(peak_held_bytes_, held_bytes_);
  chunks_.emplace(begin, std::move(c));
  return v;
}

void reorder_sink::commit(i64 begin, i64 end) {
  std::unique_lock lock(mutex_);
  rethrow_locked();
  if (begin < next_) {
    throw internal_error("reorder_sink: runs " + range_text(begin, end) + " committed twice (the destination has runs before " +
                         std::to_string(next_) + ")");
  }
  if (in_memory_) {
    held_chunk c;
    c.end = end;
    c.committed = true;
    chunks_.insert_or_assign(begin, std::move(c));
  } else {
    const auto it = chunks_.find(begin);
    if (it == chunks_.end() || it->second.end != end || it->second.committed)
      throw internal_error("reorder_sink: commit of runs " + range_text(begin, end) + " without a view");
    it->second.committed = true;
  }
  forward_ready(lock);
}

void reorder_sink::deliver(i64 begin, i64 end, const output_view& data) {
  if (in_memory_) {
    throw internal_error("reorder_sink: deliver of runs " + range_text(begin, end) +
                         " to a result in memory (it takes views, not buffers)");
  }
  std::unique_lock lock(mutex_);
  rethrow_locked();
  if (begin < next_ || chunks_.count(begin) != 0) {
    throw internal_error("reorder_sink: runs " + range_text(begin, end) + " delivered twice");
  }
  if (begin == next_ && !forwarding_) {
    // Next in order: straight to the destination from the caller's buffer, no copy.
    forwarding_ = true;
    lock.unlock();
    held_chunk c;
    c.end = end;
    c.view = data;
    try {
      forward_one(begin, c);
    } catch (...) {
      lock.lock();
      failure_ = std::current_exception();
      forwarding_ = false;
      throw;
    }
    lock.lock();
    next_ = end;
    forwarded_.push_back(end - begin);
    forwarding_ = false;
    forward_ready(lock);
    return;
  }
  // Early: copied (outside the lock, so other devices go on) and held until its turn.
  lock.unlock();
  held_chunk c;
  c.end = end;
  c.view = buffer_view(c.block, end - begin);
  copy_into(c.view, data, end - begin);
  c.committed = true;
  lock.lock();
  rethrow_locked();
  held_bytes_ += c.block.capacity();
  peak_held_bytes_ = std::max(peak_held_bytes_, held_bytes_);
  chunks_.emplace(begin, std::move(c));
  forward_ready(lock);
}

void reorder_sink::forward_ready(std::unique_lock<std::mutex>& lock) {
  if (forwarding_) return;  // the thread forwarding picks these up before it stops
  forwarding_ = true;
  while (!failure_) {
    const auto it = chunks_.find(next_);
    if (it == chunks_.end() || !it->second.committed) break;
    const i64 begin = it->first;
    held_chunk c = std::move(it->second);
    chunks_.erase(it);
    lock.unlock();
    try {
      forward_one(begin, c);
    } catch (...) {
      lock.lock();
      failure_ = std::current_exception();
      held_bytes_ -= c.block.capacity();
      forwarding_ = false;
      throw;
    }
    lock.lock();
    held_bytes_ -= c.block.capacity();
    forwarded_.push_back(c.end - begin);
    next_ = c.end;
  }
  forwarding_ = false;
}

void reorder_sink::forward_one(i64 begin, held_chunk& c) {
  std::lock_guard call(destination_mutex_);
  if (in_memory_) {
    destination_.commit(begin, c.end);
  } else if (destination_.takes_buffers()) {
    destination_.deliver(begin, c.end, c.view);
  } else {
    const output_view to = destination_.view(begin, c.end);
    copy_into(to, c.view, c.end - begin);
    destination_.commit(begin, c.end);
  }
}

i64 reorder_sink::committed_end() const {
  std::lock_guard lock(mutex_);
  return next_;
}

std::vector<memory::chunk_range> reorder_sink::waiting() const {
  std::lock_guard lock(mutex_);
  std::vector<memory::chunk_range> out;
  for (const auto& [b, c] : chunks_)
    if (c.committed) out.push_back({b, c.end});
  return out;
}

std::exception_ptr reorder_sink::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

std::vector<std::int64_t> reorder_sink::forwarded_chunk_runs() const {
  std::lock_guard lock(mutex_);
  return forwarded_;
}

std::uint64_t reorder_sink::peak_held_bytes() const {
  std::lock_guard lock(mutex_);
  return peak_held_bytes_;
}

}  // namespace cubie
