// cubie/batch/solve_result.hpp
// One solve's results: time-domain output (n_saves, n_vars, n_runs) with the run index
// innermost, save times, per-run status bits and step counts, and statistics. It owns
// its storage (move-only) and can be handed back to Solver::solve_into for reuse.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "../core/types.hpp"
#include "../memory/host_buffer.hpp"
#include "../execution/solve_statistics.hpp"
#include "solver_settings.hpp"

namespace cubie {

class SolveResult {
 public:
  SolveResult() = default;
  SolveResult(SolveResult&&) noexcept = default;
  SolveResult& operator=(SolveResult&&) noexcept = default;
  SolveResult(const SolveResult&) = delete;
  SolveResult& operator=(const SolveResult&) = delete;

  [[nodiscard]] cubie::precision precision() const { return precision_; }
  [[nodiscard]] std::int64_t n_saves() const { return n_saves_; }
  [[nodiscard]] std::int64_t n_vars() const { return static_cast<std::int64_t>(variables_.size()); }
  [[nodiscard]] std::int64_t n_runs() const { return n_runs_; }
  /// Names along axis 1: the saved states, then the saved observables.
  [[nodiscard]] const std::vector<std::string>& variables() const { return variables_; }
  [[nodiscard]] int n_saved_states() const { return n_saved_states_; }
  [[nodiscard]] const std::vector<double>& times() const { return times_; }

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

  [[nodiscard]] std::span<const u32> status() const { return {status_.as<u32>(), static_cast<std::size_t>(n_runs_)}; }
  [[nodiscard]] bool has_counters() const { return has_counters_; }
  [[nodiscard]] std::span<const u32> steps_accepted() const;
  [[nodiscard]] std::span<const u32> steps_rejected() const;
  [[nodiscard]] std::int64_t failed_runs() const;
  [[nodiscard]] const solve_statistics& statistics() const { return stats_; }

  // ---- filled by the Solver and the executors ----------------------------------
  struct layout {
    cubie::precision precision;
    std::int64_t n_saves, n_runs;
    std::vector<std::string> variables;
    int n_saved_states;
    std::vector<double> times;
    bool counters;
  };
  /// Sizes the result for `l`, reusing existing storage where it is large enough.
  void prepare(const layout& l, const host_allocator& alloc);
  [[nodiscard]] std::size_t value_bytes() const { return precision_ == cubie::precision::float32 ? 4 : 8; }
  [[nodiscard]] void* time_domain_data() { return time_domain_.data(); }
  [[nodiscard]] u32* status_data() { return status_.as<u32>(); }
  [[nodiscard]] u32* accepted_data() { return has_counters_ ? counters_.as<u32>() : nullptr; }
  [[nodiscard]] u32* rejected_data() { return has_counters_ ? counters_.as<u32>() + n_runs_ : nullptr; }
  [[nodiscard]] bool pinned() const { return time_domain_.pinned(); }
  solve_statistics& mutable_statistics() { return stats_; }
  /// Fills every saved value of runs [begin, end) whose status is not 0 with NaN.
  void nan_fill_failed(std::int64_t begin, std::int64_t end);

 private:
  cubie::precision precision_ = cubie::precision::float64;
  std::int64_t n_saves_ = 0, n_runs_ = 0;
  std::vector<std::string> variables_;
  int n_saved_states_ = 0;
  std::vector<double> times_;
  bool has_counters_ = false;
  host_buffer time_domain_, status_, counters_;
  solve_statistics stats_;
};

}  // namespace cubie
