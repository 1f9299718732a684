#include "cubie/execution/chunk_queue.hpp"

#include <algorithm>
#include <string>

#include "cubie/core/error.hpp"

namespace cubie {

namespace {

// Inserts [b, e) into a map of disjoint ranges, merging it with neighbours it touches.
void insert_merged(std::map<std::int64_t, std::int64_t>& ranges, std::int64_t b, std::int64_t e) {
  auto next = ranges.lower_bound(b);
  if (next != ranges.begin()) {
    auto prev = std::prev(next);
    if (prev->second == b) {
      b = prev->first;
      ranges.erase(prev);
    }
  }
  if (next != ranges.end() && next->first == e) {
    e = next->second;
    ranges.erase(next);
  }
  ranges.emplace(b, e);
}

}  // namespace

chunk_queue::chunk_queue(std::int64_t begin, std::int64_t end, int devices, bool windowed)
    : begin_(begin), end_(end), share_(0), windowed_(windowed), cursor_(begin), prefix_(begin), taking_(devices) {
  CUBIE_EXPECTS(end >= begin, "chunk_queue: end = " + std::to_string(end) + " is before begin = " + std::to_string(begin));
  CUBIE_EXPECTS(devices >= 1, "chunk_queue: devices = " + std::to_string(devices) + "; it must be at least 1");
  share_ = (end - begin + devices - 1) / devices;
}

void chunk_queue::join(std::int64_t chunk_runs, std::int64_t slots) {
  std::lock_guard lock(mutex_);
  // A device keeps up to `slots` chunks in flight and its ring one more; twice that (and one
  // more chunk) lets a device run ahead of a slower one by a whole pipeline before it waits.
  window_runs_ += (2 * std::max<std::int64_t>(slots, 1) + 2) * std::max<std::int64_t>(chunk_runs, 1);
  changed_.notify_all();
}

std::int64_t chunk_queue::window_end_locked() const {
  if (!windowed_ || window_runs_ == 0) return end_;
  return prefix_ + window_runs_;
}

std::int64_t chunk_queue::guided_size_locked(std::int64_t max_runs, std::int64_t unit) const {
  const std::int64_t rest = end_ - cursor_;
  const std::int64_t devices = std::max(taking_, 1);
  const std::int64_t guided = (rest + 2 * devices - 1) / (2 * devices);
  // The device's own size while plenty is left (its plan already chose whole waves); below
  // it, whole units of the guided size, one unit at least.
  std::int64_t size = max_runs;
  if (guided < max_runs) size = guided >= unit ? guided / unit * unit : std::min(unit, max_runs);
  size = std::min(size, rest);
  // A rest under one unit would make a last chunk that fills nothing: take it now.
  if (rest - size < unit && rest <= max_runs) size = rest;
  return size;
}

bool chunk_queue::finished_locked() const {
  return stopped_ || (cursor_ == end_ && returned_.empty() && outstanding_ == 0);
}

chunk_queue::ticket chunk_queue::take(std::int64_t max_runs, std::int64_t unit, bool may_block) {
  CUBIE_EXPECTS(max_runs >= 1, "chunk_queue::take: max_runs = " + std::to_string(max_runs) + "; it must be >= 1");
  CUBIE_EXPECTS(unit >= 1, "chunk_queue::take: unit = " + std::to_string(unit) + "; it must be >= 1");
  std::unique_lock lock(mutex_);
  for (;;) {
    if (finished_locked()) return {outcome::finished, {}};
    if (!returned_.empty()) {
      // Given back: the lowest first, so the destination's next chunk is never left waiting.
      const auto it = returned_.begin();
      const std::int64_t b = it->first, e = std::min(it->second, b + max_runs);
      if (e < it->second) returned_.emplace(e, it->second);
      returned_.erase(it);
      outstanding_ += e - b;
      return {outcome::chunk, {b, e}};
    }
    if (cursor_ < end_) {
      const std::int64_t size = guided_size_locked(max_runs, unit);
      if (cursor_ + size <= window_end_locked() || outstanding_ == 0) {
        const memory::chunk_range r{cursor_, cursor_ + size};
        cursor_ += size;
        outstanding_ += size;
        return {outcome::chunk, r};
      }
    }
    // Every run is taken (some may come back) or the window is full: both end when another
    // device completes or gives back a chunk.
    if (!may_block) return {outcome::wait, {}};
    changed_.wait(lock);
  }
}

void chunk_queue::give_back(const memory::chunk_range& chunk) {
  if (chunk.size() <= 0) return;
  std::lock_guard lock(mutex_);
  insert_merged(returned_, chunk.begin, chunk.end);
  outstanding_ -= chunk.size();
  given_back_[std::this_thread::get_id()] += chunk.size();
  changed_.notify_all();
}

void chunk_queue::completed(const memory::chunk_range& chunk) {
  if (chunk.size() <= 0) return;
  std::lock_guard lock(mutex_);
  insert_merged(done_, chunk.begin, chunk.end);
  completed_ += chunk.size();
  outstanding_ -= chunk.size();
  const auto first = done_.find(begin_);
  if (first != done_.end()) prefix_ = first->second;
  changed_.notify_all();
}

void chunk_queue::leave() {
  std::lock_guard lock(mutex_);
  taking_ = std::max(0, taking_ - 1);
  changed_.notify_all();
}

void chunk_queue::stop() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  changed_.notify_all();
}

bool chunk_queue::all_completed() const {
  std::lock_guard lock(mutex_);
  return completed_ == end_ - begin_;
}

std::int64_t chunk_queue::completed_runs() const {
  std::lock_guard lock(mutex_);
  return completed_;
}

std::vector<memory::chunk_range> chunk_queue::unfinished() const {
  std::lock_guard lock(mutex_);
  std::vector<memory::chunk_range> gaps;
  std::int64_t at = begin_;
  for (const auto& [b, e] : done_) {
    if (b > at) gaps.push_back({at, b});
    at = e;
  }
  if (at < end_) gaps.push_back({at, end_});
  return gaps;
}

int chunk_queue::devices_taking() const {
  std::lock_guard lock(mutex_);
  return taking_;
}

bool chunk_queue::all_taken() const {
  std::lock_guard lock(mutex_);
  return cursor_ == end_ && returned_.empty();
}

std::int64_t chunk_queue::given_back_by(std::thread::id t) const {
  std::lock_guard lock(mutex_);
  const auto it = given_back_.find(t);
  return it == given_back_.end() ? 0 : it->second;
}

}  // namespace cubie
