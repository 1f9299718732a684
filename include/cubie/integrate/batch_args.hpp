// cubie/integrate/batch_args.hpp
// What one kernel launch (or one CPU entry call) is handed: where a chunk's inputs come
// from, where its per-run outputs go, and the loop settings. Plain data, passed by value to
// CUDA kernels; built on the host by make_batch_args (execution/make_batch_args.hpp).
#pragma once
#include "../core/execution_space.hpp"
#include "../core/types.hpp"
#include "continuation_args.hpp"
#include "driver_args.hpp"
#include "event_args.hpp"
#include "loop_settings.hpp"

namespace cubie {

/// The per-run outputs the loop can write. The host's output table (execution/
/// output_table.hpp) describes each one (name, element type, shape per run, fill values);
/// a new output is one entry here and one there, plus the code that computes it.
enum class output_id : int {
  time_domain = 0,  ///< (save, variable): saved states then observables, precision V
  status,           ///< status bits (core/status.hpp), u32
  steps_accepted,   ///< accepted steps, u32
  steps_rejected,   ///< rejected steps, u32
  t_reached,        ///< the time the run reached (the end time when it succeeded), double
  dt_last,          ///< the controller's step size when the run ended (at a failure: the one that failed), V
  summaries,        ///< (window, summarised variable x output): summary metrics, precision V
  event_count,      ///< events that happened (logged or not), u32
  event_times,      ///< (event slot): time of each logged event, double
  event_ids,        ///< (event slot): which event of the system, u32
  event_states,     ///< (event slot, state): the state at each logged event, V
  event_terminated, ///< the time a terminating event ended the run, NaN when none did, double
  iteration_counters, ///< (save, counter): Newton and linear iterations, accepted and rejected steps since the previous save, u32
  stiff_switches,   ///< algorithm = "auto": switches between the explicit and the stiff method, u32
  t_first_stiff,    ///< algorithm = "auto": the time the run first turned stiff, NaN if never, double
  stiff_steps,      ///< algorithm = "auto": accepted steps of the stiff method, u32
  count
};
constexpr int output_count = static_cast<int>(output_id::count);

/// Run-innermost views of one chunk, so adjacent runs (threads or SIMD lanes) touch
/// adjacent addresses.
template <class V>
struct batch_args {
  // Input variable v (states first, then parameters) of local run r:
  // inputs[input_offset[v] + (r + input_run_offset) * input_stride[v]]; stride 0 broadcasts.
  const V* inputs;
  const i64* input_offset;
  const i64* input_stride;
  i64 input_run_offset;

  // Output array id, element e of local run r: outputs[id][e * run_stride + r] (null when
  // the array is not recorded). The time domain's element is (save j, slot s) with
  // j = save index - first_save: e = j * n_out_vars + s; save_stride = n_out_vars * run_stride.
  void* outputs[output_count];
  i64 run_stride;
  i64 save_stride;
  // state_slot[n] / observable_slot[o]: the time-domain slot of state n / observable o, or
  // -1 when it is not saved.
  const i32* state_slot;
  const i32* observable_slot;
  i32 n_saved_observables;
  // Listed save times (n_saves of them, the schedule's landing times), or null when save k
  // is at t_save0 + k * save_every.
  const double* save_times;
  // summary_slot[v] (states, then observables): the variable's block of outputs in the
  // summaries array, or -1 when it is not summarised.
  const i32* summary_slot;

  const V* atol;  // one per state
  const V* rtol;  // one per state
  i64 n_runs;     // runs in this view

  loop_settings<V> loop;

  driver_args drivers;  // interpolated driver signals (integrate/drivers.hpp)
  event_args events;    // event settings (integrate/events.hpp)
  continuation_args resume;  // algorithm = "auto" in two passes (integrate/continuation.hpp); zero otherwise
};

/// Array `id` of `a` as elements of type T (null when it is not recorded).
template <class T, class V>
CUBIE_HD CUBIE_FORCEINLINE T* output_ptr(const batch_args<V>& a, output_id id) {
  return static_cast<T*>(a.outputs[static_cast<int>(id)]);
}

}  // namespace cubie
