// tests/integrate/dual_test.cpp
// Dual numbers give exact derivatives: every math function against its analytic derivative,
// the almost-everywhere rules of the non-smooth ones, lanes of SIMD packs against scalar runs,
// and whole Jacobians (and df/dt) of the test systems against central finite differences and
// against a hand-written Jacobian; vector mode agrees with column-at-a-time mode.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "cubie/core/dual.hpp"
#include "cubie/integrate/jacobian.hpp"
#include "stiff_systems.hpp"
#include "test_systems.hpp"

namespace {

using cubie::dual;
using cubie::fixed_vector;
namespace math = cubie::math;
using D1 = dual<double, 1>;

struct unary_case {
  const char* name;
  std::function<D1(D1)> f;
  std::function<double(double)> value;
  std::function<double(double)> derivative;
  std::vector<double> points;
};

TEST(Dual, EveryUnaryFunctionHasItsAnalyticDerivative) {
  const std::vector<unary_case> cases = {
      {"sqrt", [](D1 x) { return math::sqrt(x); }, [](double x) { return std::sqrt(x); },
       [](double x) { return 0.5 / std::sqrt(x); }, {0.3, 2.0, 1e4}},
      {"exp", [](D1 x) { return math::exp(x); }, [](double x) { return std::exp(x); },
       [](double x) { return std::exp(x); }, {-3.0, 0.0, 2.5}},
      {"exp2", [](D1 x) { return math::exp2(x); }, [](double x) { return std::exp2(x); },
       [](double x) { return std::exp2(x) * std::log(2.0); }, {-1.5, 3.0}},
      {"log", [](D1 x) { return math::log(x); }, [](double x) { return std::log(x); },
       [](double x) { return 1 / x; }, {1e-3, 1.0, 7.0}},
      {"log2", [](D1 x) { return math::log2(x); }, [](double x) { return std::log2(x); },
       [](double x) { return 1 / (x * std::log(2.0)); }, {0.5, 9.0}},
      {"log10", [](D1 x) { return math::log10(x); }, [](double x) { return std::log10(x); },
       [](double x) { return 1 / (x * std::log(10.0)); }, {0.5, 9.0}},
      {"sin", [](D1 x) { return math::sin(x); }, [](double x) { return std::sin(x); },
       [](double x) { return std::cos(x); }, {-2.0, 0.0, 1.3}},
      {"cos", [](D1 x) { return math::cos(x); }, [](double x) { return std::cos(x); },
       [](double x) { return -std::sin(x); }, {-2.0, 0.0, 1.3}},
      {"tan", [](D1 x) { return math::tan(x); }, [](double x) { return std::tan(x); },
       [](double x) { return 1 / (std::cos(x) * std::cos(x)); }, {-1.0, 0.4}},
      {"asin", [](D1 x) { return math::asin(x); }, [](double x) { return std::asin(x); },
       [](double x) { return 1 / std::sqrt(1 - x * x); }, {-0.7, 0.2}},
      {"acos", [](D1 x) { return math::acos(x); }, [](double x) { return std::acos(x); },
       [](double x) { return -1 / std::sqrt(1 - x * x); }, {-0.7, 0.2}},
      {"atan", [](D1 x) { return math::atan(x); }, [](double x) { return std::atan(x); },
       [](double x) { return 1 / (1 + x * x); }, {-3.0, 0.5}},
      {"sinh", [](D1 x) { return math::sinh(x); }, [](double x) { return std::sinh(x); },
       [](double x) { return std::cosh(x); }, {-1.0, 2.0}},
      {"cosh", [](D1 x) { return math::cosh(x); }, [](double x) { return std::cosh(x); },
       [](double x) { return std::sinh(x); }, {-1.0, 2.0}},
      {"tanh", [](D1 x) { return math::tanh(x); }, [](double x) { return std::tanh(x); },
       [](double x) { return 1 / (std::cosh(x) * std::cosh(x)); }, {-1.0, 2.0}},
      {"abs", [](D1 x) { return math::abs(x); }, [](double x) { return std::fabs(x); },
       [](double x) { return x > 0 ? 1.0 : (x < 0 ? -1.0 : 0.0); }, {-2.5, 0.0, 3.0}},
      {"floor", [](D1 x) { return math::floor(x); }, [](double x) { return std::floor(x); },
       [](double) { return 0.0; }, {-2.5, 3.7}},
      {"ceil", [](D1 x) { return math::ceil(x); }, [](double x) { return std::ceil(x); }, [](double) { return 0.0; },
       {-2.5, 3.7}},
      {"x^2.5", [](D1 x) { return math::pow(x, D1(2.5)); }, [](double x) { return std::pow(x, 2.5); },
       [](double x) { return 2.5 * std::pow(x, 1.5); }, {0.0, 0.5, 3.0}},
      {"x^3 (negative base)", [](D1 x) { return math::pow(x, D1(3.0)); }, [](double x) { return x * x * x; },
       [](double x) { return 3 * x * x; }, {-2.0, 0.0, 1.5}},
      {"x^1 at 0", [](D1 x) { return math::pow(x, D1(1.0)); }, [](double x) { return x; }, [](double) { return 1.0; },
       {0.0}},
      {"2^x", [](D1 x) { return math::pow(D1(2.0), x); }, [](double x) { return std::pow(2.0, x); },
       [](double x) { return std::pow(2.0, x) * std::log(2.0); }, {-1.0, 3.5}},
      {"x^x", [](D1 x) { return math::pow(x, x); }, [](double x) { return std::pow(x, x); },
       [](double x) { return std::pow(x, x) * (std::log(x) + 1); }, {0.5, 2.0}},
  };
  for (const auto& c : cases) {
    for (double x : c.points) {
      const D1 r = c.f(D1::variable(x, 0));
      EXPECT_NEAR(r.v, c.value(x), 1e-15 * (1 + std::fabs(c.value(x)))) << c.name << " at " << x;
      EXPECT_NEAR(r.d[0], c.derivative(x), 1e-14 * (1 + std::fabs(c.derivative(x)))) << c.name << "' at " << x;
    }
  }
}

TEST(Dual, BinaryFunctionsAndArithmetic) {
  const D1 x = D1::variable(1.5, 0);
  const D1 y(0.25);  // a constant
  const D1 q = (x * x - 3.0 * x + 2.0) / (x + y);
  const double xv = 1.5, den = 1.75;
  EXPECT_NEAR(q.v, (xv * xv - 3 * xv + 2) / den, 1e-15);
  EXPECT_NEAR(q.d[0], ((2 * xv - 3) * den - (xv * xv - 3 * xv + 2)) / (den * den), 1e-15);
  // atan2(y, x) along both arguments.
  using D2 = dual<double, 2>;
  const D2 a = D2::variable(0.3, 0), b = D2::variable(-1.2, 1);
  const D2 t = math::atan2(a, b);
  EXPECT_NEAR(t.v, std::atan2(0.3, -1.2), 1e-15);
  const double r2 = 0.3 * 0.3 + 1.2 * 1.2;
  EXPECT_NEAR(t.d[0], -1.2 / r2, 1e-15);
  EXPECT_NEAR(t.d[1], -0.3 / r2, 1e-15);
  // min and max differentiate the argument they return; a NaN argument yields the other.
  EXPECT_EQ(math::min(a, b).d[1], 1.0);
  EXPECT_EQ(math::max(a, b).d[0], 1.0);
  const D2 nan_arg(std::nan(""));
  EXPECT_EQ(math::max(nan_arg, a).d[0], 1.0);
  EXPECT_EQ(math::min(a, nan_arg).d[0], 1.0);
  // Compound assignment and comparisons (values only).
  D2 acc = a;
  acc *= b;
  acc += 1.0;
  EXPECT_NEAR(acc.d[0], -1.2, 1e-15);
  EXPECT_NEAR(acc.d[1], 0.3, 1e-15);
  EXPECT_TRUE(a > b);
  EXPECT_TRUE(a < 1.0);
  EXPECT_TRUE(math::is_finite(a));
  EXPECT_FALSE(math::is_finite(nan_arg));
  // ifelse/select on a plain mask pick value and derivatives of one branch.
  const D2 s = math::ifelse(a > b, a * a, b);
  EXPECT_NEAR(s.d[0], 0.6, 1e-15);
  EXPECT_EQ(s.d[1], 0.0);
}

TEST(Dual, FloatArithmetic) {
  using F = dual<float, 1>;
  const F x = F::variable(2.0f, 0);
  const F r = math::exp(x) * math::sin(x) + 2.0 * x;  // a double literal meets a float dual
  EXPECT_NEAR(r.d[0], std::exp(2.0f) * (std::sin(2.0f) + std::cos(2.0f)) + 2.0f, 1e-4f);
}

TEST(Dual, SimdPackLanesMatchScalarRuns) {
  constexpr int W = 4;
  using P = cubie::simd::pack<double, W>;
  using DP = dual<P, 2>;
  const double xs[W] = {-1.5, 0.0, 0.7, 3.0};
  const double ys[W] = {2.0, -1.0, 0.7, -3.0};
  const DP x = DP::variable(P::load(xs), 0);
  const DP y = DP::variable(P::load(ys), 1);
  // Per-lane branches through masks, non-smooth functions and arithmetic with plain doubles.
  const DP r = math::select(x > y, math::abs(x) * math::exp(y), math::max(x, y) * 2.0) + math::sin(x * y) -
               math::pow(math::abs(y) + 1.0, x);
  for (int l = 0; l < W; ++l) {
    using D2 = dual<double, 2>;
    const D2 xs_ = D2::variable(xs[l], 0), ys_ = D2::variable(ys[l], 1);
    const D2 e = math::ifelse(xs_ > ys_, math::abs(xs_) * math::exp(ys_), math::max(xs_, ys_) * 2.0) +
                 math::sin(xs_ * ys_) - math::pow(math::abs(ys_) + 1.0, xs_);
    EXPECT_DOUBLE_EQ(r.v[l], e.v) << "lane " << l;
    EXPECT_DOUBLE_EQ(r.d[0][l], e.d[0]) << "lane " << l;
    EXPECT_DOUBLE_EQ(r.d[1][l], e.d[1]) << "lane " << l;
  }
}

// ---- Jacobians of whole systems -------------------------------------------------------------

/// Central differences of f in y_j and in t, step relative to the variable.
template <template <class> class Sys, int N, int P>
void finite_differences(double t, const fixed_vector<double, N>& y, const fixed_vector<double, P>& p, double* J,
                        double* ft) {
  const Sys<double> sys{};
  for (int j = 0; j <= N; ++j) {
    const double x = j < N ? y[j] : t;
    const double h = 1e-6 * (1 + std::fabs(x));
    fixed_vector<double, N> yp = y, ym = y;
    double tp = t, tm = t;
    if (j < N) {
      yp[j] += h;
      ym[j] -= h;
    } else {
      tp += h;
      tm -= h;
    }
    double fp[N], fm[N];
    sys.rhs(tp, yp.data(), p.data(), fp);
    sys.rhs(tm, ym.data(), p.data(), fm);
    for (int i = 0; i < N; ++i) {
      const double g = (fp[i] - fm[i]) / ((j < N ? yp[j] - ym[j] : tp - tm));
      if (j < N) J[i * N + j] = g;
      else ft[i] = g;
    }
  }
}

template <template <class> class Sys, int N, int P>
void check_jacobian(const char* what, double t, const fixed_vector<double, N>& y, const fixed_vector<double, P>& p) {
  double J[N * N], ft[N], f[N], Jfd[N * N], ftfd[N], Jc[N * N], ftc[N], fc[N];
  cubie::dual_jacobian<true, Sys<double>>(t, y, p, f, J, ft);
  cubie::dual_jacobian_by_columns<true, Sys<double>>(t, y, p, fc, Jc, ftc);
  finite_differences<Sys>(t, y, p, Jfd, ftfd);
  double f_direct[N];
  Sys<double>{}.rhs(t, y.data(), p.data(), f_direct);
  double scale = 1;
  for (int k = 0; k < N * N; ++k) scale = std::max(scale, std::fabs(J[k]));
  for (int i = 0; i < N; ++i) {
    EXPECT_NEAR(f[i], f_direct[i], 1e-14 * (1 + std::fabs(f_direct[i]))) << what << " f[" << i << "]";
    EXPECT_EQ(fc[i], f[i]) << what;
    EXPECT_NEAR(ft[i], ftfd[i], 1e-7 * scale) << what << " df" << i << "/dt";
    EXPECT_EQ(ftc[i], ft[i]) << what << " column mode, df" << i << "/dt";
    for (int j = 0; j < N; ++j) {
      EXPECT_NEAR(J[i * N + j], Jfd[i * N + j], 1e-7 * scale) << what << " J[" << i << "][" << j << "]";
      // The same operations on the same numbers, one column at a time.
      EXPECT_EQ(Jc[i * N + j], J[i * N + j]) << what << " column mode, J[" << i << "][" << j << "]";
    }
  }
}

TEST(DualJacobian, TestSystemsAgreeWithFiniteDifferences) {
  using namespace cubie::test;
  check_jacobian<linear2, 2, 5>("linear2", 0.7, {{0.3, -1.1}}, {{-2.0, 1.0, -0.5, -3.0, 0.8}});
  check_jacobian<order_problem, 5, 1>("order_problem", 1.3, {{0.4, 0.8, 0.9, 1.2, 0.6}}, {{0.51}});
  check_jacobian<quadratic_blowup, 1, 1>("quadratic_blowup", 0.0, {{2.0}}, {{1.5}});
  check_jacobian<robertson, 3, 3>("robertson", 0.0, {{0.9, 3e-5, 0.1}}, {{0.04, 3e7, 1e4}});
  check_jacobian<van_der_pol, 2, 1>("van_der_pol", 0.0, {{1.7, -0.4}}, {{1000.0}});
  check_jacobian<prothero_robinson, 1, 1>("prothero_robinson", 0.4, {{1.1}}, {{-1e6}});
}

TEST(DualJacobian, HandWrittenJacobianAgrees) {
  using namespace cubie::test;
  const fixed_vector<double, 3> y{{0.7, 2e-5, 0.3}};
  const fixed_vector<double, 3> p{{0.04, 3e7, 1e4}};
  double J[9], f[3], ft[3], Jh[9];
  cubie::dual_jacobian<false, robertson<double>>(0.0, y, p, f, J, ft);
  robertson_with_jacobian<double>{}.jacobian(0.0, y.data(), p.data(), Jh);
  for (int k = 0; k < 9; ++k) EXPECT_NEAR(J[k], Jh[k], 1e-15 * (1 + std::fabs(Jh[k]))) << "entry " << k;
}

TEST(DualJacobian, PackLanesMatchScalarJacobians) {
  using namespace cubie::test;
  constexpr int W = 4;
  using P = cubie::simd::pack<double, W>;
  const double x[W] = {0.5, -1.0, 2.0, 0.0}, v[W] = {0.1, 3.0, -2.0, 1.0}, mu[W] = {1.0, 10.0, 1e3, 1e6};
  const fixed_vector<P, 2> y{{P::load(x), P::load(v)}};
  const fixed_vector<P, 1> p{{P::load(mu)}};
  P J[4], f[2], ft[2];
  cubie::dual_jacobian<false, van_der_pol<P>>(P(0.0), y, p, f, J, ft);
  for (int l = 0; l < W; ++l) {
    double Js[4], fs[2], fts[2];
    cubie::dual_jacobian<false, van_der_pol<double>>(0.0, fixed_vector<double, 2>{{x[l], v[l]}},
                                                     fixed_vector<double, 1>{{mu[l]}}, fs, Js, fts);
    for (int k = 0; k < 4; ++k) EXPECT_EQ(J[k][l], Js[k]) << "lane " << l << " entry " << k;
    for (int i = 0; i < 2; ++i) EXPECT_EQ(f[i][l], fs[i]) << "lane " << l;
  }
}

TEST(DualJacobian, SourcesAreChosenInTheContractsOrder) {
  using namespace cubie::test;
  using cubie::jacobian_source;
  using cubie::jacobian_source_of;
  EXPECT_EQ((jacobian_source_of<robertson<double>, double>()), jacobian_source::dual_numbers);
  EXPECT_EQ((jacobian_source_of<robertson_with_jacobian<double>, double>()), jacobian_source::dense_user);
  EXPECT_EQ((jacobian_source_of<van_der_pol<float>, float>()), jacobian_source::dual_numbers);
  EXPECT_TRUE((cubie::iteration_matrix<robertson<double>, double>::autonomous));
  EXPECT_FALSE((cubie::iteration_matrix<prothero_robinson<double>, double>::autonomous));
}

}  // namespace
