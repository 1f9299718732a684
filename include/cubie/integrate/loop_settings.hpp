// cubie/integrate/loop_settings.hpp
// The plain-data description of one batch's integration, shared verbatim by the CPU
// backend, CUDA kernels and NVRTC-compiled models: the time span, the save schedule,
// the controller with its precomputed exponents.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/types.hpp"
#include "newton_settings.hpp"
#include "step_controller.hpp"
#include "summary_settings.hpp"

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
  i64 last_save;      // the last recorded save: n_saves - 1, or n_saves - 2 when listed save
                      // times end before t_end (landed on, not recorded)

  V dt0;  // first step; <= 0 asks the loop to estimate it (adaptive methods)
  controller_settings<V> control;
  newton_settings<V> newton;  // implicit Runge-Kutta stages (unused by the other families)
  i64 max_steps;

  // Fixed steps with no intermediate saves: an integer step count, no time compare.
  bool fixed_count_path;
  double dt_fixed;   // the fixed step in double, for stage times
  i64 settle_steps;  // steps over the settling span, the last one settle_last_h long
  V settle_last_h;
  i64 main_steps;    // steps over the recorded span, the last one main_last_h long
  V main_last_h;

  summary_settings<V> summary;  // summary metrics: groups = 0 when none are recorded
};

}  // namespace cubie
