// Driver signals checked and turned into piecewise-polynomial coefficients: splines through
// evenly spaced samples, in the local coordinate tau = (t - t_k) / dt of each segment, so
// that the loop evaluates c0 + tau (c1 + tau (c2 + tau c3)) with no division.
#include "driver_table.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "cubie/core/error.hpp"
#include "cubie/core/names.hpp"
#include "cubie/integrate/batch_args.hpp"
#include "cubie/integrate/drivers.hpp"

namespace cubie {

namespace {

std::string quoted(const driver_signal& s) { return "driver '" + s.name + "'"; }

spline_boundary boundary_of(const driver_signal& s) {
  return s.boundary.value_or(s.wrap ? spline_boundary::periodic : spline_boundary::clamped);
}

// Zero padding samples dt before and after: the design's clamped signal that does not wrap
// leaves and rejoins zero smoothly instead of jumping there.
bool padded(const driver_signal& s) { return !s.wrap && s.order >= 1 && boundary_of(s) == spline_boundary::clamped; }

// numpy.allclose's test (rtol 1e-5, atol 1e-8), as the design checks periodic samples.
bool close(double a, double b) { return std::fabs(a - b) <= 1e-8 + 1e-5 * std::fabs(b); }

double spacing(const driver_signal& s) {
  if (!s.time.empty()) return (s.time.back() - s.time.front()) / static_cast<double>(s.time.size() - 1);
  return *s.dt;
}
double first_time(const driver_signal& s) { return s.time.empty() ? s.t0 : s.time.front(); }

// Solves a tridiagonal system (sub a, diagonal b, super c, right side d) in place: d becomes
// the solution. The systems here are diagonally dominant or nearly so; no pivoting needed.
void solve_tridiagonal(std::vector<double> a, std::vector<double> b, std::vector<double> c, std::vector<double>& d) {
  const std::size_t n = d.size();
  for (std::size_t i = 1; i < n; ++i) {
    const double w = a[i] / b[i - 1];
    b[i] -= w * c[i - 1];
    d[i] -= w * d[i - 1];
  }
  d[n - 1] /= b[n - 1];
  for (std::size_t i = n - 1; i-- > 0;) d[i] = (d[i] - c[i] * d[i + 1]) / b[i];
}

// The periodic spline's slopes at samples 0..K-1 (K = n - 1; sample K is sample 0 again):
// a cyclic tridiagonal system, solved by Sherman-Morrison around a plain tridiagonal one.
std::vector<double> periodic_slopes(const std::vector<double>& y) {
  const std::size_t K = y.size() - 1;
  auto at = [&](std::ptrdiff_t i) { return y[static_cast<std::size_t>((i % static_cast<std::ptrdiff_t>(K) + K) % K)]; };
  std::vector<double> r(K);
  for (std::size_t i = 0; i < K; ++i) r[i] = 3.0 * (at(static_cast<std::ptrdiff_t>(i) + 1) - at(static_cast<std::ptrdiff_t>(i) - 1));
  if (K == 1) return {0.0};
  if (K == 2) {
    // [[4, 2], [2, 4]] m = r: the corner entries fall on the off-diagonals.
    const double m0 = (4.0 * r[0] - 2.0 * r[1]) / 12.0, m1 = (4.0 * r[1] - 2.0 * r[0]) / 12.0;
    return {m0, m1};
  }
  const double gamma = -4.0;  // Sherman-Morrison: A = T + u v^T, u = (gamma, 0.., 1), v = (1, 0.., 1/gamma)
  std::vector<double> a(K, 1.0), b(K, 4.0), c(K, 1.0);
  b[0] -= gamma;
  b[K - 1] -= 1.0 / gamma;
  std::vector<double> z(K, 0.0);
  z[0] = gamma;
  z[K - 1] = 1.0;
  solve_tridiagonal(a, b, c, r);
  solve_tridiagonal(a, b, c, z);
  const double factor = (r[0] + r[K - 1] / gamma) / (1.0 + z[0] + z[K - 1] / gamma);
  for (std::size_t i = 0; i < K; ++i) r[i] -= factor * z[i];
  return r;
}

// Coefficients of one signal's samples y (already padded) into rows (segment, power) of
// `out`, `stride` apart (1 for a shared signal, runs for one of many).
void fit(const std::vector<double>& y, int order, spline_boundary boundary, double* out, std::int64_t stride) {
  const std::size_t segments = y.size() - 1;
  const std::size_t width = static_cast<std::size_t>(order + 1);
  std::vector<double> m;
  if (order == 3) m = detail::cubic_spline_slopes(y, boundary);
  for (std::size_t s = 0; s < segments; ++s) {
    double* row = out + static_cast<std::int64_t>(s * width) * stride;
    const double delta = y[s + 1] - y[s];
    row[0] = y[s];
    if (order >= 1) row[stride] = order == 1 ? delta : m[s];
    if (order == 3) {
      row[2 * stride] = 3.0 * delta - 2.0 * m[s] - m[s + 1];
      row[3 * stride] = m[s] + m[s + 1] - 2.0 * delta;
    }
  }
}

}  // namespace

spline_boundary parse_spline_boundary(const std::string& name) {
  const std::string n = normalize_name(name);
  if (n == "not_a_knot") return spline_boundary::not_a_knot;
  if (n == "natural") return spline_boundary::natural;
  if (n == "clamped") return spline_boundary::clamped;
  if (n == "periodic") return spline_boundary::periodic;
  throw invalid_argument("boundary_condition '" + name +
                         "' is not one of \"not-a-knot\", \"natural\", \"clamped\", \"periodic\"");
}

const char* spline_boundary_name(spline_boundary b) {
  switch (b) {
    case spline_boundary::not_a_knot: return "not-a-knot";
    case spline_boundary::natural: return "natural";
    case spline_boundary::clamped: return "clamped";
    case spline_boundary::periodic: return "periodic";
  }
  return "?";
}

void validate_driver(const driver_signal& s, std::int64_t n_runs) {
  const std::string who = quoted(s);
  if (s.name.empty()) throw invalid_argument("a driver signal has no name");
  if (s.order != 0 && s.order != 1 && s.order != 3) {
    throw invalid_argument(who + ": order = " + std::to_string(s.order) +
                           "; allowed: 0 (each sample held), 1 (linear), 3 (cubic spline)");
  }
  if (s.runs < 0) throw invalid_argument(who + ": runs = " + std::to_string(s.runs) + "; use 0 (one signal for every run) or the number of runs");
  if (s.runs > 0 && s.runs != n_runs) {
    throw invalid_argument(who + " holds one signal per run for " + std::to_string(s.runs) + " runs, but the solve has " +
                           std::to_string(n_runs) + " runs");
  }
  if (s.runs > 0 && s.samples.size() % static_cast<std::size_t>(s.runs) != 0) {
    throw invalid_argument(who + ": " + std::to_string(s.samples.size()) + " samples are not a whole number of samples for each of " +
                           std::to_string(s.runs) + " runs (the shape is samples x runs, run innermost)");
  }
  const std::int64_t n = s.n_samples();
  if (n < 2) {
    throw invalid_argument(who + " has " + std::to_string(n) + " sample" + (n == 1 ? "" : "s") +
                           " per signal; at least 2 are needed");
  }
  for (std::size_t i = 0; i < s.samples.size(); ++i) {
    if (!std::isfinite(s.samples[i])) {
      const std::int64_t k = s.runs > 0 ? static_cast<std::int64_t>(i) / s.runs : static_cast<std::int64_t>(i);
      throw invalid_argument(who + ": sample " + std::to_string(k) +
                             (s.runs > 0 ? " of run " + std::to_string(static_cast<std::int64_t>(i) % s.runs) : std::string()) +
                             " is " + number_text(s.samples[i]) + "; samples must be finite numbers");
    }
  }
  if (!s.time.empty() && s.dt) throw invalid_argument(who + ": give the sample times (time) or their spacing (dt), not both");
  if (s.time.empty()) {
    if (!s.dt) throw invalid_argument(who + ": give the sample times (time), or their spacing (dt) and the first time (t0)");
    if (!(*s.dt > 0) || !std::isfinite(*s.dt))
      throw invalid_argument(who + ": dt = " + number_text(*s.dt) + "; it must be a finite number > 0");
    if (!std::isfinite(s.t0)) throw invalid_argument(who + ": t0 = " + number_text(s.t0) + "; it must be a finite number");
  } else {
    if (static_cast<std::int64_t>(s.time.size()) != n) {
      throw invalid_argument(who + ": " + std::to_string(s.time.size()) + " sample times for " + std::to_string(n) +
                             " samples; give one time per sample");
    }
    for (std::size_t k = 0; k < s.time.size(); ++k) {
      if (!std::isfinite(s.time[k]))
        throw invalid_argument(who + ": time[" + std::to_string(k) + "] = " + number_text(s.time[k]) + "; times must be finite");
      if (k > 0 && !(s.time[k] > s.time[k - 1])) {
        throw invalid_argument(who + ": sample times must increase, but time[" + std::to_string(k) + "] = " +
                               number_text(s.time[k]) + " follows time[" + std::to_string(k - 1) + "] = " +
                               number_text(s.time[k - 1]));
      }
    }
    const double dt = spacing(s);
    for (std::size_t k = 0; k < s.time.size(); ++k) {
      const double expected = s.time.front() + static_cast<double>(k) * dt;
      if (std::fabs(s.time[k] - expected) > 1e-6 * dt) {
        throw invalid_argument(who + ": sample times must be evenly spaced (spacing " + number_text(dt) +
                               " from the first and last), but time[" + std::to_string(k) + "] = " +
                               number_text(s.time[k]) + " where " + number_text(expected) +
                               " was expected; resample the signal onto an even grid");
      }
    }
  }
  if (s.boundary && s.order == 0) {
    throw invalid_argument(who + ": boundary_condition does not apply to order 0 (each sample is held until the next)");
  }
  const spline_boundary b = boundary_of(s);
  if (s.order >= 1 && b == spline_boundary::periodic) {
    if (!s.wrap) {
      throw invalid_argument(who + ": the periodic boundary condition needs wrap = true (the signal repeats); "
                                   "with wrap = false choose \"clamped\", \"natural\" or \"not-a-knot\"");
    }
    const std::int64_t runs = std::max<std::int64_t>(1, s.runs);
    for (std::int64_t r = 0; r < runs; ++r) {
      const double first = s.samples[static_cast<std::size_t>(r)];
      const double last = s.samples[static_cast<std::size_t>((n - 1) * runs + r)];
      if (!close(first, last)) {
        throw invalid_argument(who + (s.runs > 0 ? " (run " + std::to_string(r) + ")" : std::string()) +
                               ": the periodic boundary condition" + (s.boundary ? "" : " (the default with wrap = true)") +
                               " needs the first and last samples equal, but they are " + number_text(first) + " and " +
                               number_text(last) +
                               "; end the signal where it starts, set wrap = false (zero outside the samples), or choose "
                               "another boundary_condition");
      }
    }
  }
}

namespace detail {

std::vector<double> cubic_spline_slopes(const std::vector<double>& y, spline_boundary boundary) {
  const std::size_t n = y.size();
  if (boundary == spline_boundary::periodic) {
    std::vector<double> m = periodic_slopes(y);
    m.push_back(m.front());
    return m;
  }
  if (n == 2) {
    if (boundary == spline_boundary::clamped) return {0.0, 0.0};
    return {y[1] - y[0], y[1] - y[0]};  // a line, as SciPy's natural and not-a-knot splines of two points
  }
  if (n == 3 && boundary == spline_boundary::not_a_knot) {
    // Not-a-knot through three points is the parabola through them.
    const double b = 0.5 * (y[2] - 2.0 * y[1] + y[0]);
    const double a = y[1] - y[0] - b;
    return {a, a + 2.0 * b, a + 4.0 * b};
  }
  // Continuity of the second derivative at interior samples: m[i-1] + 4 m[i] + m[i+1] = 3 (y[i+1] - y[i-1]).
  std::vector<double> a(n, 1.0), b(n, 4.0), c(n, 1.0), d(n);
  for (std::size_t i = 1; i + 1 < n; ++i) d[i] = 3.0 * (y[i + 1] - y[i - 1]);
  a[0] = 0.0;
  c[n - 1] = 0.0;
  switch (boundary) {
    case spline_boundary::natural:  // second derivative zero at the ends
      b[0] = 2.0, c[0] = 1.0, d[0] = 3.0 * (y[1] - y[0]);
      a[n - 1] = 1.0, b[n - 1] = 2.0, d[n - 1] = 3.0 * (y[n - 1] - y[n - 2]);
      break;
    case spline_boundary::clamped:  // first derivative zero at the ends
      b[0] = 1.0, c[0] = 0.0, d[0] = 0.0;
      a[n - 1] = 0.0, b[n - 1] = 1.0, d[n - 1] = 0.0;
      break;
    case spline_boundary::not_a_knot:
      // Equal third derivatives on the first two (last two) segments, combined with the
      // neighbouring interior row so that the system stays tridiagonal.
      b[0] = 1.0, c[0] = 2.0, d[0] = 0.5 * (-5.0 * y[0] + 4.0 * y[1] + y[2]);
      a[n - 1] = 2.0, b[n - 1] = 1.0, d[n - 1] = 0.5 * (5.0 * y[n - 1] - 4.0 * y[n - 2] - y[n - 3]);
      break;
    case spline_boundary::periodic: break;
  }
  solve_tridiagonal(a, b, c, d);
  return d;
}

driver_table build_driver_table(const driver_signal& s) {
  driver_table t;
  const int order = s.order;
  const spline_boundary boundary = boundary_of(s);
  const bool pad = padded(s);
  const std::int64_t n = s.n_samples();
  const std::int64_t points = n + (pad ? 2 : 0);
  const double dt = spacing(s);
  t.info.dt = dt;
  t.info.inv_dt = 1.0 / dt;
  t.info.t_start = first_time(s) - (pad ? dt : 0.0);
  t.info.n_segments = static_cast<i32>(points - 1);
  t.info.order = order;
  t.info.wrap = s.wrap ? 1 : 0;
  t.info.input = 0;
  t.rows = (points - 1) * (order + 1);
  t.runs = s.runs;
  const std::int64_t runs = std::max<std::int64_t>(1, s.runs);
  t.coefficients.assign(static_cast<std::size_t>(t.rows * runs), 0.0);
  std::vector<double> y(static_cast<std::size_t>(points), 0.0);
  for (std::int64_t r = 0; r < runs; ++r) {
    for (std::int64_t k = 0; k < n; ++k) y[static_cast<std::size_t>(k + (pad ? 1 : 0))] = s.samples[static_cast<std::size_t>(k * runs + r)];
    fit(y, order, boundary, t.coefficients.data() + r, s.runs > 0 ? runs : 1);
  }
  return t;
}

}  // namespace detail

std::vector<double> interpolate_driver(const driver_signal& signal, std::span<const double> times, std::int64_t run,
                                       std::vector<double>* rates) {
  validate_driver(signal, signal.runs);
  const std::int64_t runs = std::max<std::int64_t>(1, signal.runs);
  if (run < 0 || run >= runs) {
    throw invalid_argument("interpolate_driver: run " + std::to_string(run) + " is outside [0, " + std::to_string(runs) +
                           ") for " + quoted(signal));
  }
  const detail::driver_table t = detail::build_driver_table(signal);
  // The loop's own evaluation, through a one-driver launch description.
  const i64 offset = 0, stride = signal.runs > 0 ? 1 : 0;
  batch_args<double> a{};
  a.inputs = t.coefficients.data();
  a.input_offset = &offset;
  a.input_stride = &stride;
  a.n_runs = runs;
  a.drivers.info = &t.info;
  a.drivers.column_stride = runs;
  driver_signal_view<double> view{};
  view.load(a, 0);
  std::vector<double> out(times.size());
  if (rates) rates->resize(times.size());
  for (std::size_t i = 0; i < times.size(); ++i) {
    double rate = 0.0;
    view.evaluate(times[i], run, runs - 1, out[i], rates ? &rate : nullptr);
    if (rates) (*rates)[i] = rate;
  }
  return out;
}

}  // namespace cubie
