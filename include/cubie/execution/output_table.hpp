// cubie/execution/output_table.hpp
// The one description of a solve's per-run outputs: for every array the loop records, its
// name, element type, shape per run (axes before the run axis, which is always innermost),
// and what failed and never-integrated runs hold. Result storage, chunk buffers, device
// downloads, sinks and file writers iterate over it; none of them names an output itself.
//
// Adding an output: an output_id (integrate/batch_args.hpp), an entry made by the Solver
// (batch/output_selection.cpp), and the loop code that writes it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "../core/precision.hpp"
#include "../integrate/batch_args.hpp"

namespace cubie {

/// The element type of an output array.
enum class element_type {
  value,   ///< the solve's precision: float or double
  uint32,  ///< u32 (status bits, counters)
  float64  ///< double in every precision (times)
};

/// One axis of an output array before the run axis, with what labels it.
struct output_axis {
  std::string name;                  ///< dimension name in files ("time", "variable")
  std::int64_t size = 0;
  std::vector<double> coordinates;   ///< numeric coordinates (save times), when numeric
  std::vector<std::string> labels;   ///< names (variables), when not numeric
  bool numeric = false;              ///< labelled by coordinates rather than names
};

/// One per-run output array.
struct output_array {
  output_id id;
  std::string name;                ///< dataset name in files, e.g. "time_domain"
  std::string description;         ///< one line for readers of files
  element_type type;
  std::vector<output_axis> axes;   ///< outer to inner, before the run axis
  bool nan_when_failed = false;    ///< failed runs' values become NaN (nan_fill_failed)
  double unintegrated_value = 0;   ///< what runs never integrated hold (NaN, 1024, 0, ...)

  /// Elements per run: the product of the axis sizes (1 for a scalar per run).
  [[nodiscard]] std::int64_t values_per_run() const {
    std::int64_t n = 1;
    for (const output_axis& a : axes) n *= a.size;
    return n;
  }
  /// Bytes of one element in a solve of precision p.
  [[nodiscard]] std::size_t element_bytes(precision p) const {
    switch (type) {
      case element_type::value: return value_bytes(p);
      case element_type::uint32: return 4;
      case element_type::float64: return 8;
    }
    return 8;
  }
};

/// Every array a solve records, in output_id order, and the facts they share.
struct output_layout {
  cubie::precision precision = cubie::precision::float64;
  std::int64_t n_runs = 0;
  int n_saved_states = 0;           ///< the time domain's variables are these states, then observables
  std::vector<std::string> event_names;  ///< the system's events: what event_ids index
  std::vector<output_array> arrays;
  /// The summaries' rows are variable-major: each summarised variable (states, then
  /// observables) has one row per value in summary_outputs ("mean", "peaks_1", ...).
  std::vector<std::string> summarised_variables;
  std::vector<std::string> summary_outputs;

  [[nodiscard]] const output_array* find(output_id id) const {
    for (const output_array& a : arrays)
      if (a.id == id) return &a;
    return nullptr;
  }
  [[nodiscard]] bool has(output_id id) const { return find(id) != nullptr; }
  /// Bytes every run adds to the result.
  [[nodiscard]] std::uint64_t bytes_per_run() const {
    std::uint64_t b = 0;
    for (const output_array& a : arrays) b += static_cast<std::uint64_t>(a.values_per_run()) * a.element_bytes(precision);
    return b;
  }

  // The time domain's shape (0 / empty when it is not recorded).
  [[nodiscard]] std::int64_t n_saves() const { return axis_size(output_id::time_domain, 0); }
  [[nodiscard]] std::int64_t n_vars() const { return axis_size(output_id::time_domain, 1); }
  [[nodiscard]] const std::vector<std::string>& variables() const;
  [[nodiscard]] const std::vector<double>& times() const;

  // The summaries' shape (0 / empty when none are recorded).
  [[nodiscard]] std::int64_t n_windows() const { return axis_size(output_id::summaries, 0); }
  [[nodiscard]] std::int64_t n_summaries() const { return axis_size(output_id::summaries, 1); }
  /// "<variable> <value>" per row, as the design's summaries_legend.
  [[nodiscard]] const std::vector<std::string>& summary_legend() const;
  /// The time of each window's last sample.
  [[nodiscard]] const std::vector<double>& window_times() const;

 private:
  [[nodiscard]] std::int64_t axis_size(output_id id, std::size_t axis) const {
    const output_array* a = find(id);
    return a != nullptr && axis < a->axes.size() ? a->axes[axis].size : 0;
  }
};

}  // namespace cubie
