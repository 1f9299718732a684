// A driver signal turned into what the loop evaluates: the piecewise polynomial's grid
// (driver_info) and its coefficients, one row per (segment, power), one value per run or
// one in all.
#pragma once
#include <cstdint>
#include <vector>

#include "cubie/batch/driver_signal.hpp"
#include "cubie/integrate/driver_args.hpp"

namespace cubie::detail {

struct driver_table {
  driver_info info{};                 ///< input left 0: set where the table joins the inputs
  std::int64_t rows = 0;              ///< n_segments x (order + 1)
  std::int64_t runs = 0;              ///< 0: shared; else coefficients hold rows x runs (run innermost)
  std::vector<double> coefficients;   ///< rows values (shared), or rows x runs
};

/// @brief The table of a validated signal (validate_driver).
[[nodiscard]] driver_table build_driver_table(const driver_signal& signal);

/// @brief Slopes (dy/dtau, unit spacing) of the cubic spline through y with the end
///   conditions `boundary`, as SciPy's CubicSpline on an even grid. y.size() >= 2;
///   periodic needs y.front() == y.back().
[[nodiscard]] std::vector<double> cubic_spline_slopes(const std::vector<double>& y, spline_boundary boundary);

}  // namespace cubie::detail
