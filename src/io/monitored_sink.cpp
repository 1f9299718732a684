#include "cubie/io/monitored_sink.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "cubie/core/status.hpp"

namespace cubie::io {

void status_tally::add(u32 status, double t_reached, double dt_last) {
  add(status);
  // A run never integrated (not_integrated) did not stop anywhere; NaN is "not recorded".
  if (status == 0 || (status & status_not_integrated) != 0 || std::isnan(t_reached)) return;
  ++stopped_early;
  if (stopped_early == 1) {
    stopped_t_min = stopped_t_max = t_reached;
  } else {
    stopped_t_min = std::min(stopped_t_min, t_reached);
    stopped_t_max = std::max(stopped_t_max, t_reached);
  }
  if (!std::isnan(dt_last) && (std::isnan(stopped_dt_min) || dt_last < stopped_dt_min)) stopped_dt_min = dt_last;
}

monitored_sink::monitored_sink(result_sink& inner, i64 total_runs, precision p, progress_callback on_commit,
                               const std::atomic<bool>* stop_requested)
    : inner_(inner),
      total_(total_runs),
      on_commit_(std::move(on_commit)),
      stop_(stop_requested),
      double_precision_(p == precision::float64) {}

output_view monitored_sink::view(i64 begin, i64 end) {
  output_view v = inner_.view(begin, end);
  // A later view of the same first run replaces an earlier one (executors may probe a
  // whole-result sink with a one-run view before the real chunks).
  std::erase_if(open_, [&](const open_view& o) { return o.begin == begin; });
  open_.push_back({begin, end, v});
  return v;
}

void monitored_sink::commit(i64 begin, i64 end) {
  // Tallied before the inner commit: a streaming sink may recycle the buffer after it.
  auto it = std::find_if(open_.begin(), open_.end(), [&](const open_view& o) { return o.begin == begin && o.end == end; });
  output_view data;
  if (it != open_.end()) {
    data = it->data;
    open_.erase(it);
  }
  forward(begin, end, data, [&] { inner_.commit(begin, end); });
}

void monitored_sink::deliver(i64 begin, i64 end, const output_view& data) {
  forward(begin, end, data, [&] { inner_.deliver(begin, end, data); });
}

void monitored_sink::tally_chunk(i64 n, const output_view& v) {
  const u32* status = v.array<const u32>(output_id::status);
  if (status == nullptr) return;
  // Almost every chunk has no failed run: one OR over its statuses (vectorised, at memory
  // speed) settles that. Counting run by run through status_tally::add (out of line) cost
  // 2.5-10 ns a run, 10-40 ms at B1's 4,194,304 runs, on the committing thread: the CUDA
  // staging ring's writer, a GPU solve's tail. Where runs failed, only they are looked at.
  u32 any_failed = 0;
  for (i64 r = 0; r < n; ++r) any_failed |= status[r];
  if (any_failed == 0) {
    tally_.runs += n;
    return;
  }
  const double* t_reached = v.array<const double>(output_id::t_reached);
  const void* dt_last = v.data[static_cast<int>(output_id::dt_last)];
  i64 clean = 0;
  for (i64 r = 0; r < n; ++r) {
    if (status[r] == 0) {
      ++clean;
      continue;
    }
    if (t_reached == nullptr) {
      tally_.add(status[r]);
      continue;
    }
    // view(): element e of run r is at e * run_stride + r; these arrays have one element.
    double dt = std::numeric_limits<double>::quiet_NaN();
    if (dt_last != nullptr)
      dt = double_precision_ ? static_cast<const double*>(dt_last)[r] : static_cast<const float*>(dt_last)[r];
    tally_.add(status[r], t_reached[r], dt);
  }
  tally_.runs += clean;  // what add(0) counts: a run, nothing else
}

template <class Forward>
void monitored_sink::forward(i64 begin, i64 end, const output_view& v, Forward&& inner_call) {
  tally_chunk(end - begin, v);
  const auto t0 = std::chrono::steady_clock::now();
  inner_call();
  commit_ms_ += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  committed_ = end;
  ++chunks_;
  if (on_commit_) on_commit_(committed_, total_);
  // Checked after the commit so the chunk that was running when the stop came is kept.
  if (stop_ && stop_->load(std::memory_order_relaxed) && committed_ < total_) throw interrupted();
}

}  // namespace cubie::io
