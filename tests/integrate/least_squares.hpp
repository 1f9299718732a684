// tests/integrate/least_squares.hpp
// The slope of a least-squares line, as the order and tolerance-proportionality tests fit
// log error against log step or log tolerance.
#pragma once
#include <cstddef>
#include <vector>

namespace cubie::test {

/// Slope of the least-squares line through (x[i], y[i]).
inline double least_squares_slope(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sx += x[i];
    sy += y[i];
    sxx += x[i] * x[i];
    sxy += x[i] * y[i];
  }
  return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

}  // namespace cubie::test
