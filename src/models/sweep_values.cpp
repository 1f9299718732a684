// linspace and logspace with numpy's arithmetic, value for value: start + i * step, the
// last value set to stop. Built with -ffp-contract=off (see CMakeLists.txt) so i * step
// + start is not fused into one FMA, which numpy does not do.
#include <cmath>
#include <limits>

#include "cubie/core/error.hpp"
#include "cubie/models/sweep.hpp"

namespace cubie::models {

std::vector<double> linspace(double start, double stop, long long count) {
  CUBIE_EXPECTS(count >= 1, "linspace: count must be at least 1, got " + std::to_string(count));
  std::vector<double> out(static_cast<std::size_t>(count));
  if (count == 1) {
    out[0] = start;
    return out;
  }
  const double div = static_cast<double>(count - 1);
  const double delta = stop - start;
  const double step = delta / div;
  for (long long i = 0; i < count; ++i) {
    double v = static_cast<double>(i);
    // numpy divides instead of multiplying by a step of 0 (delta tiny next to div)
    v = step == 0.0 ? (v / div) * delta : v * step;
    out[static_cast<std::size_t>(i)] = v + start;
  }
  out.back() = stop;
  return out;
}

std::vector<double> logspace(double start, double stop, long long count) {
  std::vector<double> out = linspace(start, stop, count);
  for (double& v : out) v = std::pow(10.0, v);
  return out;
}

std::size_t run_count(const sweep_definition& sweep) {
  if (sweep.axes.empty()) return 1;
  if (sweep.grid == grid_type::verbatim) {
    std::size_t n = sweep.axes.front().values.size();
    for (const sweep_axis& axis : sweep.axes) {
      CUBIE_EXPECTS(axis.values.size() == n, "a verbatim sweep needs axes of one length: '" + axis.name + "' has " +
                                                 std::to_string(axis.values.size()) + " values, '" +
                                                 sweep.axes.front().name + "' has " + std::to_string(n));
    }
    return n;
  }
  std::size_t n = 1;
  for (const sweep_axis& axis : sweep.axes) {
    std::size_t len = axis.values.size();
    CUBIE_EXPECTS(len == 0 || n <= std::numeric_limits<std::size_t>::max() / len,
                  "the combinatorial sweep has more runs than fit in a 64-bit count");
    n *= len;
  }
  return n;
}

}  // namespace cubie::models
