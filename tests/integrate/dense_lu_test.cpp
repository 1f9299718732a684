// tests/integrate/dense_lu_test.cpp
// The unrolled pivoting LU: solves agree with an independent long-double solve (complete
// pivoting) on random matrices, including ones that cannot be factorised without row
// interchanges; singular and non-finite matrices are reported per run; SIMD lanes pivot
// independently and match scalar factorisations.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "cubie/core/dense_lu.hpp"

namespace {

using cubie::dense_lu;
using real = long double;

/// x = A^-1 b by Gaussian elimination with complete pivoting in long double.
std::vector<real> reference_solve(std::vector<real> a, std::vector<real> b, int n) {
  std::vector<int> col(n);
  for (int i = 0; i < n; ++i) col[i] = i;
  for (int k = 0; k < n; ++k) {
    int pr = k, pc = k;
    for (int i = k; i < n; ++i)
      for (int j = k; j < n; ++j)
        if (std::fabs(a[i * n + j]) > std::fabs(a[pr * n + pc])) pr = i, pc = j;
    for (int j = 0; j < n; ++j) std::swap(a[k * n + j], a[pr * n + j]);
    std::swap(b[k], b[pr]);
    for (int i = 0; i < n; ++i) std::swap(a[i * n + k], a[i * n + pc]);
    std::swap(col[k], col[pc]);
    for (int i = k + 1; i < n; ++i) {
      const real l = a[i * n + k] / a[k * n + k];
      for (int j = k; j < n; ++j) a[i * n + j] -= l * a[k * n + j];
      b[i] -= l * b[k];
    }
  }
  std::vector<real> z(n), x(n);
  for (int k = n - 1; k >= 0; --k) {
    real s = b[k];
    for (int j = k + 1; j < n; ++j) s -= a[k * n + j] * z[j];
    z[k] = s / a[k * n + k];
  }
  for (int k = 0; k < n; ++k) x[col[k]] = z[k];
  return x;
}

template <int N>
void expect_solves(const std::vector<double>& a, const char* what) {
  std::mt19937_64 rng(N);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> b(N);
  for (double& v : b) v = u(rng);
  dense_lu<double, N> lu;
  std::copy(a.begin(), a.end(), lu.a);
  ASSERT_TRUE(lu.factor()) << what;
  double x[N];
  std::copy(b.begin(), b.end(), x);
  lu.solve(x);
  const std::vector<real> ref = reference_solve(std::vector<real>(a.begin(), a.end()), std::vector<real>(b.begin(), b.end()), N);
  real scale = 0;
  for (int i = 0; i < N; ++i) scale = std::max(scale, std::fabs(ref[i]));
  for (int i = 0; i < N; ++i) EXPECT_NEAR(x[i], ref[i], 1e-12L * scale) << what << " x[" << i << "]";
}

template <int N>
std::vector<double> random_matrix(unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> a(N * N);
  for (double& v : a) v = u(rng);
  return a;
}

TEST(DenseLu, RandomMatricesMatchTheReferenceSolve) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    expect_solves<1>(random_matrix<1>(seed), "1x1");
    expect_solves<2>(random_matrix<2>(seed), "2x2");
    expect_solves<3>(random_matrix<3>(seed), "3x3");
    expect_solves<5>(random_matrix<5>(seed), "5x5");
    expect_solves<8>(random_matrix<8>(seed), "8x8");
    // Larger sizes are the same unrolled code, and a 20 x 20 factorisation alone took g++
    // about 50 s to compile here (2-core EPYC, 2026-12-04): 12 keeps the test's build short.
    expect_solves<12>(random_matrix<12>(seed), "12x12");
  }
}

TEST(DenseLu, MatricesThatNeedRowInterchanges) {
  // A zero (and a tiny) leading pivot: elimination without interchanges divides by 0 (or
  // loses every digit to 1e20-sized multipliers).
  expect_solves<2>({0.0, 1.0, 1.0, 0.0}, "swap");
  expect_solves<3>({0.0, 2.0, 1.0, 1.0, 0.0, 3.0, 4.0, 1.0, 0.0}, "zero diagonal");
  expect_solves<3>({1e-20, 1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 3.0, 1.0}, "tiny leading pivot");
  // A permuted random matrix: every row must move.
  auto a = random_matrix<6>(7);
  for (int i = 0; i < 6; ++i) a[i * 6 + i] = 0.0;
  expect_solves<6>(a, "zero diagonal 6x6");
  // The interchanges really happened (the first pivot row is the one with the largest |a_i0|).
  dense_lu<double, 3> lu;
  const double m[9] = {0.0, 2.0, 1.0, 1.0, 0.0, 3.0, 4.0, 1.0, 0.0};
  std::copy(m, m + 9, lu.a);
  ASSERT_TRUE(lu.factor());
  EXPECT_EQ(lu.pivot_row[0], 2.0);
}

TEST(DenseLu, ShiftedFactorisationIsOfCIMinusA) {
  auto a = random_matrix<4>(3);
  const double c = 2.5;
  dense_lu<double, 4> shifted;
  std::copy(a.begin(), a.end(), shifted.a);
  ASSERT_TRUE(shifted.factor_shifted(c));
  std::vector<double> m(16);
  for (int i = 0; i < 4; ++i)
    for (int j = 0; j < 4; ++j) m[i * 4 + j] = (i == j ? c : 0.0) - a[i * 4 + j];
  double x[4] = {1, -2, 0.5, 3};
  shifted.solve(x);
  const auto ref = reference_solve(std::vector<real>(m.begin(), m.end()), {1, -2, 0.5, 3}, 4);
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(x[i], ref[i], 1e-13L);
}

TEST(DenseLu, SingularAndNonFiniteMatricesAreReported) {
  // Exactly singular as far as elimination can tell: a zero column or a zero row leaves a
  // zero pivot whatever the interchanges. (Rank deficiency through rounding, such as equal
  // rows scaled by a reciprocal, leaves a pivot near 1e-16 instead: a nearly singular matrix
  // whose huge solution the caller's error test rejects.)
  {
    dense_lu<double, 3> lu;
    const double m[9] = {1, 0, 3, 4, 0, 6, 7, 0, 9};  // a zero column
    std::copy(m, m + 9, lu.a);
    EXPECT_FALSE(lu.factor());
  }
  {
    dense_lu<double, 3> lu;
    const double m[9] = {1, 2, 3, 0, 0, 0, 4, 5, 6};  // a zero row
    std::copy(m, m + 9, lu.a);
    EXPECT_FALSE(lu.factor());
  }
  {
    dense_lu<double, 2> lu;
    const double m[4] = {0, 0, 0, 0};
    std::copy(m, m + 4, lu.a);
    EXPECT_FALSE(lu.factor());
  }
  for (double bad : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    for (int pos = 0; pos < 9; ++pos) {
      dense_lu<double, 3> lu;
      const auto a = random_matrix<3>(11);
      std::copy(a.begin(), a.end(), lu.a);
      lu.a[pos] = bad;
      EXPECT_FALSE(lu.factor()) << bad << " at " << pos;
    }
  }
}

TEST(DenseLu, FloatFactorisation) {
  const auto a = random_matrix<5>(5);
  dense_lu<float, 5> lu;
  for (int k = 0; k < 25; ++k) lu.a[k] = static_cast<float>(a[k]);
  ASSERT_TRUE(lu.factor());
  float x[5] = {1, 2, 3, 4, 5};
  lu.solve(x);
  std::vector<real> af(25);
  for (int k = 0; k < 25; ++k) af[k] = static_cast<float>(a[k]);
  const auto ref = reference_solve(af, {1, 2, 3, 4, 5}, 5);
  for (int i = 0; i < 5; ++i) EXPECT_NEAR(x[i], ref[i], 1e-4L * (1 + std::fabs(ref[i])));
}

TEST(DenseLu, SimdLanesPivotAndFailIndependently) {
  constexpr int N = 4, W = 4;
  using P = cubie::simd::pack<double, W>;
  // Lane 0 random, lane 1 needs interchanges (zero diagonal), lane 2 singular (a zero row),
  // lane 3 NaN.
  std::vector<std::vector<double>> lanes = {random_matrix<N>(21), random_matrix<N>(22), random_matrix<N>(23),
                                            random_matrix<N>(24)};
  for (int i = 0; i < N; ++i) lanes[1][i * N + i] = 0.0;
  for (int j = 0; j < N; ++j) lanes[2][2 * N + j] = 0.0;
  lanes[3][5] = std::nan("");
  dense_lu<P, N> lu;
  for (int k = 0; k < N * N; ++k) {
    double v[W];
    for (int l = 0; l < W; ++l) v[l] = lanes[l][k];
    lu.a[k] = P::load(v);
  }
  const auto ok = lu.factor();
  EXPECT_TRUE(ok[0]);
  EXPECT_TRUE(ok[1]);
  EXPECT_FALSE(ok[2]);
  EXPECT_FALSE(ok[3]);
  P x[N];
  const double b[N] = {0.5, -1, 2, 1};
  for (int i = 0; i < N; ++i) x[i] = P(b[i]);
  lu.solve(x);
  for (int l = 0; l < 2; ++l) {
    dense_lu<double, N> s;
    std::copy(lanes[l].begin(), lanes[l].end(), s.a);
    ASSERT_TRUE(s.factor());
    double xs[N] = {0.5, -1, 2, 1};
    s.solve(xs);
    for (int i = 0; i < N; ++i) EXPECT_EQ(x[i][l], xs[i]) << "lane " << l << " x[" << i << "]";
  }
}

}  // namespace
