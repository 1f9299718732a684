#include "result_pool.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <limits>

#include "cubie/core/error.hpp"

namespace cubie::python {

namespace {

constexpr std::uint64_t slack = std::uint64_t{1} << 20;
// Columns this small cost nothing to allocate: not worth keeping.
constexpr std::size_t smallest_pooled_column = std::size_t{1} << 16;

std::vector<std::uint64_t> bytes_by_id(const SolveResult::layout& l, std::uint64_t& total) {
  std::vector<std::uint64_t> out(static_cast<std::size_t>(output_count), 0);
  total = 0;
  for (const output_array& a : l.arrays) {
    const std::uint64_t b = static_cast<std::uint64_t>(a.values_per_run()) * static_cast<std::uint64_t>(l.n_runs) *
                            a.element_bytes(l.precision);
    out[static_cast<std::size_t>(a.id)] = b;
    total += b;
  }
  return out;
}

std::uint64_t default_bound() {
  const char* v = std::getenv("CUBIE_RESULT_POOL_BYTES");
  if (v != nullptr && *v != '\0') {
    const std::string s = v;
    std::size_t used = 0;
    unsigned long long n = 0;
    bool ok = s[0] >= '0' && s[0] <= '9';
    if (ok) {
      try {
        n = std::stoull(s, &used);
      } catch (const std::exception&) {
        ok = false;
      }
    }
    int shift = 0;
    if (ok && used < s.size()) {
      const char c = s[used];
      shift = (c == 'K' || c == 'k') ? 10 : (c == 'M' || c == 'm') ? 20 : (c == 'G' || c == 'g') ? 30 : -1;
      ok = shift > 0 && used + 1 == s.size() && n <= (std::numeric_limits<unsigned long long>::max() >> shift);
    }
    if (!ok)
      throw invalid_argument("CUBIE_RESULT_POOL_BYTES = '" + s +
                             "' is not allowed: give a byte count, optionally with K, M or G (powers of 1024), e.g. "
                             "2G; 0 keeps no dropped result for reuse");
    return static_cast<std::uint64_t>(n) << shift;
  }
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  const std::uint64_t quarter = pages > 0 && page > 0 ? static_cast<std::uint64_t>(pages) * page / 4 : 0;
  const std::uint64_t two_gib = std::uint64_t{2} << 30;
  return quarter > 0 ? std::min(two_gib, quarter) : two_gib;
}

}  // namespace

result_pool& result_pool::global() {
  // Never destroyed: results may be dropped during interpreter shutdown, after static
  // destructors; kept pinned storage is then left to the operating system.
  static auto* pool = new result_pool(default_bound());
  return *pool;
}

SolveResult result_pool::take(const SolveResult::layout& l, const std::string& alloc_name) {
  std::uint64_t need_total = 0;
  const std::vector<std::uint64_t> need = bytes_by_id(l, need_total);
  std::lock_guard lock(mutex_);
  auto best = results_.end();
  for (auto it = results_.begin(); it != results_.end(); ++it) {
    if (it->alloc_name != alloc_name || it->total > 2 * need_total + slack) continue;
    bool fits = true;
    for (std::size_t id = 0; id < need.size() && fits; ++id) fits = it->bytes[id] >= need[id];
    if (fits && (best == results_.end() || it->total < best->total)) best = it;
  }
  if (best == results_.end()) {
    ++counts_.misses;
    return SolveResult{};
  }
  ++counts_.hits;
  SolveResult r = std::move(best->result);
  result_bytes_ -= best->total;
  results_.erase(best);
  return r;
}

void result_pool::give_back(SolveResult&& r, const std::string& alloc_name) noexcept {
  std::vector<entry> freed;
  std::vector<std::vector<double>> freed_columns;
  try {
    entry e;
    e.bytes = bytes_by_id(r.outputs(), e.total);
    e.alloc_name = alloc_name;
    e.result = std::move(r);
    std::lock_guard lock(mutex_);
    if (e.total == 0 || e.total > max_bytes_) {
      ++counts_.dropped;
      freed.push_back(std::move(e));
    } else {
      ++counts_.returned;
      trim_locked(max_bytes_ - e.total, freed, freed_columns);
      e.age = ++clock_;
      result_bytes_ += e.total;
      results_.push_back(std::move(e));
    }
  } catch (...) {
    // Out of memory noting it: the result is freed as if there were no pool.
  }
  // `freed` and `freed_columns` release their storage here, without the lock.
}

std::vector<double> result_pool::take_column(std::size_t n) {
  if (n >= smallest_pooled_column) {
    std::lock_guard lock(mutex_);
    auto best = columns_.end();
    for (auto it = columns_.begin(); it != columns_.end(); ++it) {
      if (it->capacity() < n || it->capacity() > 2 * n + slack / sizeof(double)) continue;
      if (best == columns_.end() || it->capacity() < best->capacity()) best = it;
    }
    if (best != columns_.end()) {
      std::vector<double> v = std::move(*best);
      column_bytes_ -= v.capacity() * sizeof(double);
      columns_.erase(best);
      ++counts_.column_hits;
      v.resize(n);  // within capacity: no allocation, and the values are all written next
      return v;
    }
    ++counts_.column_misses;
  }
  return std::vector<double>(n);
}

void result_pool::give_back_column(std::vector<double>&& v) noexcept {
  if (v.capacity() < smallest_pooled_column) return;
  std::vector<entry> freed;
  std::vector<std::vector<double>> freed_columns;
  try {
    std::lock_guard lock(mutex_);
    const std::uint64_t bytes = v.capacity() * sizeof(double);
    if (bytes > max_bytes_) return;
    trim_locked(max_bytes_ - bytes, freed, freed_columns);
    column_bytes_ += bytes;
    columns_.push_back(std::move(v));
  } catch (...) {
  }
}

void result_pool::trim_locked(std::uint64_t bound, std::vector<entry>& out_results,
                              std::vector<std::vector<double>>& out_columns) {
  // Columns first (cheap to make again), then the oldest results.
  while (held_locked() > bound && !columns_.empty()) {
    column_bytes_ -= columns_.front().capacity() * sizeof(double);
    out_columns.push_back(std::move(columns_.front()));
    columns_.erase(columns_.begin());
  }
  while (held_locked() > bound && !results_.empty()) {
    auto oldest = std::min_element(results_.begin(), results_.end(),
                                   [](const entry& a, const entry& b) { return a.age < b.age; });
    result_bytes_ -= oldest->total;
    out_results.push_back(std::move(*oldest));
    results_.erase(oldest);
  }
}

void result_pool::set_max_bytes(std::uint64_t bytes) {
  std::vector<entry> freed;
  std::vector<std::vector<double>> freed_columns;
  std::lock_guard lock(mutex_);
  max_bytes_ = bytes;
  trim_locked(bytes, freed, freed_columns);
}

void result_pool::release() {
  std::vector<entry> freed;
  std::vector<std::vector<double>> freed_columns;
  std::lock_guard lock(mutex_);
  trim_locked(0, freed, freed_columns);
}

result_pool_stats result_pool::stats() const {
  std::lock_guard lock(mutex_);
  result_pool_stats s = counts_;
  s.cached_bytes = held_locked();
  s.max_bytes = max_bytes_;
  s.cached_columns = columns_.size();
  return s;
}

std::shared_ptr<batch_grid> pooled_grid(batch_grid&& g) {
  return std::shared_ptr<batch_grid>(new batch_grid(std::move(g)), [](batch_grid* p) noexcept {
    // The grid is going: its varying columns' storage goes to the pool. The object was made
    // non-const here, so moving out of what columns() shows as const is sound.
    for (const batch_grid::column& c : p->columns())
      if (!c.broadcast()) result_pool::global().give_back_column(std::move(const_cast<std::vector<double>&>(c.values)));
    delete p;
  });
}

}  // namespace cubie::python
