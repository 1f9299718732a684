// tests/batch/summary_reference.hpp
// The summary metrics computed independently, in double, from a trajectory saved at the
// sample times (what numpy computes from a saved time series): the reference the loop's
// on-line accumulators are checked against.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace cubie::test {

struct window_reference {
  double mean = 0, std = 0, rms = 0, max = 0, min = 0, max_magnitude = 0;
  double dxdt_max = 0, dxdt_min = 0, d2xdt2_max = 0, d2xdt2_min = 0;
  std::vector<double> peaks, negative_peaks;  // times, NaN where fewer were found
  double scale = 0;                           // max |x| over the window and its history
};

/// @param x  x[0] at the span's start (history only), x[j] at sample j = 1..N
/// @param t  the times of x
/// @param m  samples per window
/// Window w holds samples w*m+1 .. (w+1)*m; differences x[j] - x[j-1] and second
/// differences (x[j] - x[j-1]) - (x[j-1] - x[j-2]) belong to the window of sample j; a
/// peak at sample p (x[p-1] < x[p] > x[p+1]) is found at sample p + 1 and counted there.
inline std::vector<window_reference> reference_windows(const std::vector<double>& x, const std::vector<double>& t,
                                                       std::int64_t m, std::int64_t n_windows, double dt,
                                                       int n_peaks, int n_negative_peaks) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<window_reference> out(static_cast<std::size_t>(n_windows));
  for (std::int64_t w = 0; w < n_windows; ++w) {
    window_reference& r = out[static_cast<std::size_t>(w)];
    const std::int64_t first = w * m + 1, last = (w + 1) * m;
    // Two-pass mean and variance in long double: the textbook formulas, no streaming.
    long double sum = 0, sq = 0;
    r.max = -INFINITY;
    r.min = INFINITY;
    r.dxdt_max = r.d2xdt2_max = -INFINITY;
    r.dxdt_min = r.d2xdt2_min = INFINITY;
    for (std::int64_t j = first; j <= last; ++j) {
      sum += x[j];
      sq += static_cast<long double>(x[j]) * x[j];
      r.max = std::max(r.max, x[j]);
      r.min = std::min(r.min, x[j]);
      const double d1 = x[j] - x[j - 1];
      r.dxdt_max = std::max(r.dxdt_max, d1);
      r.dxdt_min = std::min(r.dxdt_min, d1);
      if (j >= 2) {
        const double d2 = d1 - (x[j - 1] - x[j - 2]);
        r.d2xdt2_max = std::max(r.d2xdt2_max, d2);
        r.d2xdt2_min = std::min(r.d2xdt2_min, d2);
        if (x[j - 2] < x[j - 1] && x[j - 1] > x[j] && static_cast<int>(r.peaks.size()) < n_peaks)
          r.peaks.push_back(t[j - 1]);
        if (x[j - 2] > x[j - 1] && x[j - 1] < x[j] && static_cast<int>(r.negative_peaks.size()) < n_negative_peaks)
          r.negative_peaks.push_back(t[j - 1]);
      }
    }
    for (std::int64_t j = std::max<std::int64_t>(0, first - 2); j <= last; ++j) r.scale = std::max(r.scale, std::fabs(x[j]));
    const long double n = static_cast<long double>(m);
    const long double mean = sum / n;
    long double dev = 0;
    for (std::int64_t j = first; j <= last; ++j) dev += (x[j] - mean) * (x[j] - mean);
    r.mean = static_cast<double>(mean);
    r.std = static_cast<double>(std::sqrt(dev / n));
    r.rms = static_cast<double>(std::sqrt(sq / n));
    r.max_magnitude = std::max(r.max, -r.min);
    r.dxdt_max /= dt;
    r.dxdt_min /= dt;
    r.d2xdt2_max = std::isinf(r.d2xdt2_max) ? nan : r.d2xdt2_max / (dt * dt);
    r.d2xdt2_min = std::isinf(r.d2xdt2_min) ? nan : r.d2xdt2_min / (dt * dt);
    r.peaks.resize(static_cast<std::size_t>(n_peaks), nan);
    r.negative_peaks.resize(static_cast<std::size_t>(n_negative_peaks), nan);
  }
  return out;
}

}  // namespace cubie::test
