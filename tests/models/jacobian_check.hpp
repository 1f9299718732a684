// The checks every generated Jacobian goes through (used by jacobian_test.cpp and
// sparse_lu_test.cpp): symbolic df/dy and df/dt against dual numbers run through the
// generated rhs and against central differences; jacobian_sparse against the dense
// jacobian; the sparse LU's solutions against Gaussian elimination with pivoting.
#pragma once
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "cubie/models/jacobian_structure.hpp"
#include "cubie/models/model.hpp"
#include "jacobian_test_support.hpp"

namespace cubie::models::testing {

/// A point (t, y) at which to compare; `parameters` defaults to the model file's values.
struct sample {
  double t = 0.0;
  std::vector<double> y;
};

/// How to draw points for one model: `draw` returns a point; `usable` rejects points too
/// close to a kink of a piecewise function for differences to be meaningful.
struct sampling {
  std::function<sample(std::mt19937&)> draw;
  std::function<bool(const sample&)> usable = [](const sample&) { return true; };
  double time_step = 1e-4;  ///< difference step in t
  int points = 200;
};

/// sign * 10^U(lo, hi): magnitudes spread over decades, so that at some points each
/// entry's own term dominates its row and differences resolve it.
inline double log_uniform(std::mt19937& rng, double lo, double hi, bool any_sign) {
  double v = std::pow(10.0, std::uniform_real_distribution<double>(lo, hi)(rng));
  return any_sign && std::uniform_int_distribution<int>(0, 1)(rng) ? -v : v;
}

/// The ring modulator's states at realistic magnitudes (7 voltages, 8 currents, any sign)
/// and a time within its first millisecond: the Jacobian and LU tests share these points.
inline sampling ring_modulator_points() {
  sampling s;
  s.draw = [](std::mt19937& rng) {
    sample out;
    out.t = std::uniform_real_distribution<double>(0.0, 1e-3)(rng);
    for (int i = 0; i < 7; ++i) out.y.push_back(log_uniform(rng, -4, -0.3, true));  // voltages
    for (int i = 0; i < 8; ++i) out.y.push_back(log_uniform(rng, -7, -2, true));    // currents
    return out;
  };
  return s;
}

#ifdef CUBIE_EXAMPLES_DIR
/// A model file of examples/ by its path there.
inline model_definition example(const std::string& name) {
  return load_model(std::filesystem::path(CUBIE_EXAMPLES_DIR) / name);
}
#endif

inline std::vector<double> default_parameters(const model_definition& m) {
  std::vector<double> p;
  for (const named_value& v : m.parameters) p.push_back(v.value);
  if (p.empty()) p.push_back(0.0);
  return p;
}

template <template <class> class Sys>
void check_jacobian(const model_definition& model, const sampling& how, unsigned seed) {
  constexpr int n = Sys<double>::n_states;
  const std::vector<double> p = default_parameters(model);
  const jacobian_structure structure = analyze_jacobian(model);
  ASSERT_EQ(structure.n_states, n);
  ASSERT_EQ(structure.nonzeros, Sys<double>::jacobian_nnz);
  ASSERT_EQ(structure.factor_nonzeros, Sys<double>::sparse_nnz);
  std::vector<std::vector<bool>> in_jacobian(n, std::vector<bool>(n, false)), resolved = in_jacobian;
  for (auto [i, j] : structure.pattern) in_jacobian[i][j] = true;
  std::vector<std::vector<int>> slot(n, std::vector<int>(n, -1));
  for (int k = 0; k < Sys<double>::sparse_nnz; ++k) slot[Sys<double>::sparse_row[k]][Sys<double>::sparse_col[k]] = k;

  Sys<double> sys;
  std::mt19937 rng(seed);
  int used = 0;
  bool reads_t = false;
  for (int attempt = 0; attempt < 20 * how.points && used < how.points; ++attempt) {
    const sample s = how.draw(rng);
    if (!how.usable(s)) continue;
    ++used;
    std::vector<double> J(n * n), dfdt(n), f(n), jv(Sys<double>::sparse_nnz), Jad, dfdt_ad;
    sys.jacobian(s.t, s.y.data(), p.data(), J.data());
    sys.time_derivative(s.t, s.y.data(), p.data(), dfdt.data());
    sys.jacobian_sparse(s.t, s.y.data(), p.data(), jv.data());
    sys.rhs(s.t, s.y.data(), p.data(), f.data());
    dual_jacobian<Sys>(s.t, s.y, p, Jad, dfdt_ad);

    std::vector<double> magnitude(n);  // size of the terms of f_i, for the rounding bounds
    for (int i = 0; i < n; ++i) {
      magnitude[i] = std::fabs(f[i]) + std::fabs(dfdt_ad[i] * s.t);
      for (int k = 0; k < n; ++k) magnitude[i] += std::fabs(Jad[i * n + k] * s.y[k]);
    }
    for (int j = 0; j <= n; ++j) {
      const double h = j < n ? 1e-3 * std::fabs(s.y[j]) : how.time_step;
      if (h == 0.0) continue;
      const auto diff = difference_column<Sys>(s.t, s.y, p, j, h, magnitude);
      for (int i = 0; i < n; ++i) {
        const double sym = j < n ? J[i * n + j] : dfdt[i];
        const double ad = j < n ? Jad[i * n + j] : dfdt_ad[i];
        double row_max = 0.0;
        for (int k = 0; k < n; ++k) row_max = std::max(row_max, std::fabs(Jad[i * n + k]));
        const std::string where = "d f_" + std::to_string(i) + " / d " + (j < n ? "y_" + std::to_string(j) : "t") +
                                  " at point " + std::to_string(used);
        // Dual numbers evaluate the same expressions' derivatives in another order:
        // equal to rounding of the entry, or of its row where terms cancel.
        ASSERT_LE(std::fabs(sym - ad), 1e-12 * std::fabs(ad) + 1e-14 * (j < n ? row_max : std::fabs(ad)) + 1e-300)
            << where << ": symbolic " << sym << ", dual numbers " << ad;
        ASSERT_LE(std::fabs(sym - diff[i].value), 1e-6 * std::fabs(sym) + diff[i].noise)
            << where << ": symbolic " << sym << ", differences " << diff[i].value << " (noise bound "
            << diff[i].noise << ")";
        if (j < n && diff[i].noise <= 1e-3 * std::fabs(sym)) resolved[i][j] = true;
        if (j == n && ad != 0.0) reads_t = true;
        if (j < n && ad != 0.0) {
          ASSERT_TRUE(in_jacobian[i][j]) << where << " is " << ad << " but not in the generated pattern";
        }
      }
    }
    for (int k = 0; k < Sys<double>::sparse_nnz; ++k) {
      const int i = Sys<double>::sparse_row[k], j = Sys<double>::sparse_col[k];
      if (in_jacobian[i][j]) {
        ASSERT_DOUBLE_EQ(jv[k], J[i * n + j]) << "jv[" << k << "] = J(" << i << ", " << j << ")";
      } else {
        ASSERT_EQ(jv[k], 0.0) << "jv[" << k << "] at (" << i << ", " << j << ") is diagonal or fill-in only";
      }
    }
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) {
        if (!in_jacobian[i][j]) {
          ASSERT_EQ(J[i * n + j], 0.0) << "J(" << i << ", " << j << ") outside the pattern";
        }
      }
    }
    // The Krylov members: jvp(v) is J v (the same entries, summed row by row) and
    // jacobian_diagonal is J's diagonal, for a random direction v. A model whose generated
    // entries were wrong would differ by far more than rounding here.
    std::vector<double> v(n), Jv(n), d(n);
    std::uniform_real_distribution<double> unit(-1.0, 1.0);
    for (int j = 0; j < n; ++j) v[j] = unit(rng);
    sys.jvp(s.t, s.y.data(), p.data(), v.data(), Jv.data());
    sys.jacobian_diagonal(s.t, s.y.data(), p.data(), d.data());
    for (int i = 0; i < n; ++i) {
      double ref = 0.0, scale = 0.0;
      for (int j = 0; j < n; ++j) {
        ref += J[i * n + j] * v[j];
        scale += std::fabs(J[i * n + j] * v[j]);
      }
      // The same expressions, compiled in other functions: fused multiply-adds may form
      // differently, so equal to rounding (of the row's terms), not to the bit.
      double row = 0.0;
      for (int j = 0; j < n; ++j) row = std::max(row, std::fabs(J[i * n + j]));
      ASSERT_LE(std::fabs(Jv[i] - ref), 1e-13 * scale + 1e-300) << "jvp row " << i << " at point " << used;
      ASSERT_LE(std::fabs(d[i] - J[i * n + i]), 1e-13 * row + 1e-300)
          << "jacobian_diagonal[" << i << "] at point " << used << ": " << d[i] << " against " << J[i * n + i];
    }
  }
  ASSERT_EQ(used, how.points) << "too few usable points";
  if (reads_t) {
    EXPECT_FALSE(Sys<double>::autonomous) << "f reads t, yet the system says it is autonomous";
  }
  std::string unresolved;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      if (in_jacobian[i][j] && !resolved[i][j]) unresolved += " (" + std::to_string(i) + "," + std::to_string(j) + ")";
    }
  }
  EXPECT_TRUE(unresolved.empty()) << "entries that differences never resolved (noise > 1e-3 of the entry) at any "
                                     "point, so the check said nothing about them:"
                                  << unresolved;
}

/// ||(|L| |U|)|| / ||M|| (infinity norms) of the generated factors `lu` of M (the diagonal
/// holds the pivots' reciprocals): the growth that enters the error bound of elimination
/// without pivoting, |M - LU| <= n eps |L||U| (Higham, Accuracy and Stability, thm 9.3).
template <template <class> class Sys, class V>
double factor_growth(const V& lu, const std::vector<double>& m) {
  constexpr int n = Sys<double>::n_states;
  std::vector<int> position(n);
  for (int k = 0; k < n; ++k) position[Sys<double>::elimination_order[k]] = k;
  std::vector<double> L(n * n, 0.0), U(n * n, 0.0);
  for (int k = 0; k < Sys<double>::sparse_nnz; ++k) {
    const int r = position[Sys<double>::sparse_row[k]], q = position[Sys<double>::sparse_col[k]];
    const double v = static_cast<double>(lu[k]);
    if (r > q) L[r * n + q] = v;
    else U[r * n + q] = r == q ? 1.0 / v : v;
  }
  for (int r = 0; r < n; ++r) L[r * n + r] = 1.0;
  double norm_lu = 0.0, norm_m = 0.0;
  for (int r = 0; r < n; ++r) {
    double row = 0.0, row_m = 0.0;
    for (int c = 0; c < n; ++c) {
      for (int q = 0; q < n; ++q) row += std::fabs(L[r * n + q]) * std::fabs(U[q * n + c]);
      row_m += std::fabs(m[r * n + c]);
    }
    norm_lu = std::max(norm_lu, row);
    norm_m = std::max(norm_m, row_m);
  }
  return norm_lu / norm_m;
}

/// Sparse factorisation and solve against pivoting elimination in long double, for shifts
/// c = 10^U(lo, hi) * ||J||: the solution's error within 100 n eps cond(M) times the growth
/// of the factors (1 where elimination without pivoting is as stable as with).
template <template <class> class Sys>
void check_sparse_lu(const model_definition& model, const sampling& how, unsigned seed, double lo, double hi,
                     int points) {
  constexpr int n = Sys<double>::n_states;
  const std::vector<double> p = default_parameters(model);
  Sys<double> sys;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0), exponent(lo, hi);
  int used = 0;
  double worst = 0.0, worst_growth = 0.0;
  for (int attempt = 0; attempt < 20 * points && used < points; ++attempt) {
    const sample s = how.draw(rng);
    if (!how.usable(s)) continue;
    ++used;
    std::vector<double> J(n * n), jv(Sys<double>::sparse_nnz);
    sys.jacobian(s.t, s.y.data(), p.data(), J.data());
    double norm = 0.0;
    for (int i = 0; i < n; ++i) {
      double r = 0.0;
      for (int j = 0; j < n; ++j) r += std::fabs(J[i * n + j]);
      norm = std::max(norm, r);
    }
    const double c = std::pow(10.0, exponent(rng)) * (norm > 0.0 ? norm : 1.0);
    std::vector<double> m(n * n), b(n), x(n);
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) m[i * n + j] = (i == j ? c : 0.0) - J[i * n + j];
      b[i] = x[i] = u(rng);
    }
    double cond = 0.0;
    const std::vector<double> ref = reference_solve(m, b, cond);
    sys.jacobian_sparse(s.t, s.y.data(), p.data(), jv.data());
    ASSERT_TRUE(sys.factor_shifted(c, jv.data())) << "c = " << c << " at point " << used;
    sys.solve_factored(jv.data(), x.data());
    double err = 0.0, size = 0.0;
    for (int i = 0; i < n; ++i) {
      err = std::max(err, std::fabs(x[i] - ref[i]));
      size = std::max(size, std::fabs(ref[i]));
    }
    const double growth = factor_growth<Sys>(jv, m);
    const double bound = 100.0 * n * 2.220446049250313e-16 * cond * std::max(1.0, growth);
    ASSERT_LE(err / size, bound) << "c = " << c << " (||J|| = " << norm << "), cond " << cond << ", growth " << growth
                                 << ", point " << used;
    worst_growth = std::max(worst_growth, growth);
    worst = std::max(worst, err / size / bound);
  }
  ASSERT_EQ(used, points);
  ::testing::Test::RecordProperty("worst_error_over_bound", std::to_string(worst));
  ::testing::Test::RecordProperty("worst_growth", std::to_string(worst_growth));
}

}  // namespace cubie::models::testing
