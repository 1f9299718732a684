#include "cubie/io/hdf5_result_writer.hpp"

#include <algorithm>
#include <limits>
#include <system_error>

#include "cubie/core/error.hpp"
#include "cubie/io/result_paths.hpp"
#include "cubie/execution/output_fill.hpp"
#include "hdf5_result_file.hpp"

namespace cubie::io {

hdf5_result_writer::hdf5_result_writer(std::filesystem::path final_path, const SolveResult::layout& layout,
                                       const batch_grid& grid, const result_metadata& metadata,
                                       const hdf5_file_options& file_options, hdf5_stream_options stream_options)
    : final_path_(std::move(final_path)),
      partial_path_(io::partial_path(final_path_)),
      layout_(layout),
      options_(std::move(stream_options)) {
  if (options_.ring_slots < 1)
    throw invalid_argument("ring_slots = " + std::to_string(options_.ring_slots) + "; it must be at least 1");
  try {
    result_file_form form;
    form.first_run = options_.first_run;
    file_ = std::make_unique<hdf5_result_file>(partial_path_, layout_, grid, metadata, file_options, form);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(partial_path_, ec);  // no run in it: nothing worth keeping
    throw;
  }
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
  // One block per slot, each array's part aligned so vector copies into it stay aligned.
  auto part_bytes = [&](const output_array& a) {
    const std::size_t bytes = static_cast<std::size_t>(a.values_per_run() * n) * a.element_bytes(layout_.precision);
    return (bytes + 63) / 64 * 64;
  };
  std::size_t total = 0;
  for (const output_array& a : layout_.arrays) total += part_bytes(a);
  it->block.reserve(std::max<std::size_t>(1, total), options_.scratch_allocator);
  output_view v;
  char* at = it->block.as<char>();
  for (const output_array& a : layout_.arrays) {
    v.data[static_cast<int>(a.id)] = at;
    at += part_bytes(a);
  }
  v.run_stride = n;
  v.pinned = it->block.pinned();
  it->view = v;
  it->begin = begin;
  it->end = end;
  it->busy = true;
  return v;
}

void hdf5_result_writer::commit(i64 begin, i64 end) {
  if (!file_) throw internal_error("hdf5_result_writer: commit after finish(), discard() or a failed write");
  auto it = std::find_if(slots_.begin(), slots_.end(),
                         [&](const slot& s) { return s.busy && s.begin == begin && s.end == end; });
  if (it == slots_.end() || begin != committed_) {
    throw internal_error("hdf5_result_writer: commit of runs [" + std::to_string(begin) + ", " + std::to_string(end) +
                         ") out of order or without a view (runs before " + std::to_string(committed_) +
                         " are committed)");
  }
  // The slot is free again whatever happens below: a failed write ends the solve anyway.
  it->busy = false;
  write_chunk(begin, end, it->view);
}

void hdf5_result_writer::deliver(i64 begin, i64 end, const output_view& data) {
  if (!file_) throw internal_error("hdf5_result_writer: deliver after finish(), discard() or a failed write");
  if (begin != committed_) {
    throw internal_error("hdf5_result_writer: delivery of runs [" + std::to_string(begin) + ", " +
                         std::to_string(end) + ") out of order (runs before " + std::to_string(committed_) +
                         " are committed)");
  }
  write_chunk(begin, end, data);
}

void hdf5_result_writer::write_chunk(i64 begin, i64 end, const output_view& data) {
  const i64 n = end - begin;
  if (options_.nan_fill_failed) nan_fill_failed_runs(layout_, data, n);
  run_slab slab;
  for (int k = 0; k < output_count; ++k) slab.data[k] = data.data[k];
  slab.buffer_runs = data.run_stride;
  slab.offset = 0;
  try {
    file_->write_runs(begin, end, slab);
    file_->mark_committed(end);
  } catch (...) {
    // A failed write (a full disk): the partial file keeps the chunks committed before.
    file_->abandon();
    file_.reset();
    throw;
  }
  committed_ = end;
  ++chunks_;
}

void hdf5_result_writer::finish() {
  if (!file_) throw internal_error("hdf5_result_writer: finish() called twice or after discard()");
  if (committed_ != layout_.n_runs) {
    throw internal_error("hdf5_result_writer: finish() with " + std::to_string(committed_) + " of " +
                         std::to_string(layout_.n_runs) + " runs committed");
  }
  try {
    file_->seal();
  } catch (...) {
    file_->abandon();
    file_.reset();
    throw;
  }
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
