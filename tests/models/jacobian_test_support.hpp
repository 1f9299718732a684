// References for the generated Jacobians: a forward-mode dual number that runs a generated
// rhs to give df/dy column by column (independent of the symbolic differentiator), central
// differences with Richardson extrapolation and a rounding-noise bound, and Gaussian
// elimination with partial pivoting in long double.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace cubie::models::testing {

/// @brief v + d eps with eps^2 = 0. Implicit from double, so generated code's S(1.5)
/// literals and constants work; branches follow the value, as cubie::math's do.
struct fwd {
  double v = 0.0;
  double d = 0.0;
  fwd() = default;
  fwd(double value) : v(value) {}  // NOLINT: literals and constants
  fwd(double value, double derivative) : v(value), d(derivative) {}

  friend fwd operator+(fwd a, fwd b) { return {a.v + b.v, a.d + b.d}; }
  friend fwd operator-(fwd a, fwd b) { return {a.v - b.v, a.d - b.d}; }
  friend fwd operator*(fwd a, fwd b) { return {a.v * b.v, a.d * b.v + a.v * b.d}; }
  friend fwd operator/(fwd a, fwd b) { return {a.v / b.v, (a.d * b.v - a.v * b.d) / (b.v * b.v)}; }
  friend fwd operator-(fwd a) { return {-a.v, -a.d}; }
  friend bool operator<(fwd a, fwd b) { return a.v < b.v; }
  friend bool operator<=(fwd a, fwd b) { return a.v <= b.v; }
  friend bool operator>(fwd a, fwd b) { return a.v > b.v; }
  friend bool operator>=(fwd a, fwd b) { return a.v >= b.v; }
  friend bool operator==(fwd a, fwd b) { return a.v == b.v; }
  friend bool operator!=(fwd a, fwd b) { return a.v != b.v; }

  friend fwd sqrt(fwd a) {
    double s = std::sqrt(a.v);
    return {s, a.d / (2 * s)};
  }
  friend fwd exp(fwd a) {
    double e = std::exp(a.v);
    return {e, e * a.d};
  }
  friend fwd log(fwd a) { return {std::log(a.v), a.d / a.v}; }
  friend fwd log10(fwd a) { return {std::log10(a.v), a.d / (a.v * std::log(10.0))}; }
  friend fwd sin(fwd a) { return {std::sin(a.v), std::cos(a.v) * a.d}; }
  friend fwd cos(fwd a) { return {std::cos(a.v), -std::sin(a.v) * a.d}; }
  friend fwd tan(fwd a) {
    double c = std::cos(a.v);
    return {std::tan(a.v), a.d / (c * c)};
  }
  friend fwd asin(fwd a) { return {std::asin(a.v), a.d / std::sqrt(1 - a.v * a.v)}; }
  friend fwd acos(fwd a) { return {std::acos(a.v), -a.d / std::sqrt(1 - a.v * a.v)}; }
  friend fwd atan(fwd a) { return {std::atan(a.v), a.d / (1 + a.v * a.v)}; }
  friend fwd sinh(fwd a) { return {std::sinh(a.v), std::cosh(a.v) * a.d}; }
  friend fwd cosh(fwd a) { return {std::cosh(a.v), std::sinh(a.v) * a.d}; }
  friend fwd tanh(fwd a) {
    double c = std::cosh(a.v);
    return {std::tanh(a.v), a.d / (c * c)};
  }
  friend fwd abs(fwd a) { return a.v < 0 ? -a : a; }
  friend fwd floor(fwd a) { return {std::floor(a.v), 0.0}; }
  friend fwd ceil(fwd a) { return {std::ceil(a.v), 0.0}; }
  friend fwd min(fwd a, fwd b) { return b.v < a.v ? b : a; }
  friend fwd max(fwd a, fwd b) { return b.v > a.v ? b : a; }
  friend fwd pow(fwd a, fwd b) {
    double p = std::pow(a.v, b.v);
    double d = a.d == 0.0 ? 0.0 : b.v * std::pow(a.v, b.v - 1) * a.d;
    if (b.d != 0.0) d += p * std::log(a.v) * b.d;
    return {p, d};
  }
  friend fwd atan2(fwd y, fwd x) { return {std::atan2(y.v, x.v), (x.v * y.d - y.v * x.d) / (x.v * x.v + y.v * y.v)}; }
};

/// @brief df/dy (row-major) and df/dt of a system template at (t, y, p), one rhs
/// evaluation with dual numbers per column.
template <template <class> class Sys>
void dual_jacobian(double t, const std::vector<double>& y, const std::vector<double>& p, std::vector<double>& J,
                   std::vector<double>& dfdt) {
  constexpr int n = Sys<double>::n_states;
  Sys<fwd> sys;
  std::vector<fwd> yd(n), pd(p.begin(), p.end()), f(n);
  if (pd.empty()) pd.emplace_back(0.0);
  J.assign(n * n, 0.0);
  dfdt.assign(n, 0.0);
  for (int col = 0; col <= n; ++col) {
    for (int k = 0; k < n; ++k) yd[k] = fwd(y[k], k == col ? 1.0 : 0.0);
    sys.rhs(fwd(t, col == n ? 1.0 : 0.0), yd.data(), pd.data(), f.data());
    for (int i = 0; i < n; ++i) (col < n ? J[i * n + col] : dfdt[i]) = f[i].d;
  }
}

/// @brief d f_i / d y_j (variable j; j == n means t) by central differences with one
/// Richardson step, and a bound on its rounding noise: eps |f| / h times a safety factor.
struct difference_estimate {
  double value;
  double noise;
};

template <template <class> class Sys>
std::vector<difference_estimate> difference_column(double t, std::vector<double> y, const std::vector<double>& p,
                                                   int j, double h, const std::vector<double>& magnitude) {
  constexpr int n = Sys<double>::n_states;
  Sys<double> sys;
  std::vector<double> pv(p.begin(), p.end());
  if (pv.empty()) pv.push_back(0.0);
  auto eval = [&](double delta) {
    std::vector<double> yy = y, f(n);
    double tt = t;
    (j == n ? tt : yy[static_cast<std::size_t>(j)]) += delta;
    sys.rhs(tt, yy.data(), pv.data(), f.data());
    return f;
  };
  auto central = [&](double step) {
    std::vector<double> a = eval(step), b = eval(-step), d(n);
    for (int i = 0; i < n; ++i) d[i] = (a[i] - b[i]) / (2 * step);
    return d;
  };
  std::vector<double> d1 = central(h), d2 = central(h / 2);
  std::vector<difference_estimate> out(n);
  for (int i = 0; i < n; ++i) {
    // Richardson: (4 D(h/2) - D(h)) / 3 cancels the h^2 term. Rounding in f of size
    // eps * magnitude[i] becomes about 2 eps magnitude / h in the estimate.
    out[i].value = (4 * d2[i] - d1[i]) / 3;
    out[i].noise = 64 * 2.220446049250313e-16 * magnitude[static_cast<std::size_t>(i)] / h;
  }
  return out;
}

/// @brief Solves A x = b (n x n, row-major) by Gaussian elimination with partial pivoting in
/// long double; also returns the infinity-norm condition number of A.
inline std::vector<double> reference_solve(const std::vector<double>& a, const std::vector<double>& b, double& cond) {
  const std::size_t n = b.size();
  std::vector<long double> m(a.begin(), a.end());
  std::vector<long double> inv(n * n, 0.0L);
  for (std::size_t i = 0; i < n; ++i) inv[i * n + i] = 1.0L;
  std::vector<long double> x(b.begin(), b.end());
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t piv = k;
    for (std::size_t i = k + 1; i < n; ++i) {
      if (std::fabs(m[i * n + k]) > std::fabs(m[piv * n + k])) piv = i;
    }
    if (piv != k) {
      for (std::size_t j = 0; j < n; ++j) {
        std::swap(m[k * n + j], m[piv * n + j]);
        std::swap(inv[k * n + j], inv[piv * n + j]);
      }
      std::swap(x[k], x[piv]);
    }
    for (std::size_t i = k + 1; i < n; ++i) {
      long double l = m[i * n + k] / m[k * n + k];
      for (std::size_t j = k; j < n; ++j) m[i * n + j] -= l * m[k * n + j];
      for (std::size_t j = 0; j < n; ++j) inv[i * n + j] -= l * inv[k * n + j];
      x[i] -= l * x[k];
    }
  }
  for (std::size_t k = n; k-- > 0;) {
    for (std::size_t j = k + 1; j < n; ++j) {
      x[k] -= m[k * n + j] * x[j];
      for (std::size_t c = 0; c < n; ++c) inv[k * n + c] -= m[k * n + j] * inv[j * n + c];
    }
    x[k] /= m[k * n + k];
    for (std::size_t c = 0; c < n; ++c) inv[k * n + c] /= m[k * n + k];
  }
  long double norm_a = 0, norm_inv = 0;
  for (std::size_t i = 0; i < n; ++i) {
    long double ra = 0, ri = 0;
    for (std::size_t j = 0; j < n; ++j) {
      ra += std::fabs(static_cast<long double>(a[i * n + j]));
      ri += std::fabs(inv[i * n + j]);
    }
    norm_a = std::max(norm_a, ra);
    norm_inv = std::max(norm_inv, ri);
  }
  cond = static_cast<double>(norm_a * norm_inv);
  return {x.begin(), x.end()};
}

}  // namespace cubie::models::testing
