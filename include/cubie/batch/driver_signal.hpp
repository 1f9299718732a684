// cubie/batch/driver_signal.hpp
// An interpolated driver signal as a solve input: sampled values (one signal for every run,
// or one per run), their times, and how they are interpolated (the design's ArrayInterpolator:
// order, wrap, boundary condition). The equations read the signal like t (system.hpp).
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace cubie {

/// The end conditions of a spline through the samples, as SciPy's CubicSpline names them.
enum class spline_boundary {
  not_a_knot,  ///< the third derivative is continuous at the second and last-but-one samples
  natural,     ///< zero second derivative at both ends
  clamped,     ///< zero first derivative at both ends (with wrap = false: zero padding samples)
  periodic,    ///< first and second derivatives match across the period; first sample == last
};

/// "not-a-knot", "natural", "clamped" or "periodic"; throws invalid_argument otherwise.
[[nodiscard]] spline_boundary parse_spline_boundary(const std::string& name);
[[nodiscard]] const char* spline_boundary_name(spline_boundary b);

/// One driver signal.
///
/// Times: `time` (strictly increasing, evenly spaced), or `t0` and `dt` (sample k at
/// t0 + k dt). Interpolation: a piecewise polynomial of `order` through the samples, one
/// piece per interval: 0 holds each sample until the next, 1 is linear, 3 a cubic spline
/// with continuous first and second derivatives and the end conditions `boundary`.
/// Outside the samples: with `wrap` (the default) the signal repeats with period
/// (n_samples - 1) dt; without it the signal is zero, and the clamped spline (the default
/// then) is fitted through an extra zero sample dt before the first and after the last, so
/// it leaves and rejoins zero smoothly. The default boundary is periodic with wrap (the
/// first and last samples must then be equal) and clamped without.
struct driver_signal {
  std::string name;             ///< the system's name of the driver
  std::vector<double> samples;  ///< n_samples values; with runs > 0, n_samples x runs (run innermost)
  std::int64_t runs = 0;        ///< 0: one signal for every run; else one signal per run (runs of the solve)
  std::vector<double> time;     ///< the samples' times, or empty (then t0 and dt)
  std::optional<double> dt;     ///< spacing of the samples when `time` is empty
  double t0 = 0.0;              ///< time of the first sample when `time` is empty
  int order = 3;                ///< 0, 1 or 3
  bool wrap = true;             ///< repeat past the last sample; else zero outside
  std::optional<spline_boundary> boundary;  ///< unset: periodic with wrap, clamped without

  friend bool operator==(const driver_signal&, const driver_signal&) = default;

  /// Samples per signal.
  [[nodiscard]] std::int64_t n_samples() const {
    return runs > 0 ? static_cast<std::int64_t>(samples.size()) / runs : static_cast<std::int64_t>(samples.size());
  }
};

/// @brief Checks `signal` (shape, finite samples, times, order, boundary) for a solve of
///   `n_runs` runs.
/// @throws invalid_argument naming the driver, the field and what is allowed.
void validate_driver(const driver_signal& signal, std::int64_t n_runs);

/// @brief The interpolated signal of run `run` (0 for a shared signal) at `times`, computed
///   by the same code the loop runs (in double), and its time derivative when `rates` is not
///   null. For plots and checks.
/// @throws invalid_argument as validate_driver, or for a run outside the signal's runs.
[[nodiscard]] std::vector<double> interpolate_driver(const driver_signal& signal, std::span<const double> times,
                                                     std::int64_t run = 0, std::vector<double>* rates = nullptr);

}  // namespace cubie
