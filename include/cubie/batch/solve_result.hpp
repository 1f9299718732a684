// cubie/batch/solve_result.hpp
// One solve's results: every per-run output array of its output table (the time domain
// (n_saves, n_vars, n_runs), status bits, step counts, ...), run index innermost, and the
// statistics. It owns its storage (move-only) and can be handed back to
// Solver::solve_into for reuse.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "../core/types.hpp"
#include "../execution/output_table.hpp"
#include "../execution/result_sink.hpp"
#include "../execution/solve_statistics.hpp"
#include "../memory/host_buffer.hpp"
#include "solver_settings.hpp"

namespace cubie {

/// One value ("mean", "peaks_2", ...) of every summarised variable, a strided view into a
/// result's summaries: element (window, variable, run), variables in summarised_variables()
/// order. Valid while the result lives and is not solved into again.
template <class V>
struct summary_view {
  const V* data = nullptr;
  std::int64_t n_windows = 0, n_variables = 0, n_runs = 0;
  std::int64_t window_stride = 0, variable_stride = 0;  ///< in elements; runs are adjacent
  [[nodiscard]] V operator()(std::int64_t window, std::int64_t variable, std::int64_t run) const {
    return data[window * window_stride + variable * variable_stride + run];
  }
};

/// One logged event of a run (SolveResult::events).
struct event_occurrence {
  double time = 0;
  int event = 0;              ///< index into outputs().event_names
  std::vector<double> state;  ///< the state there (before a reset); empty when not kept
};

class SolveResult {
 public:
  /// The shape of a solve's outputs (Solver::output_layout gives it without solving).
  using layout = output_layout;

  SolveResult() = default;
  SolveResult(SolveResult&&) noexcept = default;
  SolveResult& operator=(SolveResult&&) noexcept = default;
  SolveResult(const SolveResult&) = delete;
  SolveResult& operator=(const SolveResult&) = delete;

  [[nodiscard]] cubie::precision precision() const { return layout_.precision; }
  [[nodiscard]] std::int64_t n_saves() const { return layout_.n_saves(); }
  [[nodiscard]] std::int64_t n_vars() const { return layout_.n_vars(); }
  [[nodiscard]] std::int64_t n_runs() const { return layout_.n_runs; }
  /// Names along axis 1: the saved states, then the saved observables.
  [[nodiscard]] const std::vector<std::string>& variables() const { return layout_.variables(); }
  [[nodiscard]] int n_saved_states() const { return layout_.n_saved_states; }
  [[nodiscard]] const std::vector<double>& times() const { return layout_.times(); }
  /// Every array this result holds, with its shape and meaning.
  [[nodiscard]] const output_layout& outputs() const { return layout_; }

  /// @brief The time-domain array in its native precision V (float or double).
  /// @throws invalid_argument if V is not the solve's precision.
  template <class V>
  [[nodiscard]] std::span<const V> time_domain() const;
  /// Element (save, var, run) converted to double.
  [[nodiscard]] double at(std::int64_t save, std::int64_t var, std::int64_t run) const;
  /// @throws invalid_argument naming the unknown variable and listing the saved ones.
  [[nodiscard]] int variable_index(const std::string& name) const;
  /// One variable's time series for one run.
  [[nodiscard]] std::vector<double> series(const std::string& name, std::int64_t run) const;
  /// The last saved value of a variable for every run.
  [[nodiscard]] std::vector<double> final_values(const std::string& name) const;

  // ---- summary metrics: (window, summary, run), summary rows variable-major ----------
  [[nodiscard]] bool has_summaries() const { return layout_.has(output_id::summaries); }
  [[nodiscard]] std::int64_t n_windows() const { return layout_.n_windows(); }
  [[nodiscard]] std::int64_t n_summaries() const { return layout_.n_summaries(); }
  /// "<variable> <value>" per summary row ("x mean", "x peaks_1"), the design's legend.
  [[nodiscard]] const std::vector<std::string>& summary_legend() const { return layout_.summary_legend(); }
  /// The summarised variables (states, then observables) and the values each one has.
  [[nodiscard]] const std::vector<std::string>& summarised_variables() const { return layout_.summarised_variables; }
  [[nodiscard]] const std::vector<std::string>& summary_outputs() const { return layout_.summary_outputs; }
  /// The time of each window's last sample.
  [[nodiscard]] const std::vector<double>& window_times() const { return layout_.window_times(); }
  /// @brief The summaries array in its native precision V.
  /// @throws invalid_argument if V is not the solve's precision or no summaries were recorded.
  template <class V>
  [[nodiscard]] std::span<const V> summaries() const;
  /// Element (window, summary row, run) converted to double.
  [[nodiscard]] double summary_at(std::int64_t window, std::int64_t row, std::int64_t run) const;
  /// @brief One value of every summarised variable, e.g. summary_of<float>("mean").
  /// @throws invalid_argument naming the value and listing the recorded ones.
  template <class V>
  [[nodiscard]] summary_view<V> summary_of(const std::string& value) const;
  /// @brief One summary of one variable for every run in `window`, converted to double:
  /// summary("x", "peaks_1").
  /// @throws invalid_argument for an unknown variable, value or window.
  [[nodiscard]] std::vector<double> summary(const std::string& variable, const std::string& value,
                                            std::int64_t window = 0) const;

  [[nodiscard]] std::span<const u32> status() const { return u32_array(output_id::status); }
  [[nodiscard]] bool has_counters() const { return layout_.has(output_id::steps_accepted); }
  /// @throws invalid_argument when step counters were not kept.
  [[nodiscard]] std::span<const u32> steps_accepted() const;
  [[nodiscard]] std::span<const u32> steps_rejected() const;
  [[nodiscard]] std::int64_t failed_runs() const;
  // ---- iteration_counters: (save, counter, run), the design's four channels -----------
  [[nodiscard]] bool has_iteration_counters() const { return layout_.has(output_id::iteration_counters); }
  /// Channel names along axis 1: newton_iterations, linear_iterations, steps_accepted,
  /// steps_rejected (each since the previous save).
  [[nodiscard]] static const std::vector<std::string>& iteration_counter_names();
  /// @brief The whole array, n_saves x 4 x n_runs (run innermost); its save axis is the time
  /// domain's (times()), present whether or not the time domain is recorded.
  /// @throws invalid_argument when output_types did not list iteration_counters.
  [[nodiscard]] std::span<const u32> iteration_counters() const;
  /// @brief One channel ("newton_iterations", ...) of every run at one save.
  /// @throws invalid_argument for an unknown channel (listing them), a save out of range,
  ///   or counters that were not recorded.
  [[nodiscard]] std::vector<u32> iteration_counter(const std::string& channel, std::int64_t save) const;
  /// The saves of iteration_counters (their times; the time domain's when both are recorded).
  [[nodiscard]] std::int64_t n_counter_saves() const;

  /// The time each run reached: the end time when it succeeded, where it stopped when it
  /// failed, NaN when it was never integrated.
  /// @throws invalid_argument when it was not kept (solve_spec::save_t_reached).
  [[nodiscard]] std::span<const double> t_reached() const;
  /// The step size each run's controller held when it ended (for a failed run, the step
  /// that failed), converted to double. @throws invalid_argument when it was not kept.
  [[nodiscard]] std::vector<double> dt_last() const;
  [[nodiscard]] const solve_statistics& statistics() const { return stats_; }

  /// The logged events of one run in time order (the first max_events of them).
  /// @throws invalid_argument when the system has no events or the run is out of range.
  [[nodiscard]] std::vector<event_occurrence> events(std::int64_t run) const;
  /// Events that happened in each run, logged or not. @throws as events().
  [[nodiscard]] std::span<const u32> event_counts() const;
  /// Where a terminating event ended each run (NaN where none did).
  /// @throws invalid_argument when the system has no terminating event.
  [[nodiscard]] std::span<const double> event_terminated() const;

  /// The bytes of array `id` (values_per_run x n_runs elements, run innermost), or null
  /// when the solve did not record it.
  [[nodiscard]] const void* array_data(output_id id) const;

  // ---- filled by the Solver and the executors ----------------------------------
  /// Sizes the result for `l`, reusing existing storage where it is large enough.
  void prepare(const layout& l, const host_allocator& alloc);
  [[nodiscard]] std::size_t value_bytes() const { return cubie::value_bytes(layout_.precision); }
  [[nodiscard]] void* mutable_array_data(output_id id);
  [[nodiscard]] bool pinned() const;
  solve_statistics& mutable_statistics() { return stats_; }
  /// Every array of the result as one view (run_stride = n_runs).
  [[nodiscard]] output_view whole_view();
  /// Fills the arrays that hold NaN for failed runs (nan_when_failed) with NaN for every
  /// run in [begin, end) whose status is not 0.
  void nan_fill_failed(std::int64_t begin, std::int64_t end);
  /// Runs [from, n_runs) were never integrated: every array holds its unintegrated value
  /// (status 1024, values NaN, counters 0).
  void mark_not_integrated(std::int64_t from);

 private:
  [[nodiscard]] std::span<const u32> u32_array(output_id id) const {
    const void* p = array_data(id);
    return {static_cast<const u32*>(p), p != nullptr ? static_cast<std::size_t>(layout_.n_runs) : 0};
  }

  output_layout layout_;
  std::vector<host_buffer> buffers_{static_cast<std::size_t>(output_count)};  // indexed by output_id
  solve_statistics stats_;
};

}  // namespace cubie
