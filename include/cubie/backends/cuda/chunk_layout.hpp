// cubie/backends/cuda/chunk_layout.hpp
// Where one chunk's data lives in its device buffer: small tables, broadcast and varying
// inputs (one contiguous upload), then outputs, status and counters (run-innermost). Plain C++.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "../../execution/prepared_batch.hpp"
#include "../../memory/chunk_plan.hpp"

namespace cubie::cuda {

/// @brief Byte offsets of every part of a chunk of `runs` runs in one buffer.
///
/// [tables: input offsets, strides, output slots, atol, rtol] [inputs: broadcast values, then
/// the chunk's slice of each varying column] [outputs (save, var, run)] [status] [accepted]
/// [rejected]. Tables and inputs come first so that the host uploads one contiguous block
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

    inputs_at_ = align(at, part_alignment);
    broadcast_count_ = static_cast<std::int64_t>(batch.input_values.size()) - batch.varying_columns * batch.n_runs;
    // Broadcast values are padded to the alignment so that every varying column starts aligned.
    varying_at_ = inputs_at_ + align(static_cast<std::size_t>(broadcast_count_) * sizeof(V), part_alignment);
    staged_bytes_ = varying_at_ + static_cast<std::size_t>(batch.varying_columns * runs) * sizeof(V);

    outputs_at_ = align(staged_bytes_, part_alignment);
    output_values_ = batch.n_out_saves * batch.n_out_vars * runs;
    status_at_ = align(outputs_at_ + static_cast<std::size_t>(output_values_) * sizeof(V), part_alignment);
    at = status_at_ + static_cast<std::size_t>(runs) * sizeof(u32);
    counters_ = batch.counters;
    if (counters_) {
      accepted_at_ = align(at, part_alignment);
      rejected_at_ = align(accepted_at_ + static_cast<std::size_t>(runs) * sizeof(u32), part_alignment);
      at = rejected_at_ + static_cast<std::size_t>(runs) * sizeof(u32);
    } else {
      accepted_at_ = rejected_at_ = at;
    }
    total_bytes_ = align(at, part_alignment);
  }

  /// @brief A bound on total_bytes() - runs x batch.bytes_per_run() for any number of runs:
  /// the tables, the broadcast values and the alignment padding of the parts.
  [[nodiscard]] static std::uint64_t overhead_bound(const prepared_batch<V>& batch) {
    const chunk_layout empty(batch, 0);
    // Five parts follow the tables (varying inputs, outputs, status, two counters); each may
    // waste up to one alignment unit once it holds data.
    return empty.varying_at_ + 5 * part_alignment;
  }

  [[nodiscard]] std::int64_t runs() const noexcept { return runs_; }
  /// @brief Bytes of the whole buffer.
  [[nodiscard]] std::size_t total_bytes() const noexcept { return total_bytes_; }
  /// @brief Bytes uploaded per chunk: tables and inputs, [0, staged_bytes()).
  [[nodiscard]] std::size_t staged_bytes() const noexcept { return staged_bytes_; }
  /// @brief Start of the outputs; [outputs_offset(), total_bytes()) is what comes back.
  [[nodiscard]] std::size_t outputs_offset() const noexcept { return outputs_at_; }
  [[nodiscard]] std::size_t status_offset() const noexcept { return status_at_; }
  [[nodiscard]] std::size_t accepted_offset() const noexcept { return accepted_at_; }
  [[nodiscard]] std::size_t rejected_offset() const noexcept { return rejected_at_; }
  /// @brief Output values of the chunk (saves x vars x runs).
  [[nodiscard]] std::int64_t output_values() const noexcept { return output_values_; }
  /// @brief Bytes the host receives per chunk: outputs, status and counters.
  [[nodiscard]] std::uint64_t returned_bytes() const noexcept {
    return static_cast<std::uint64_t>(output_values_) * sizeof(V) +
           static_cast<std::uint64_t>(runs_) * sizeof(u32) * (counters_ ? 3 : 1);
  }

  /// @brief Writes the tables and the inputs of runs [chunk.begin, chunk.end) to `dst`
  /// (staged_bytes() bytes, host memory). `copy(dst, src, bytes)` moves the column slices, so
  /// the caller can spread large copies over threads.
  template <class Copy>
  void stage(const prepared_batch<V>& batch, const memory::chunk_range& chunk, void* dst, Copy&& copy) const {
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
    std::memcpy(base + inputs_at_, batch.input_values.data() + varying_total,
                static_cast<std::size_t>(broadcast_count_) * sizeof(V));
    const std::size_t slice = static_cast<std::size_t>(chunk.size()) * sizeof(V);
    for (i64 c = 0; c < batch.varying_columns; ++c) {
      copy(base + varying_at_ + static_cast<std::size_t>(c) * static_cast<std::size_t>(runs_) * sizeof(V),
           batch.input_values.data() + c * batch.n_runs + chunk.begin, slice);
    }
  }

  /// @brief The kernel's view of a chunk whose buffer starts at `device_base`.
  [[nodiscard]] batch_args<V> args(const prepared_batch<V>& batch, void* device_base) const {
    char* base = static_cast<char*>(device_base);
    batch_args<V> a{};
    a.inputs = reinterpret_cast<const V*>(base + inputs_at_);
    a.input_offset = reinterpret_cast<const i64*>(base + offsets_at_);
    a.input_stride = reinterpret_cast<const i64*>(base + strides_at_);
    a.input_run_offset = 0;
    a.time_domain = reinterpret_cast<V*>(base + outputs_at_);
    a.var_stride = runs_;
    a.save_stride = batch.n_out_vars * runs_;
    a.state_slot = reinterpret_cast<const i32*>(base + state_slot_at_);
    a.observable_slot = reinterpret_cast<const i32*>(base + observable_slot_at_);
    a.n_saved_observables = batch.n_saved_observables;
    a.status = reinterpret_cast<u32*>(base + status_at_);
    a.steps_accepted = counters_ ? reinterpret_cast<u32*>(base + accepted_at_) : nullptr;
    a.steps_rejected = counters_ ? reinterpret_cast<u32*>(base + rejected_at_) : nullptr;
    a.atol = reinterpret_cast<const V*>(base + atol_at_);
    a.rtol = reinterpret_cast<const V*>(base + rtol_at_);
    a.n_runs = runs_;
    a.loop = batch.loop;
    return a;
  }

 private:
  static constexpr std::size_t align(std::size_t x, std::size_t a) noexcept { return (x + a - 1) / a * a; }

  std::int64_t runs_;
  std::int64_t broadcast_count_ = 0;
  std::int64_t output_values_ = 0;
  bool counters_ = false;
  std::size_t offsets_at_ = 0, strides_at_ = 0, state_slot_at_ = 0, observable_slot_at_ = 0, atol_at_ = 0, rtol_at_ = 0;
  std::size_t inputs_at_ = 0, varying_at_ = 0, staged_bytes_ = 0;
  std::size_t outputs_at_ = 0, status_at_ = 0, accepted_at_ = 0, rejected_at_ = 0, total_bytes_ = 0;
};

}  // namespace cubie::cuda
