// cubie/execution/make_batch_args.hpp
// The one place a batch_args is filled: from a prepared batch, the addresses of its tables
// (host memory for the CPU backend, a chunk's device buffer for CUDA) and an output view.
#pragma once
#include "../integrate/batch_args.hpp"
#include "prepared_batch.hpp"
#include "result_sink.hpp"

namespace cubie {

/// Where a launch finds a batch's small tables and its inputs.
template <class V>
struct batch_tables {
  const V* inputs;
  const i64* input_offset;
  const i64* input_stride;
  const i32* state_slot;
  const i32* observable_slot;
  const V* atol;
  const V* rtol;
  const i32* summary_slot;
  const double* save_times;  ///< null when the batch's saves are regular
  const driver_info* drivers;  ///< one per driver (null without)
  i64 column_stride;           ///< elements between two varying input columns
};

/// The tables of `b` in host memory (the CPU backend reads them in place).
template <class V>
[[nodiscard]] batch_tables<V> host_tables(const prepared_batch<V>& b) {
  return {b.input_values.data(), b.input_offset.data(), b.input_stride.data(), b.state_slot.data(),
          b.observable_slot.data(), b.atol.data(), b.rtol.data(), b.summary_slot.data(),
          b.save_times.empty() ? nullptr : b.save_times.data(), b.drivers.empty() ? nullptr : b.drivers.data(),
          b.n_runs};
}

/// @brief Arguments for integrating `runs` runs whose outputs go to `out`.
/// @param input_run_offset  the first run's index in the input columns
template <class V>
[[nodiscard]] batch_args<V> make_batch_args(const prepared_batch<V>& b, const batch_tables<V>& t,
                                            const output_view& out, i64 runs, i64 input_run_offset) {
  batch_args<V> a{};
  a.inputs = t.inputs;
  a.input_offset = t.input_offset;
  a.input_stride = t.input_stride;
  a.input_run_offset = input_run_offset;
  for (const output_array& arr : b.outputs.arrays) a.outputs[static_cast<int>(arr.id)] = out.data[static_cast<int>(arr.id)];
  a.run_stride = out.run_stride;
  a.save_stride = b.outputs.n_vars() * out.run_stride;
  a.state_slot = t.state_slot;
  a.observable_slot = t.observable_slot;
  a.n_saved_observables = b.n_saved_observables;
  a.save_times = t.save_times;
  a.summary_slot = t.summary_slot;
  a.atol = t.atol;
  a.rtol = t.rtol;
  a.n_runs = runs;
  a.loop = b.loop;
  a.drivers.info = t.drivers;
  a.drivers.column_stride = t.column_stride;
  a.drivers.land_on_samples = b.land_on_samples;
  a.events = b.events;
  return a;
}

}  // namespace cubie
