#include "cubie/io/hdf5_result_writer.hpp"

#include <algorithm>
#include <limits>
#include <system_error>

#include "cubie/core/error.hpp"
#include "cubie/io/result_paths.hpp"
#include "hdf5_result_file.hpp"

namespace cubie::io {

namespace {

template <class V>
void nan_fill(void* values, const u32* status, i64 n_runs, std::size_t rows) {
  V* data = static_cast<V*>(values);
  const V nan = std::numeric_limits<V>::quiet_NaN();
  for (i64 r = 0; r < n_runs; ++r) {
    if (status[r] == 0) continue;
    for (std::size_t row = 0; row < rows; ++row) data[row * n_runs + r] = nan;
  }
}

}  // namespace

hdf5_result_writer::hdf5_result_writer(std::filesystem::path final_path, const SolveResult::layout& layout,
                                       const batch_grid& grid, const result_metadata& metadata,
                                       const hdf5_file_options& file_options, hdf5_stream_options stream_options)
    : final_path_(std::move(final_path)),
      partial_path_(io::partial_path(final_path_)),
      layout_(layout),
      options_(std::move(stream_options)) {
  if (options_.ring_slots < 1)
    throw invalid_argument("ring_slots = " + std::to_string(options_.ring_slots) + "; it must be at least 1");
  file_ = std::make_unique<hdf5_result_file>(partial_path_, layout_, grid, metadata, file_options);
  slots_.resize(static_cast<std::size_t>(options_.ring_slots));
}

hdf5_result_writer::~hdf5_result_writer() {
  if (file_) file_->close();
}

output_view hdf5_result_writer::view(i64 begin, i64 end) {
  auto it = std::find_if(slots_.begin(), slots_.end(), [](const slot& s) { return !s.busy; });
  if (it == slots_.end()) {
    throw internal_error("hdf5_result_writer: more than " + std::to_string(slots_.size()) +
                         " chunks in flight; the executor must respect max_in_flight()");
  }
  const i64 n = end - begin;
  const std::size_t value_bytes = layout_.precision == precision::float32 ? 4 : 8;
  const std::size_t values = static_cast<std::size_t>(layout_.n_saves) * layout_.variables.size() *
                             static_cast<std::size_t>(n);
  it->values.reserve(std::max<std::size_t>(1, values * value_bytes), options_.scratch_allocator);
  it->counters.reserve(3 * static_cast<std::size_t>(n) * sizeof(u32), options_.scratch_allocator);
  it->begin = begin;
  it->end = end;
  it->busy = true;

  output_view v;
  v.time_domain = it->values.data();
  v.var_stride = n;
  v.save_stride = n * static_cast<i64>(layout_.variables.size());
  u32* counters = it->counters.as<u32>();
  v.status = counters;
  v.accepted = layout_.counters ? counters + n : nullptr;
  v.rejected = layout_.counters ? counters + 2 * n : nullptr;
  v.pinned = it->values.pinned() && it->counters.pinned();
  return v;
}

void hdf5_result_writer::commit(i64 begin, i64 end) {
  if (!file_) throw internal_error("hdf5_result_writer: commit after finish() or discard()");
  auto it = std::find_if(slots_.begin(), slots_.end(),
                         [&](const slot& s) { return s.busy && s.begin == begin && s.end == end; });
  if (it == slots_.end() || begin != committed_) {
    throw internal_error("hdf5_result_writer: commit of runs [" + std::to_string(begin) + ", " + std::to_string(end) +
                         ") out of order or without a view (runs before " + std::to_string(committed_) +
                         " are committed)");
  }
  const i64 n = end - begin;
  u32* counters = it->counters.as<u32>();
  if (options_.nan_fill_failed) {
    const std::size_t rows = static_cast<std::size_t>(layout_.n_saves) * layout_.variables.size();
    if (layout_.precision == precision::float32) nan_fill<float>(it->values.data(), counters, n, rows);
    else nan_fill<double>(it->values.data(), counters, n, rows);
  }
  run_slab slab;
  slab.values = it->values.data();
  slab.buffer_runs = n;
  slab.offset = 0;
  slab.status = counters;
  slab.accepted = layout_.counters ? counters + n : nullptr;
  slab.rejected = layout_.counters ? counters + 2 * n : nullptr;
  // The slot is free again whatever happens below: a failed write ends the solve anyway.
  it->busy = false;
  file_->write_runs(begin, end, slab);
  file_->mark_committed(end);
  committed_ = end;
  ++chunks_;
}

void hdf5_result_writer::finish() {
  if (!file_) throw internal_error("hdf5_result_writer: finish() called twice or after discard()");
  if (committed_ != layout_.n_runs) {
    throw internal_error("hdf5_result_writer: finish() with " + std::to_string(committed_) + " of " +
                         std::to_string(layout_.n_runs) + " runs committed");
  }
  file_->seal();
  file_.reset();
  publish_file(partial_path_, final_path_);
}

void hdf5_result_writer::discard() {
  if (file_) {
    file_->close();
    file_.reset();
  }
  std::error_code ec;
  std::filesystem::remove(partial_path_, ec);
}

}  // namespace cubie::io
