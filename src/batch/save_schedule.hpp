// The time span and save schedule of one solve, validated from its solve_spec: where
// integration starts, where save 0 falls, the spacing or the listed times, and which saves
// are recorded.
#pragma once
#include <vector>

#include "cubie/batch/solver_settings.hpp"
#include "cubie/core/types.hpp"

namespace cubie::detail {

struct save_schedule {
  double t0;          ///< integration starts here
  double t_save0;     ///< t0 + settling_time: the time of save 0
  double t_end;       ///< t_save0 + duration
  double t_last;      ///< the schedule's last landing, where runs stop (t_end, or the last regular save)
  double save_every;  ///< spacing; the duration when only the initial and final states are saved
  i64 n_saves;        ///< saves in the schedule (landing times), index 0 at t_save0
  i64 first_save;     ///< the first recorded save: 0, or 1 when save 0 is only landed on
  i64 last_save;      ///< the last recorded save: n_saves - 1, or n_saves - 2 when t_end is only landed on
  /// With save_times: every landing time (t_save0 and t_end added when not listed);
  /// empty when save k is at t_save0 + k * save_every.
  std::vector<double> listed;
  /// Saves between the span's ends (save_every or save_times, with a time domain recorded):
  /// fixed steps must then compare times rather than count steps.
  bool saves_between = false;

  /// The fixed-count rule's schedule half, shared by the Solver's loop settings and by
  /// takes_fixed_count_path: fixed steps with no save between the span's ends count steps
  /// instead of comparing times.
  [[nodiscard]] bool counts_fixed_steps(bool fixed_controller) const { return fixed_controller && !saves_between; }

  /// The times of the recorded saves (t_save0 + k * save_every as one FMA, as the loop
  /// lands, or the listed times).
  [[nodiscard]] std::vector<double> recorded_times() const;
};

/// @param records_time_domain false when no state or observable is saved over time: the
///   schedule is then the span alone (save_every and save_times are checked, not used).
/// @throws setting_error naming the field (t0, duration, settling_time, save_every, save_times).
[[nodiscard]] save_schedule plan_saves(const solve_spec& spec, bool records_time_domain = true);

}  // namespace cubie::detail
