// The generated complex-shift LU (factor_shifted_complex / solve_factored_complex: M =
// (cr + i ci) I - J in factor_shifted's elimination order and fill, split real and imaginary
// arrays), which Radau IIA and Gauss-Legendre methods solve with, against the equivalent 2N
// real system [[cr I - J, -ci I], [ci I, cr I - J]] solved by pivoting elimination in long
// double, for shifts along Radau IIA 5's complex eigenvalue (2.68 + 3.05 i) / h from far
// below to far above ||J||; the dense complex LU with partial pivoting (dense_lu_complex, the
// path of C++ systems) against the same reference; and the mask for a singular matrix.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <filesystem>

#include "cubie/core/dense_lu_complex.hpp"
#include "hires.hpp"
#include "jacobian_check.hpp"
#include "pollu.hpp"
#include "ring_modulator.hpp"
#include "robertson.hpp"

namespace cubie::models::testing {
namespace {



sampling positive_points(int n, double lo, double hi) {
  sampling s;
  s.draw = [=](std::mt19937& rng) {
    sample out;
    for (int i = 0; i < n; ++i) out.y.push_back(log_uniform(rng, lo, hi, false));
    return out;
  };
  return s;
}

/// ||(|L| |U|)|| / ||M|| with complex moduli, from the generated factors (re, im).
template <template <class> class Sys>
double complex_growth(const std::vector<double>& re, const std::vector<double>& im,
                      const std::vector<std::complex<double>>& m) {
  constexpr int n = Sys<double>::n_states;
  std::vector<int> position(n);
  for (int k = 0; k < n; ++k) position[Sys<double>::elimination_order[k]] = k;
  std::vector<double> L(n * n, 0.0), U(n * n, 0.0);
  for (int k = 0; k < Sys<double>::sparse_nnz; ++k) {
    const int r = position[Sys<double>::sparse_row[k]], q = position[Sys<double>::sparse_col[k]];
    const std::complex<double> v(re[k], im[k]);
    if (r > q) L[r * n + q] = std::abs(v);
    else U[r * n + q] = r == q ? std::abs(1.0 / v) : std::abs(v);
  }
  for (int r = 0; r < n; ++r) L[r * n + r] = 1.0;
  double norm_lu = 0.0, norm_m = 0.0;
  for (int r = 0; r < n; ++r) {
    double row = 0.0, row_m = 0.0;
    for (int c = 0; c < n; ++c) {
      for (int q = 0; q < n; ++q) row += L[r * n + q] * U[q * n + c];
      row_m += std::abs(m[r * n + c]);
    }
    norm_lu = std::max(norm_lu, row);
    norm_m = std::max(norm_m, row_m);
  }
  return norm_lu / norm_m;
}

template <template <class> class Sys>
void check_complex_lu(const model_definition& model, const sampling& how, unsigned seed, double lo, double hi,
                      int points) {
  constexpr int n = Sys<double>::n_states;
  constexpr int K = Sys<double>::sparse_nnz;
  const std::vector<double> p = default_parameters(model);
  Sys<double> sys;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0), exponent(lo, hi);
  const double alpha = 2.6810828736277521339, beta = 3.0504301992474105694;
  const double eps = 2.220446049250313e-16;
  int used = 0;
  double worst = 0.0, worst_dense = 0.0;
  for (int attempt = 0; attempt < 20 * points && used < points; ++attempt) {
    const sample s = how.draw(rng);
    if (!how.usable(s)) continue;
    ++used;
    std::vector<double> J(n * n);
    sys.jacobian(s.t, s.y.data(), p.data(), J.data());
    double norm = 0.0;
    for (int i = 0; i < n; ++i) {
      double r = 0.0;
      for (int j = 0; j < n; ++j) r += std::fabs(J[i * n + j]);
      norm = std::max(norm, r);
    }
    const double scale = std::pow(10.0, exponent(rng)) * (norm > 0.0 ? norm : 1.0) / std::hypot(alpha, beta);
    const double cr = alpha * scale, ci = beta * scale;
    // The 2N real system and the complex matrix (for the growth).
    std::vector<double> m2(4 * n * n, 0.0), b2(2 * n);
    std::vector<std::complex<double>> mc(n * n);
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) {
        const double a = (i == j ? cr : 0.0) - J[i * n + j];
        m2[i * 2 * n + j] = a;
        m2[(n + i) * 2 * n + n + j] = a;
        mc[i * n + j] = {a, i == j ? ci : 0.0};
      }
      m2[i * 2 * n + n + i] = -ci;
      m2[(n + i) * 2 * n + i] = ci;
      b2[i] = u(rng);
      b2[n + i] = u(rng);
    }
    double cond = 0.0;
    const std::vector<double> ref = reference_solve(m2, b2, cond);
    std::vector<double> re(K), im(K), xr(b2.begin(), b2.begin() + n), xi(b2.begin() + n, b2.end());
    sys.jacobian_sparse(s.t, s.y.data(), p.data(), re.data());
    ASSERT_TRUE(sys.factor_shifted_complex(cr, ci, re.data(), im.data())) << "c = " << cr << " + " << ci << "i";
    sys.solve_factored_complex(re.data(), im.data(), xr.data(), xi.data());
    dense_lu_complex<double, n> dense;
    ASSERT_TRUE(dense.factor_shifted(cr, ci, J.data()));
    std::vector<double> dr(b2.begin(), b2.begin() + n), di(b2.begin() + n, b2.end());
    dense.solve(dr.data(), di.data());
    double err = 0.0, err_dense = 0.0, size = 0.0;
    for (int i = 0; i < n; ++i) {
      err = std::max({err, std::fabs(xr[i] - ref[i]), std::fabs(xi[i] - ref[n + i])});
      err_dense = std::max({err_dense, std::fabs(dr[i] - ref[i]), std::fabs(di[i] - ref[n + i])});
      size = std::max({size, std::fabs(ref[i]), std::fabs(ref[n + i])});
    }
    const double growth = complex_growth<Sys>(re, im, mc);
    const double bound = 100.0 * 2 * n * eps * cond * std::max(1.0, growth);
    ASSERT_LE(err / size, bound) << "c = " << cr << " + " << ci << "i (||J|| = " << norm << "), cond " << cond
                                 << ", growth " << growth << ", point " << used;
    // Partial pivoting: growth stays small (<= 2^(n-1) in theory, about 1 in practice).
    ASSERT_LE(err_dense / size, 100.0 * 2 * n * eps * cond) << "dense, point " << used;
    worst = std::max(worst, err / size / bound);
    worst_dense = std::max(worst_dense, err_dense / size / (100.0 * 2 * n * eps * cond));
  }
  ASSERT_EQ(used, points);
  std::printf("%s: worst error / bound %.3g generated, %.3g dense\n", model.name.c_str(), worst, worst_dense);
}

TEST(model_sparse_lu_complex, Pollution) {
  sampling s;
  s.draw = [](std::mt19937& rng) {
    sample out;
    for (int i = 0; i < 20; ++i) out.y.push_back(log_uniform(rng, -8, 0, false));
    return out;
  };
  check_complex_lu<gen_pollu>(example("stiff/pollu.toml"), s, 11, -6, 3, 200);
}
TEST(model_sparse_lu_complex, RingModulator) {
  check_complex_lu<gen_ring_modulator>(example("stiff/ring_modulator.toml"), ring_modulator_points(), 12, -6, 3, 200);
}
TEST(model_sparse_lu_complex, Robertson) {
  check_complex_lu<gen_robertson>(example("stiff/robertson.toml"), positive_points(3, -10, 0), 13, -6, 3, 200);
}
TEST(model_sparse_lu_complex, Hires) {
  check_complex_lu<gen_hires>(example("stiff/hires.toml"), positive_points(8, -6, 0), 14, -6, 3, 200);
}

TEST(model_sparse_lu_complex, SingularMatrixIsFlagged) {
  // J = 0 and c = 0: every pivot is zero.
  gen_robertson<double> sys;
  double re[gen_robertson<double>::sparse_nnz] = {}, im[gen_robertson<double>::sparse_nnz];
  EXPECT_FALSE(sys.factor_shifted_complex(0.0, 0.0, re, im));
  double J[9] = {};
  dense_lu_complex<double, 3> dense;
  EXPECT_FALSE(dense.factor_shifted(0.0, 0.0, J));
  // A purely imaginary shift of a zero J is fine.
  double re2[gen_robertson<double>::sparse_nnz] = {}, im2[gen_robertson<double>::sparse_nnz];
  EXPECT_TRUE(sys.factor_shifted_complex(0.0, 2.0, re2, im2));
  EXPECT_TRUE(dense.factor_shifted(0.0, 2.0, J));
}

}  // namespace
}  // namespace cubie::models::testing
