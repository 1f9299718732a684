// cubie/backends/cuda/chunk_layout.hpp
// Where one chunk's data lives in its device buffer: small tables, broadcast and varying
// inputs (one contiguous upload), then every output array of the batch's output table
// (run-innermost). Plain C++.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../../execution/make_batch_args.hpp"
#include "../../execution/prepared_batch.hpp"
#include "../../memory/chunk_plan.hpp"

namespace cubie::cuda {

/// @brief Byte offsets of every part of a chunk of `runs` runs in one buffer.
///
/// [tables: input offsets, strides, output slots, atol, rtol, summary slots, save times, drivers]
/// [inputs: broadcast values, then
/// the chunk's slice of each varying column] [one part per output array, in table order].
/// Tables and inputs come first so that the host uploads one contiguous block
/// per chunk; the tables are rewritten for every chunk (a few hundred bytes) so that a chunk
/// needs no state from an earlier one. Inside the chunk the run index is local: var_stride =
/// runs, input_run_offset = 0.
template <class V>
class chunk_layout {
 public:
  /// Every part starts at a multiple of this: cudaMalloc's alignment, so loads coalesce.
  static constexpr std::size_t part_alignment = 256;

  /// @brief The layout of a chunk of `runs` runs of `batch`.
  chunk_layout(const prepared_batch<V>& batch, std::int64_t runs) : runs_(runs) {
    const std::size_t nv = batch.input_offset.size();
    std::size_t at = 0;
    offsets_at_ = at;
    at = align(at + nv * sizeof(i64), 8);
    strides_at_ = at;
    at = align(at + nv * sizeof(i64), 8);
    state_slot_at_ = at;
    at = align(at + batch.state_slot.size() * sizeof(i32), 8);
    observable_slot_at_ = at;
    at = align(at + batch.observable_slot.size() * sizeof(i32), 8);
    atol_at_ = at;
    at = align(at + batch.atol.size() * sizeof(V), 8);
    rtol_at_ = at;
    at = align(at + batch.rtol.size() * sizeof(V), 8);
    summary_slot_at_ = at;
    at = align(at + batch.summary_slot.size() * sizeof(i32), 8);
    save_times_at_ = at;
    at = align(at + batch.save_times.size() * sizeof(double), 8);
    drivers_at_ = at;
    at = align(at + batch.drivers.size() * sizeof(driver_info), 8);
    if (batch.continuation_fields > 0) {
      // algorithm = "auto" in two passes: the count of runs the first pass hands on lives
      // among the tables, so that the chunk's upload sets it to 0 (stage_tables) and no
      // memset is queued per chunk.
      handed_count_at_ = at;
      at += sizeof(unsigned long long);
    }

    inputs_at_ = align(at, part_alignment);
    broadcast_count_ = static_cast<std::int64_t>(batch.input_values.size()) - batch.varying_columns * batch.n_runs;
    // Broadcast values are padded to the alignment so that every varying column starts aligned.
    varying_at_ = inputs_at_ + align(static_cast<std::size_t>(broadcast_count_) * sizeof(V), part_alignment);
    staged_bytes_ = varying_at_ + static_cast<std::size_t>(batch.varying_columns * runs) * sizeof(V);

    outputs_at_ = align(staged_bytes_, part_alignment);
    at = outputs_at_;
    for (const output_array& arr : batch.outputs.arrays) {
      at = align(at, part_alignment);
      const std::size_t bytes = static_cast<std::size_t>(arr.values_per_run() * runs) * arr.element_bytes(batch.outputs.precision);
      parts_[static_cast<int>(arr.id)] = at;
      returned_bytes_ += bytes;
      at += bytes;
    }
    if (batch.continuation_fields > 0) {
      // algorithm = "auto" in two passes: the runs' continuation records and the list of runs
      // handed on (device only; integrate/continuation.hpp; its length is among the tables).
      record_at_ = align(at, part_alignment);
      handed_at_ = align(record_at_ + static_cast<std::size_t>(batch.continuation_fields * runs) * sizeof(double),
                         part_alignment);
      at = handed_at_ + static_cast<std::size_t>(runs) * sizeof(i64);
    }
    total_bytes_ = align(at, part_alignment);
  }

  /// @brief A bound on total_bytes() - runs x batch.bytes_per_run() for any number of runs:
  /// the tables, the broadcast values and the alignment padding of the parts.
  [[nodiscard]] static std::uint64_t overhead_bound(const prepared_batch<V>& batch) {
    const chunk_layout empty(batch, 0);
    // The varying inputs and each output array follow the tables; each part may waste up to
    // one alignment unit once it holds data.
    return empty.varying_at_ + (1 + batch.outputs.arrays.size()) * part_alignment +
           (batch.continuation_fields > 0 ? 2 * part_alignment : 0);
  }

  [[nodiscard]] std::int64_t runs() const noexcept { return runs_; }
  /// @brief Bytes of the whole buffer.
  [[nodiscard]] std::size_t total_bytes() const noexcept { return total_bytes_; }
  /// @brief Bytes uploaded per chunk: tables and inputs, [0, staged_bytes()).
  [[nodiscard]] std::size_t staged_bytes() const noexcept { return staged_bytes_; }
  /// @brief Start of the outputs; [outputs_offset(), total_bytes()) is what comes back.
  [[nodiscard]] std::size_t outputs_offset() const noexcept { return outputs_at_; }
  /// @brief Start of output array `id`'s part (meaningful for arrays the batch records).
  [[nodiscard]] std::size_t array_offset(output_id id) const noexcept { return parts_[static_cast<int>(id)]; }
  /// @brief Bytes the host receives per chunk: every output array.
  [[nodiscard]] std::uint64_t returned_bytes() const noexcept { return returned_bytes_; }

  /// @brief Writes the tables and the inputs of runs [chunk.begin, chunk.end) to `dst`
  /// (staged_bytes() bytes, host memory). `copy(dst, src, bytes)` moves the column slices, so
  /// the caller can spread large copies over threads.
  template <class Copy>
  void stage(const prepared_batch<V>& batch, const memory::chunk_range& chunk, void* dst, Copy&& copy) const {
    stage_tables(batch, dst);
    char* base = static_cast<char*>(dst);
    const std::size_t slice = static_cast<std::size_t>(chunk.size()) * sizeof(V);
    for (i64 c = 0; c < batch.varying_columns; ++c) copy(base + varying_column_offset(c), varying_column(batch, chunk, c), slice);
  }

  /// @brief Start of varying input column `c` in the buffer; [0, varying_offset()) holds the
  /// tables and the broadcast values, written by stage_tables.
  [[nodiscard]] std::size_t varying_offset() const noexcept { return varying_at_; }
  [[nodiscard]] std::size_t varying_column_offset(i64 c) const noexcept {
    return varying_at_ + static_cast<std::size_t>(c) * static_cast<std::size_t>(runs_) * sizeof(V);
  }
  /// @brief Where the prepared batch holds column `c`'s values of `chunk` (its runs in order).
  [[nodiscard]] static const V* varying_column(const prepared_batch<V>& batch, const memory::chunk_range& chunk, i64 c) {
    return batch.input_values.data() + c * batch.n_runs + chunk.begin;
  }

  /// @brief Writes [0, varying_offset()) of the buffer to `dst`: the tables and the broadcast
  /// values (the varying columns follow, each a slice of the prepared inputs).
  void stage_tables(const prepared_batch<V>& batch, void* dst) const {
    char* base = static_cast<char*>(dst);
    const std::size_t nv = batch.input_offset.size();
    const i64 varying_total = batch.varying_columns * batch.n_runs;
    const i64 varying_first = static_cast<i64>((varying_at_ - inputs_at_) / sizeof(V));
    auto* offsets = reinterpret_cast<i64*>(base + offsets_at_);
    auto* strides = reinterpret_cast<i64*>(base + strides_at_);
    for (std::size_t v = 0; v < nv; ++v) {
      const i64 off = batch.input_offset[v];
      if (batch.input_stride[v] == 0) {
        offsets[v] = off - varying_total;  // index among the broadcast values
      } else {
        offsets[v] = varying_first + (off / batch.n_runs) * runs_;  // column off / n_runs
      }
      strides[v] = batch.input_stride[v];
    }
    std::memcpy(base + state_slot_at_, batch.state_slot.data(), batch.state_slot.size() * sizeof(i32));
    std::memcpy(base + observable_slot_at_, batch.observable_slot.data(), batch.observable_slot.size() * sizeof(i32));
    std::memcpy(base + atol_at_, batch.atol.data(), batch.atol.size() * sizeof(V));
    std::memcpy(base + rtol_at_, batch.rtol.data(), batch.rtol.size() * sizeof(V));
    std::memcpy(base + summary_slot_at_, batch.summary_slot.data(), batch.summary_slot.size() * sizeof(i32));
    std::memcpy(base + save_times_at_, batch.save_times.data(), batch.save_times.size() * sizeof(double));
    if (!batch.drivers.empty())
      std::memcpy(base + drivers_at_, batch.drivers.data(), batch.drivers.size() * sizeof(driver_info));
    if (batch.continuation_fields > 0) std::memset(base + handed_count_at_, 0, sizeof(unsigned long long));
    std::memcpy(base + inputs_at_, batch.input_values.data() + varying_total,
                static_cast<std::size_t>(broadcast_count_) * sizeof(V));
  }

  /// @brief The kernel's view of a chunk whose buffer starts at `device_base`.
  [[nodiscard]] batch_args<V> args(const prepared_batch<V>& batch, void* device_base) const {
    char* base = static_cast<char*>(device_base);
    const batch_tables<V> tables{reinterpret_cast<const V*>(base + inputs_at_),
                                 reinterpret_cast<const i64*>(base + offsets_at_),
                                 reinterpret_cast<const i64*>(base + strides_at_),
                                 reinterpret_cast<const i32*>(base + state_slot_at_),
                                 reinterpret_cast<const i32*>(base + observable_slot_at_),
                                 reinterpret_cast<const V*>(base + atol_at_),
                                 reinterpret_cast<const V*>(base + rtol_at_),
                                 reinterpret_cast<const i32*>(base + summary_slot_at_),
                                 batch.save_times.empty() ? nullptr
                                                          : reinterpret_cast<const double*>(base + save_times_at_),
                                 batch.drivers.empty() ? nullptr : reinterpret_cast<const driver_info*>(base + drivers_at_),
                                 runs_};
    batch_args<V> a = make_batch_args(batch, tables, device_view(batch, device_base), runs_, 0);
    if (batch.continuation_fields > 0) {
      a.resume = {reinterpret_cast<double*>(base + record_at_), runs_, reinterpret_cast<i64*>(base + handed_at_),
                  reinterpret_cast<unsigned long long*>(base + handed_count_at_), 0};
    }
    return a;
  }
  /// @brief Two passes: where the count of runs handed to the second pass lives (among the
  /// tables: every upload of the chunk sets it to 0).
  [[nodiscard]] std::size_t handed_count_offset() const noexcept { return handed_count_at_; }

  /// @brief The chunk's output arrays in the device buffer at `device_base`, as a view.
  [[nodiscard]] output_view device_view(const prepared_batch<V>& batch, void* device_base) const {
    output_view v;
    for (const output_array& arr : batch.outputs.arrays)
      v.data[static_cast<int>(arr.id)] = static_cast<char*>(device_base) + parts_[static_cast<int>(arr.id)];
    v.run_stride = runs_;
    return v;
  }

 private:
  static constexpr std::size_t align(std::size_t x, std::size_t a) noexcept { return (x + a - 1) / a * a; }

  std::int64_t runs_;
  std::int64_t broadcast_count_ = 0;
  std::size_t offsets_at_ = 0, strides_at_ = 0, state_slot_at_ = 0, observable_slot_at_ = 0, atol_at_ = 0, rtol_at_ = 0;
  std::size_t summary_slot_at_ = 0, save_times_at_ = 0;
  std::size_t drivers_at_ = 0;
  std::size_t inputs_at_ = 0, varying_at_ = 0, staged_bytes_ = 0;
  std::size_t outputs_at_ = 0, total_bytes_ = 0;
  std::size_t parts_[output_count] = {};
  std::size_t record_at_ = 0, handed_at_ = 0, handed_count_at_ = 0;
  std::uint64_t returned_bytes_ = 0;
};

}  // namespace cubie::cuda
