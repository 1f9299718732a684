#include "cubie/io/monitored_sink.hpp"

namespace cubie::io {

monitored_sink::monitored_sink(result_sink& inner, i64 total_runs, progress_callback on_commit,
                               const std::atomic<bool>* stop_requested)
    : inner_(inner), total_(total_runs), on_commit_(std::move(on_commit)), stop_(stop_requested) {}

void monitored_sink::commit(i64 begin, i64 end) {
  inner_.commit(begin, end);
  committed_ = end;
  ++chunks_;
  if (on_commit_) on_commit_(committed_, total_);
  // Checked after the commit so the chunk that was running when the stop came is kept.
  if (stop_ && stop_->load(std::memory_order_relaxed) && committed_ < total_) throw interrupted();
}

}  // namespace cubie::io
