// cubie/batch/output_types.hpp
// The design's output vocabulary: what solve_spec::output_types may list (state,
// observables, time, iteration_counters, and the 18 summary metrics, "peaks[4]" with its count), parsed and
// checked once, and the legend names each summary metric writes per variable.
#pragma once
#include <string>
#include <vector>

#include "../core/types.hpp"

namespace cubie {

/// The summary metrics, with the design's names.
enum class summary_metric {
  mean,
  max,
  min,
  rms,
  std,
  mean_std,
  mean_std_rms,
  std_rms,
  extrema,
  max_magnitude,
  peaks,
  negative_peaks,
  dxdt_max,
  dxdt_min,
  dxdt_extrema,
  d2xdt2_max,
  d2xdt2_min,
  d2xdt2_extrema,
};

/// The most peaks (or negative peaks) one metric may record per window and variable.
constexpr int max_peaks = 64;

/// One entry of output_types, parsed.
struct output_type {
  enum class kind { state, observables, time, iteration_counters, metric };
  kind what = kind::state;
  summary_metric metric = summary_metric::mean;  ///< when what == metric
  int count = 0;                                 ///< n of peaks[n] / negative_peaks[n]
  std::string text;                              ///< as given

  [[nodiscard]] bool is_metric() const { return what == kind::metric; }
};

/// The 18 metric names, as the design spells them ("peaks" and "negative_peaks" take [n]).
[[nodiscard]] const std::vector<std::string>& summary_metric_names();

/// Every name output_types accepts, for messages: "state, observables, time, mean, ...,
/// peaks[n], negative_peaks[n], ...".
[[nodiscard]] std::string output_type_names();

/// @brief Parses one entry of output_types ("state", "mean", "peaks[4]").
/// @throws invalid_argument naming the entry and listing what is allowed: an unknown name,
///   peaks without [n], a count that is not an integer in [1, max_peaks], a count given to
///   a metric that takes none.
[[nodiscard]] output_type parse_output_type(const std::string& text);

/// @brief The legend names one metric writes per variable, in order: "mean"; "max", "min"
/// for extrema; "peaks_1" .. "peaks_n" for peaks[n] ("peaks" when n = 1), as the design
/// names them. A summary's full legend entry is "<variable> <name>".
[[nodiscard]] std::vector<std::string> metric_output_names(const output_type& t);

}  // namespace cubie
