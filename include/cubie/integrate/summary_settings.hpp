// cubie/integrate/summary_settings.hpp
// The plain-data description of a solve's summary metrics as the loop sees it: which
// accumulators a compiled entry point carries, what each summarised variable's outputs are
// and the sample and window schedule. Built on the host (batch/summary_request.*).
#pragma once
#include "../core/execution_space.hpp"
#include "../core/types.hpp"

namespace cubie {

/// Accumulator groups: the compile-time set an entry point carries (a template argument of
/// the loop; any superset of what a solve asks for gives the same numbers). Metrics that
/// share a group share its registers: max_magnitude reads the max and min, extrema both.
namespace summary_group {
constexpr u32 max = 1u << 0;             ///< running maximum
constexpr u32 min = 1u << 1;             ///< running minimum
constexpr u32 sum = 1u << 2;             ///< compensated sum (mean without std)
constexpr u32 sum_squares = 1u << 3;     ///< compensated sum of squares (rms without std)
constexpr u32 moments = 1u << 4;         ///< Welford mean and sum of squared deviations (std)
constexpr u32 dxdt_max = 1u << 5;        ///< largest first difference
constexpr u32 dxdt_min = 1u << 6;        ///< smallest first difference
constexpr u32 d2xdt2_max = 1u << 7;      ///< largest second difference
constexpr u32 d2xdt2_min = 1u << 8;      ///< smallest second difference
constexpr u32 peaks = 1u << 9;           ///< counts of local maxima (their times go straight out)
constexpr u32 negative_peaks = 1u << 10; ///< counts of local minima
constexpr u32 all = (1u << 11) - 1;
/// Groups that need the previous sample / the one before it.
constexpr u32 needs_previous = dxdt_max | dxdt_min | d2xdt2_max | d2xdt2_min | peaks | negative_peaks;
constexpr u32 needs_second_previous = d2xdt2_max | d2xdt2_min | peaks | negative_peaks;
}  // namespace summary_group

/// What one output value of a summarised variable is computed from, at a window's end.
enum class summary_code : unsigned char {
  mean_of_sum,      ///< sum / n
  mean_of_moments,  ///< Welford mean
  std_of_moments,   ///< sqrt(M2 / n)
  rms_of_squares,   ///< sqrt(sum of squares / n)
  rms_of_moments,   ///< sqrt(M2 / n + mean^2)
  max,
  min,
  max_magnitude,    ///< max(max, -min)
  dxdt_max,         ///< largest first difference / sample_every
  dxdt_min,
  d2xdt2_max,       ///< largest second difference / sample_every^2
  d2xdt2_min,
};

/// The outputs of one summarised variable: `n_outputs` values, in the order of the legend.
/// Peak times fill [peaks_at, peaks_at + n_peaks) as peaks are found; the other values are
/// computed at each window's end into the positions `at`.
struct summary_outputs {
  static constexpr int max_codes = 12;
  i32 n_outputs;
  i32 n_codes;
  summary_code code[max_codes];
  unsigned char at[max_codes];
  i32 peaks_at, n_peaks;
  i32 negative_peaks_at, n_negative_peaks;
};

/// The summary schedule: sample j (j >= 1) at min(fma(sample_every, j, t_start), t_end); window w
/// holds samples w * samples_per_window + 1 .. (w + 1) * samples_per_window. The state at
/// t_start (sample 0) is the history of the first differences, not a sample.
template <class V>
struct summary_settings {
  u32 groups;                   ///< the groups the solve asks for (0: no summaries)
  summary_outputs outputs;
  i32 n_rows;                   ///< values per window and run: summarised variables x n_outputs
  i32 n_summarised_observables; ///< observables are computed at samples only when > 0
  i64 samples_per_window;
  i64 n_windows;
  double t_start;               ///< t0 + settling_time
  double t_end;                 ///< where runs stop (the last save): no sample falls after it
  double sample_every;
  V inv_sample_every;           ///< 1 / sample_every, 1 / sample_every^2 in V
  V inv_sample_every_sq;
  // Fixed steps without intermediate saves (loop_settings::fixed_count_path): each sample
  // interval takes steps_per_sample steps of dt_fixed, the last one last_h long.
  i64 steps_per_sample;
  V sample_last_h;
  i64 tail_steps;  ///< steps after the last window to the span's end, the last one tail_last_h long
  V tail_last_h;
};

}  // namespace cubie
