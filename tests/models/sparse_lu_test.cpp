// The generated sparse LU of M = c I - J (elimination order and fill fixed at generation
// time, no pivoting): solutions against Gaussian elimination with partial pivoting in long
// double for shifts from far below to far above ||J||, in double, float and SIMD packs; the
// mask factor_shifted returns for singular and non-finite matrices, lane by lane.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "coupled_pair.hpp"
#include "cubie/core/simd.hpp"
#include "hires.hpp"
#include "jacobian_check.hpp"
#include "piecewise.hpp"
#include "pollu.hpp"
#include "ring_modulator.hpp"
#include "robertson.hpp"

namespace cubie::models::testing {
namespace {

namespace fs = std::filesystem;


sampling pollu_points() {
  sampling s;
  s.draw = [](std::mt19937& rng) {
    sample out;
    for (int i = 0; i < 20; ++i) out.y.push_back(log_uniform(rng, -8, 0, false));
    return out;
  };
  return s;
}

sampling positive_points(int n, double lo, double hi) {
  sampling s;
  s.draw = [=](std::mt19937& rng) {
    sample out;
    for (int i = 0; i < n; ++i) out.y.push_back(log_uniform(rng, lo, hi, false));
    return out;
  };
  return s;
}

// c from 1e-6 ||J|| (steps far beyond the stiff time scales) to 1e3 ||J|| (tiny steps).
TEST(model_sparse_lu, PollutionSmallShifts) { check_sparse_lu<gen_pollu>(example("stiff/pollu.toml"), pollu_points(), 1, -6, -1, 300); }
TEST(model_sparse_lu, PollutionLargeShifts) { check_sparse_lu<gen_pollu>(example("stiff/pollu.toml"), pollu_points(), 2, -1, 3, 300); }
TEST(model_sparse_lu, RingModulatorSmallShifts) {
  check_sparse_lu<gen_ring_modulator>(example("stiff/ring_modulator.toml"), ring_modulator_points(), 3, -6, -1, 300);
}
TEST(model_sparse_lu, RingModulatorLargeShifts) {
  check_sparse_lu<gen_ring_modulator>(example("stiff/ring_modulator.toml"), ring_modulator_points(), 4, -1, 3, 300);
}
TEST(model_sparse_lu, Robertson) {
  check_sparse_lu<gen_robertson>(example("stiff/robertson.toml"), positive_points(3, -10, 0), 5, -6, 3, 300);
}
TEST(model_sparse_lu, Hires) { check_sparse_lu<gen_hires>(example("stiff/hires.toml"), positive_points(8, -6, 0), 6, -6, 3, 300); }

// The same factorisation in float: within the float bound of the double reference.
TEST(model_sparse_lu, PollutionInFloat) {
  const model_definition m = example("stiff/pollu.toml");
  const std::vector<double> p = default_parameters(m);
  const std::vector<float> pf(p.begin(), p.end());
  gen_pollu<double> sys_d;
  gen_pollu<float> sys_f;
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(-1.0, 1.0), e(-4.0, 2.0);
  for (int point = 0; point < 200; ++point) {
    sample s = pollu_points().draw(rng);
    std::vector<float> yf(s.y.begin(), s.y.end());
    std::vector<double> J(400), m_(400), b(20);
    sys_d.jacobian(0.0, s.y.data(), p.data(), J.data());
    double norm = 0.0;
    for (int i = 0; i < 20; ++i) {
      double r = 0.0;
      for (int j = 0; j < 20; ++j) r += std::fabs(J[i * 20 + j]);
      norm = std::max(norm, r);
    }
    const double c = static_cast<float>(std::pow(10.0, e(rng)) * norm);
    std::vector<float> jv(gen_pollu<float>::sparse_nnz), x(20);
    sys_f.jacobian_sparse(0.0f, yf.data(), pf.data(), jv.data());
    // The reference factorises the float Jacobian, so the comparison is of the LU alone.
    for (int k = 0; k < gen_pollu<float>::sparse_nnz; ++k) {
      J[gen_pollu<float>::sparse_row[k] * 20 + gen_pollu<float>::sparse_col[k]] = jv[static_cast<std::size_t>(k)];
    }
    for (int i = 0; i < 20; ++i) {
      for (int j = 0; j < 20; ++j) m_[i * 20 + j] = (i == j ? c : 0.0) - J[i * 20 + j];
      b[i] = static_cast<float>(u(rng));
      x[i] = static_cast<float>(b[i]);
    }
    double cond = 0.0;
    const std::vector<double> ref = reference_solve(m_, b, cond);
    ASSERT_TRUE(sys_f.factor_shifted(static_cast<float>(c), jv.data()));
    sys_f.solve_factored(jv.data(), x.data());
    double err = 0.0, size = 0.0;
    for (int i = 0; i < 20; ++i) {
      err = std::max(err, std::fabs(x[i] - ref[i]));
      size = std::max(size, std::fabs(ref[i]));
    }
    const double growth = factor_growth<gen_pollu>(jv, m_);
    ASSERT_LE(err / size, 100.0 * 20 * 1.1920929e-7 * cond * std::max(1.0, growth))
        << "c = " << c << ", cond " << cond << ", growth " << growth;
  }
}

// SIMD packs (the CPU backend's arithmetic), lane by lane: the Jacobian against dual numbers
// at the lane's point, and the solve against pivoting elimination on the lane's own
// Jacobian. (Not bit for bit against scalar code: GCC's SLP vectorizer may group scalar
// products, which changes where fused multiply-adds form, depending on the caller.)
template <template <class> class Sys, class T, int W>
void check_packs(const model_definition& m, const sampling& how, unsigned seed) {
  using P = simd::pack<T, W>;
  constexpr int n = Sys<double>::n_states, nnz = Sys<double>::sparse_nnz;
  constexpr double eps = std::numeric_limits<T>::epsilon();
  const std::vector<double> pd = default_parameters(m);
  std::vector<P> pp(pd.size());
  for (std::size_t k = 0; k < pd.size(); ++k) pp[k] = P(static_cast<T>(pd[k]));
  // The reference sees the parameters and constants as the packs do, rounded to T.
  std::vector<double> p_rounded(pd.size());
  for (std::size_t k = 0; k < pd.size(); ++k) p_rounded[k] = static_cast<T>(pd[k]);
  Sys<P> sys;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0), e(-5.0, 2.0);
  for (int round = 0; round < 50; ++round) {
    std::vector<sample> points(W);
    std::vector<P> yp(n), xp(n), jp(nnz);
    std::vector<std::vector<double>> b(W, std::vector<double>(n));
    std::vector<double> c(W);
    P tp, cp;
    for (int lane = 0; lane < W; ++lane) {
      points[lane] = how.draw(rng);
      sample& s = points[lane];
      s.t = static_cast<T>(s.t);
      tp.set(lane, static_cast<T>(s.t));
      for (int i = 0; i < n; ++i) {
        s.y[i] = static_cast<T>(s.y[i]);
        yp[i].set(lane, static_cast<T>(s.y[i]));
        b[lane][i] = static_cast<T>(u(rng));
        xp[i].set(lane, static_cast<T>(b[lane][i]));
      }
    }
    sys.jacobian_sparse(tp, yp.data(), pp.data(), jp.data());
    const std::vector<P> jacobian = jp;
    for (int lane = 0; lane < W; ++lane) {
      std::vector<double> jad, dfdt_ad, J(n * n, 0.0);
      dual_jacobian<Sys>(points[lane].t, points[lane].y, p_rounded, jad, dfdt_ad);
      double norm = 0.0;
      for (int k = 0; k < nnz; ++k) {
        const int i = Sys<double>::sparse_row[k], j = Sys<double>::sparse_col[k];
        J[i * n + j] = jacobian[k][lane];
        double row_max = 0.0;
        for (int q = 0; q < n; ++q) row_max = std::max(row_max, std::fabs(jad[i * n + q]));
        ASSERT_LE(std::fabs(J[i * n + j] - jad[i * n + j]), 1e4 * eps * (std::fabs(jad[i * n + j]) + 1e-2 * row_max))
            << "J(" << i << ", " << j << ") lane " << lane << ": " << J[i * n + j] << " vs " << jad[i * n + j];
      }
      for (int i = 0; i < n; ++i) {
        double r = 0.0;
        for (int j = 0; j < n; ++j) r += std::fabs(J[i * n + j]);
        norm = std::max(norm, r);
      }
      c[lane] = static_cast<T>(std::pow(10.0, e(rng)) * norm);
      cp.set(lane, static_cast<T>(c[lane]));
    }
    const auto ok = sys.factor_shifted(cp, jp.data());
    sys.solve_factored(jp.data(), xp.data());
    for (int lane = 0; lane < W; ++lane) {
      ASSERT_TRUE(ok[lane]) << "lane " << lane;
      std::vector<double> M(n * n, 0.0);
      for (int k = 0; k < nnz; ++k) {
        M[Sys<double>::sparse_row[k] * n + Sys<double>::sparse_col[k]] = -static_cast<double>(jacobian[k][lane]);
      }
      for (int i = 0; i < n; ++i) M[i * n + i] += c[lane];
      double cond = 0.0;
      const std::vector<double> ref = reference_solve(M, b[lane], cond);
      double err = 0.0, size = 0.0;
      for (int i = 0; i < n; ++i) {
        err = std::max(err, std::fabs(xp[i][lane] - ref[i]));
        size = std::max(size, std::fabs(ref[i]));
      }
      std::vector<double> lu(nnz);
      for (int k = 0; k < nnz; ++k) lu[k] = jp[k][lane];
      const double growth = factor_growth<Sys>(lu, M);
      ASSERT_LE(err / size, 100.0 * n * eps * cond * std::max(1.0, growth))
          << "lane " << lane << ", c = " << c[lane] << ", cond " << cond << ", growth " << growth;
    }
  }
}

TEST(model_sparse_lu, PollutionOnDoublePacks) {
  check_packs<gen_pollu, double, 4>(example("stiff/pollu.toml"), pollu_points(), 8);
}
TEST(model_sparse_lu, RingModulatorOnFloatPacks) {
  check_packs<gen_ring_modulator, float, 8>(example("stiff/ring_modulator.toml"), ring_modulator_points(), 9);
}

TEST(model_sparse_lu, PiecewiseModelOnDoublePacks) {
  // Comparisons inside the Jacobian (abs, min, max, ifelse) become masks on packs.
  sampling s;
  s.draw = [](std::mt19937& rng) {
    std::uniform_real_distribution<double> u(-2.5, 2.5);
    return sample{u(rng), {u(rng), u(rng), u(rng)}};
  };
  check_packs<gen_piecewise, double, 4>(load_model(fs::path(CUBIE_TEST_DATA_DIR) / "piecewise.toml"), s, 10);
}

TEST(model_sparse_lu, SingularAndNonFiniteMatricesAreFlaggedPerLane) {
  // J = [[0, a], [a, 0]] with a = 2: c I - J is singular at c = 2 (second pivot exactly 0)
  // and at c = 0 (first pivot 0); a NaN in y poisons nothing here (J does not read y), so
  // a NaN shift stands in for a non-finite matrix.
  using P = simd::pack<double, 4>;
  gen_coupled_pair<P> sys;
  P y[2] = {P(1.0), P(0.0)}, p[1] = {P(2.0)}, jv[gen_coupled_pair<P>::sparse_nnz];
  P c;
  const double shifts[4] = {2.0, 3.0, 0.0, std::numeric_limits<double>::quiet_NaN()};
  for (int lane = 0; lane < 4; ++lane) c.set(lane, shifts[lane]);
  sys.jacobian_sparse(P(0.0), y, p, jv);
  const auto ok = sys.factor_shifted(c, jv);
  EXPECT_FALSE(ok[0]) << "c = a: singular";
  EXPECT_TRUE(ok[1]) << "c = 3: regular";
  EXPECT_FALSE(ok[2]) << "c = 0: zero first pivot";
  EXPECT_FALSE(ok[3]) << "c = NaN";
  // The regular lane solves correctly: [[3, -2], [-2, 3]] x = (1, 0) -> x = (3/5, 2/5).
  P x[2] = {P(1.0), P(0.0)};
  sys.solve_factored(jv, x);
  EXPECT_NEAR(x[0][1], 0.6, 1e-15);
  EXPECT_NEAR(x[1][1], 0.4, 1e-15);

  gen_coupled_pair<double> scalar;
  double ys[2] = {1.0, 0.0}, ps[1] = {2.0}, js[gen_coupled_pair<double>::sparse_nnz];
  scalar.jacobian_sparse(0.0, ys, ps, js);
  static_assert(std::is_same_v<decltype(scalar.factor_shifted(2.0, js)), bool>);
  EXPECT_FALSE(scalar.factor_shifted(2.0, js));
}

}  // namespace
}  // namespace cubie::models::testing
