// cubie/batch/batch_grid.hpp
// The runs of a batch: every state's initial value and every parameter for each run,
// built once from named arrays (verbatim or combinatorial) and reusable across solves.
// Broadcast values stay single numbers; only varying columns hold one value per run.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "named_arrays.hpp"
#include "solver_settings.hpp"
#include "../execution/system_info.hpp"

namespace cubie {

class batch_grid {
 public:
  /// One input variable (a state's initial value or a parameter) across the runs.
  struct column {
    std::string name;
    std::vector<double> values;  ///< size 1 (broadcast) or n_runs
    [[nodiscard]] bool broadcast() const { return values.size() == 1; }
    [[nodiscard]] double at(std::int64_t run) const { return values.size() == 1 ? values[0] : values[run]; }
  };

  /// @brief Builds the grid. Names are matched exactly (case-sensitive, as in the model).
  /// @throws invalid_argument for an unknown name (listing the valid ones), a name given
  ///   twice, a missing value with no default, arrays of different lengths in a verbatim
  ///   grid, an empty array or batch, or a NaN / infinite value (with its index).
  static batch_grid build(const system_info& system, const named_arrays& initial_values,
                          const named_arrays& parameters, grid_type type = grid_type::verbatim);
  /// @brief The same from one list naming states and parameters in any order (a model
  /// file's [sweep]): a combinatorial grid follows this order, the last name fastest.
  /// A name that is both a state and a parameter is taken as the state.
  static batch_grid build(const system_info& system, const named_arrays& values, grid_type type = grid_type::verbatim);
  /// @brief The same, taking the arrays' storage: a verbatim grid's columns move in
  /// instead of being copied (a 10^8-run sweep then costs no second 800 MB of fresh pages).
  static batch_grid build(const system_info& system, named_arrays&& values, grid_type type = grid_type::verbatim);
  /// @brief The two-list build, taking the arrays' storage likewise (the Python package
  ///   hands over the columns it converted from the caller's arrays).
  static batch_grid build(const system_info& system, named_arrays&& initial_values, named_arrays&& parameters,
                          grid_type type = grid_type::verbatim);

  /// @brief Runs [begin, end) as a grid of their own (a new id): a part of a sweep that
  ///   another process, or a later solve, takes on. A slice of one run holds every column as
  ///   a broadcast value.
  /// @throws invalid_argument when [begin, end) is empty or not within [0, n_runs()).
  [[nodiscard]] batch_grid slice(std::int64_t begin, std::int64_t end) const;

  [[nodiscard]] std::int64_t n_runs() const { return n_runs_; }
  /// States first, then parameters, in the system's order.
  [[nodiscard]] const std::vector<column>& columns() const { return columns_; }
  [[nodiscard]] int n_states() const { return n_states_; }
  [[nodiscard]] double initial_value(int state, std::int64_t run) const { return columns_[state].at(run); }
  [[nodiscard]] double parameter(int p, std::int64_t run) const { return columns_[n_states_ + p].at(run); }
  [[nodiscard]] const std::string& system_name() const { return system_name_; }
  /// Identifies this grid's contents: copies share it, every build() makes a new one.
  /// Solvers key their cache of converted inputs on it, so re-solving a grid that was
  /// built once converts nothing.
  [[nodiscard]] std::uint64_t id() const { return id_; }

 private:
  /// (array, is a state) in the order a combinatorial product follows.
  /// `take_values`: the arrays may be moved from (their owner gave them up).
  static batch_grid build_ordered(const system_info& system,
                                  const std::vector<std::pair<const named_array*, bool>>& given, grid_type type,
                                  bool take_values = false);
  static std::vector<std::pair<const named_array*, bool>> tag_names(const system_info& system,
                                                                    const named_arrays& values);
  std::uint64_t id_ = 0;
  std::int64_t n_runs_ = 0;
  int n_states_ = 0;
  std::vector<column> columns_;
  std::string system_name_;
};

}  // namespace cubie
