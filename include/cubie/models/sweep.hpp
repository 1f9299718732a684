// cubie/models/sweep.hpp
// The [sweep] of a model file: which states and parameters vary, their values (lists,
// linspace, logspace with numpy's semantics) and how they combine into runs.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "../batch/solver_settings.hpp"
#include "expression.hpp"

namespace cubie::models {

/// @brief One swept state or parameter and its values, in the order the file gives them.
struct sweep_axis {
  std::string name;
  std::vector<double> values;
  source_position where;  ///< where the name appears (file or --set option)
};

/// @brief The sweep: the grid type and its axes in file order (in a combinatorial grid the
/// last axis varies fastest).
struct sweep_definition {
  grid_type grid = grid_type::verbatim;
  std::vector<sweep_axis> axes;
};

/// @brief numpy.linspace(start, stop, count): count evenly spaced values, stop included.
/// @throws cubie::invalid_argument when count < 1.
[[nodiscard]] std::vector<double> linspace(double start, double stop, long long count);

/// @brief numpy.logspace(start, stop, count): 10^v for v in linspace(start, stop, count).
/// @throws cubie::invalid_argument when count < 1.
[[nodiscard]] std::vector<double> logspace(double start, double stop, long long count);

/// @brief Number of runs the sweep describes: 1 without axes, the common length of the axes
/// in a verbatim grid, the product of their lengths in a combinatorial grid.
/// @throws cubie::invalid_argument when verbatim axes differ in length or the product
/// does not fit in std::size_t.
[[nodiscard]] std::size_t run_count(const sweep_definition& sweep);

}  // namespace cubie::models
