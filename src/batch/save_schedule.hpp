// The time span and save schedule of one solve, validated from its solve_spec: where
// integration starts, where save 0 falls, the spacing and how many saves are recorded.
#pragma once
#include <vector>

#include "cubie/batch/solver_settings.hpp"
#include "cubie/core/types.hpp"

namespace cubie::detail {

struct save_schedule {
  double t0;          ///< integration starts here
  double t_save0;     ///< t0 + settling_time: the time of save 0
  double save_every;  ///< spacing; the duration when only the initial and final states are saved
  i64 n_saves;        ///< saves in the schedule, index 0 at t_save0
  i64 first_save;     ///< 0, or 1 when the initial state is not recorded

  /// The times of the recorded saves (t_save0 + k * save_every as one FMA, as the loop lands).
  [[nodiscard]] std::vector<double> recorded_times() const;
};

/// @throws invalid_argument naming the field (t0, duration, settling_time, save_every).
[[nodiscard]] save_schedule plan_saves(const solve_spec& spec);

}  // namespace cubie::detail
