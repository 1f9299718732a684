// The summary metrics of one solve, planned on the host: the accumulator groups the loop
// needs, what each summarised variable writes (legend order, value codes, peak slots), and
// the window and sample schedule.
#pragma once
#include <string>
#include <vector>

#include "cubie/batch/output_types.hpp"
#include "cubie/batch/solver_settings.hpp"
#include "cubie/integrate/summary_settings.hpp"
#include "save_schedule.hpp"

namespace cubie::detail {

struct summary_plan {
  u32 groups = 0;                          ///< summary_group bits; 0: no summaries
  summary_outputs outputs{};               ///< per summarised variable
  std::vector<std::string> output_names;   ///< per summarised variable, outputs.n_outputs of them
  double summarise_every = 0, sample_every = 0;
  i64 samples_per_window = 0, n_windows = 0;
  std::vector<double> window_ends;         ///< time of each window's last sample

  [[nodiscard]] bool any() const { return groups != 0; }
};

/// @brief The plan for `metrics` over the recorded span of `schedule`.
/// @throws setting_error for a window or sample spacing that is not a finite number > 0,
///   a window longer than the duration, a window that is not a whole number of samples,
///   or two metrics that write the same value (max and extrema).
[[nodiscard]] summary_plan plan_summaries(const std::vector<output_type>& metrics, const solve_spec& spec,
                                          const save_schedule& schedule);

/// The accumulator groups `metrics` need (0 for none).
[[nodiscard]] u32 summary_groups_of(const std::vector<output_type>& metrics);

/// The time of sample j: t_start + j * sample_every as one FMA, never past t_last, where
/// runs stop (the loop computes the same).
[[nodiscard]] double summary_sample_time(double t_start, double sample_every, i64 j, double t_last);

}  // namespace cubie::detail
