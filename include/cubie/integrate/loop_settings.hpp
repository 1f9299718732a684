// cubie/integrate/loop_settings.hpp
// The plain-data description of one batch's integration, shared verbatim by the CPU
// backend, CUDA kernels and NVRTC-compiled models: the time span, the save schedule,
// the controller with its precomputed exponents, and where inputs and outputs live.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/types.hpp"
#include "step_controller.hpp"

namespace cubie {

/// Time span, save schedule and controller of one solve. Times are double in every
/// precision; step sizes and gains are in the state precision V.
template <class V>
struct loop_settings {
  double t0;          // integration starts here
  double t_save0;     // t0 + settling_time: the time of save 0
  double save_every;  // spacing of saves; duration when only initial and final are saved
  i64 n_saves;        // saves in the schedule, index 0 at t_save0
  i64 first_save;     // 0, or 1 when the initial state is not recorded

  V dt0;  // first step; <= 0 asks the loop to estimate it (adaptive methods)
  controller_settings<V> control;
  i64 max_steps;

  // Fixed steps with no intermediate saves: an integer step count, no time compare.
  bool fixed_count_path;
  double dt_fixed;   // the fixed step in double, for stage times
  i64 settle_steps;  // steps over the settling span, the last one settle_last_h long
  V settle_last_h;
  i64 main_steps;    // steps over the recorded span, the last one main_last_h long
  V main_last_h;
};

/// Where one chunk's inputs come from and its outputs go: run-innermost views so that
/// adjacent runs (threads or SIMD lanes) touch adjacent addresses.
template <class V>
struct batch_args {
  // Input variable v (states first, then parameters) of local run r:
  // inputs[input_offset[v] + (r + input_run_offset) * input_stride[v]]; stride 0 broadcasts.
  const V* inputs;
  const i64* input_offset;
  const i64* input_stride;
  i64 input_run_offset;

  // Output (save j, slot s, local run r) at time_domain[j * save_stride + s * var_stride + r],
  // with j = save index - first_save. state_slot[n] / observable_slot[o] give the slot of
  // state n / observable o, or -1 when it is not saved.
  V* time_domain;
  i64 save_stride;
  i64 var_stride;
  const i32* state_slot;
  const i32* observable_slot;
  i32 n_saved_observables;

  u32* status;           // one per run
  u32* steps_accepted;   // null when counters are off
  u32* steps_rejected;   // null when counters are off
  const V* atol;         // one per state
  const V* rtol;         // one per state
  i64 n_runs;            // runs in this view

  loop_settings<V> loop;
};

}  // namespace cubie
