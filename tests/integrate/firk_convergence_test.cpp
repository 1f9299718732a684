// tests/integrate/firk_convergence_test.cpp
// Fully implicit Runge-Kutta methods (firk_stepper): the tableaus' algebra, and observed
// orders with fixed steps through the Solver (cpu backend, SIMD packs, Jacobians from dual
// numbers, Newton iterations to tight tolerances). Smooth: the nonlinear, non-autonomous
// order problem, slope within 0.3 of the classical order (2s for Gauss-Legendre, 2s - 1 for
// Radau IIA), with the LU and through GMRES and BiCGSTAB. Stiff: Prothero-Robinson with
// L = -1e6, where the stiffly accurate Radau IIA 5 shows its stage order 3 (Hairer & Wanner
// VI.7: the error O(h^(q+1)) of the stage equations divided by h L).
#include "cubie/batch/make_system.hpp"
#include "cubie/integrate/methods/newton_methods.hpp"
#include "rosenbrock_orders.hpp"

#include <cmath>
#include <string>

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

const std::shared_ptr<const compiled_system>& problem_system() {
  static const auto sys = make_system<order_and_prothero_robinson, m::firk_methods, double>();
  return sys;
}

TEST(FirkConvergence, GaussLegendre2) {
  check_rosenbrock_order(problem_system(), "firk_gauss_legendre_2", 2, 1.0, {32, 64, 128, 256}, false,
                         precision::float64, 1e-13);
}
TEST(FirkConvergence, GaussLegendre4) {
  check_rosenbrock_order(problem_system(), "firk_gauss_legendre_4", 4, 1.0, {8, 16, 32, 64}, false,
                         precision::float64, 1e-13);
}
TEST(FirkConvergence, RadauIIA5) {
  check_rosenbrock_order(problem_system(), "radau_iia_5", 5, 2.0, {8, 16, 32, 64}, false, precision::float64, 1e-15);
  check_rosenbrock_order(problem_system(), "radau_iia_5", 3, 1.0, {12, 24, 48, 96}, true, precision::float64, 1e-13);
}

// The same orders through GMRES and BiCGSTAB (firk_krylov.hpp): the linear solver must not
// change the method.
TEST(FirkConvergence, KrylovOrdersAreTheLUs) {
  for (const char* linear : {"gmres", "bicgstab"}) {
    check_rosenbrock_order(problem_system(), "firk_gauss_legendre_2", 2, 1.0, {32, 64, 128, 256}, false,
                           precision::float64, 1e-13, linear);
    check_rosenbrock_order(problem_system(), "firk_gauss_legendre_4", 4, 1.0, {8, 16, 32, 64}, false,
                           precision::float64, 1e-13, linear);
    check_rosenbrock_order(problem_system(), "radau_iia_5", 5, 2.0, {8, 16, 32, 64}, false, precision::float64, 1e-15,
                           linear);
  }
}

// A^-1 (Gauss-Jordan, S <= 3) for the checks below.
template <int S>
void invert(const double (&a)[S][S], double (&out)[S][S]) {
  double w[S][2 * S] = {};
  for (int i = 0; i < S; ++i) {
    for (int j = 0; j < S; ++j) w[i][j] = a[i][j];
    w[i][S + i] = 1.0;
  }
  for (int k = 0; k < S; ++k) {
    int piv = k;
    for (int i = k + 1; i < S; ++i)
      if (std::fabs(w[i][k]) > std::fabs(w[piv][k])) piv = i;
    for (int j = 0; j < 2 * S; ++j) std::swap(w[k][j], w[piv][j]);
    const double d = w[k][k];
    for (int j = 0; j < 2 * S; ++j) w[k][j] /= d;
    for (int i = 0; i < S; ++i) {
      if (i == k) continue;
      const double f = w[i][k];
      for (int j = 0; j < 2 * S; ++j) w[i][j] -= f * w[k][j];
    }
  }
  for (int i = 0; i < S; ++i)
    for (int j = 0; j < S; ++j) out[i][j] = w[i][S + j];
}

// Each tableau: the quadrature order conditions sum b_i c_i^(k-1) = 1/k up to the order,
// the stage order conditions C(s) of a collocation method, d = b^T A^-1, T^-1 T = I, and
// T^-1 A^-1 T = diag(gamma.., [[alpha, -beta], [beta, alpha]]..) with the listed eigenvalues;
// and the estimate (Radau IIA 5) vanishes on solutions of degree 2 (f(t0, y0) + sum e_i Z_i
// / h = 0 for y' = 1 and y' = 2 (t - t0): e . c = -1, e . c^2 = 0).
TEST(FirkTableau, ConsistentCoefficients) {
  [&]<class... M>(m::method_list<M...>) {
    auto check = []<class Method>(Method) {
      constexpr auto t = Method::tableau;
      constexpr int S = decltype(t)::stages;
      constexpr int R = decltype(t)::reals;
      // Gauss-Legendre: order 2s; Radau IIA: 2s - 1; quadrature conditions up to the order.
      for (int k = 1; k <= t.order; ++k) {
        double q = 0;
        for (int i = 0; i < S; ++i) q += t.b[i] * std::pow(t.c[i], k - 1);
        EXPECT_NEAR(q, 1.0 / k, 1e-14) << Method::name << " B(" << k << ")";
      }
      for (int i = 0; i < S; ++i)
        for (int k = 1; k <= S; ++k) {
          double q = 0;
          for (int j = 0; j < S; ++j) q += t.a[i][j] * std::pow(t.c[j], k - 1);
          EXPECT_NEAR(q, std::pow(t.c[i], k) / k, 1e-14) << Method::name << " C(" << k << ") row " << i;
        }
      double ai[S][S];
      invert(t.a, ai);
      for (int j = 0; j < S; ++j) {
        double d = 0;
        for (int i = 0; i < S; ++i) d += t.b[i] * ai[i][j];
        EXPECT_NEAR(d, t.d[j], 1e-13) << Method::name << " d[" << j << "]";
      }
      double lam[S][S] = {};
      for (int r = 0; r < R; ++r) lam[r][r] = t.gamma[r];
      for (int q = 0; q < decltype(t)::pairs; ++q) {
        const int a = R + 2 * q;
        lam[a][a] = lam[a + 1][a + 1] = t.alpha[q];
        lam[a][a + 1] = -t.beta[q];
        lam[a + 1][a] = t.beta[q];
      }
      for (int i = 0; i < S; ++i)
        for (int j = 0; j < S; ++j) {
          double id = 0, l = 0;
          for (int k = 0; k < S; ++k) {
            id += t.TI[i][k] * t.T[k][j];
            for (int n = 0; n < S; ++n) l += t.TI[i][k] * ai[k][n] * t.T[n][j];
          }
          EXPECT_NEAR(id, i == j ? 1.0 : 0.0, 1e-14) << Method::name << " T^-1 T at " << i << "," << j;
          EXPECT_NEAR(l, lam[i][j], 1e-13) << Method::name << " T^-1 A^-1 T at " << i << "," << j;
        }
      EXPECT_EQ(cubie::has_error_estimate(t), t.error_order > 0) << Method::name;
      if (cubie::has_error_estimate(t)) {
        // y' = 1: Z_i = c_i h, f = 1, and the estimate's right-hand side must vanish.
        double ec = 0;
        for (int i = 0; i < S; ++i) ec += t.e[i] * t.c[i];
        EXPECT_NEAR(ec, -1.0, 1e-14) << Method::name;
        double ec2 = 0;
        for (int i = 0; i < S; ++i) ec2 += t.e[i] * t.c[i] * t.c[i];
        EXPECT_NEAR(ec2, 0.0, 1e-14) << Method::name;
      }
    };
    (check(M{}), ...);
  }(m::firk_methods{});
}

}  // namespace
