// tests/integrate/rosenbrock_tableau_test.cpp
// Proves the Rosenbrock tableaus right from the coefficients the stepper uses: mapped back to
// Hairer & Wanner's (alpha, Gamma, b) form in long double, the propagated and embedded weights
// satisfy the order conditions of every rooted tree up to their stated order and not beyond;
// nodes and df/dt coefficients match alpha and Gamma; the stability function has the stated
// value at infinity; and the stiff (Prothero-Robinson) local error vanishes to the order the
// stiff convergence test relies on.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <complex>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "cubie/integrate/methods/newton_methods.hpp"
#include "cubie/integrate/methods/rosenbrock_methods.hpp"
#include "rooted_trees.hpp"

namespace {

using cubie::test::children;
using cubie::test::density;
using cubie::test::real;
using cubie::test::rooted_trees;
using cubie::test::tree;
namespace m = cubie::methods;

constexpr int max_tree_order = 6;

/// What each method's paper (or derivation) states, checked below.
struct method_facts {
  int embedded_order;      // order of b_hat = b - e
  bool l_stable;           // R(infinity) = 0
  double r_infinity;       // |R(infinity)| otherwise
  int pr_consistency;      // C_k(z) == 0 for k <= this (B_PR consistency, Scholz 1989)
  int stiff_order;         // global error order on Prothero-Robinson for |hL| >> 1
};

template <class M>
method_facts facts() {
  // rosenbrock23: ode23s' estimate is third order; L-stable (Shampine & Reichelt 1997).
  if constexpr (std::is_same_v<M, m::rosenbrock23_sciml>) return {3, true, 0, 1, 2};
  // ROS3P: A-stable with R(inf) = 1 - 1/gamma + 1/(2 gamma^2) ~ -0.732 (Lang & Verwer 2001).
  if constexpr (std::is_same_v<M, m::ros3p>) return {2, false, 0.7320508075688772, 2, 2};
  if constexpr (std::is_same_v<M, m::rodas3p>) return {2, true, 0, 2, 2};
  // RODASP / Rodas4P and Rodas5P: stiffly accurate, B_PR consistent of order 3 (Steinebach).
  if constexpr (std::is_same_v<M, m::rodas4p>) return {3, true, 0, 3, 3};
  if constexpr (std::is_same_v<M, m::rodas5p>) return {4, true, 0, 3, 3};
}

using mat = std::vector<std::vector<real>>;
using vec = std::vector<real>;

/// The tableau in long double, in both forms.
template <class M>
struct ld_rosenbrock {
  static constexpr int S = std::remove_cvref_t<decltype(M::tableau)>::stages;
  real gamma = 0;
  mat a, C, alpha, Gamma;  // transformed (a, C) and published (alpha, Gamma incl. diagonal)
  vec c, d, b, e, b_gamma, bhat_gamma;

  ld_rosenbrock() : a(S, vec(S)), C(S, vec(S)), alpha(S, vec(S)), Gamma(S, vec(S)), c(S), d(S), b(S), e(S) {
    const auto& t = M::tableau;
    gamma = t.gamma;
    for (int i = 0; i < S; ++i) {
      for (int j = 0; j < S; ++j) {
        a[i][j] = t.a[i][j];
        C[i][j] = t.C[i][j];
      }
      c[i] = t.c[i];
      d[i] = t.d[i];
      b[i] = t.b[i];
      e[i] = t.e[i];
    }
    // Gamma^-1 = diag(1/gamma) - C (lower triangular); invert by forward substitution.
    mat ginv(S, vec(S));
    for (int i = 0; i < S; ++i)
      for (int j = 0; j <= i; ++j) ginv[i][j] = (i == j ? 1 / gamma : 0) - (j < i ? C[i][j] : 0);
    for (int col = 0; col < S; ++col) {
      for (int i = 0; i < S; ++i) {
        real s = (i == col) ? 1 : 0;
        for (int k = 0; k < i; ++k) s -= ginv[i][k] * Gamma[k][col];
        Gamma[i][col] = s / ginv[i][i];
      }
    }
    for (int i = 0; i < S; ++i)
      for (int j = 0; j < S; ++j) {
        real s = 0;
        for (int k = 0; k < S; ++k) s += a[i][k] * Gamma[k][j];
        alpha[i][j] = s;
      }
    b_gamma = row_times_gamma(b);
    vec bhat(S);
    for (int i = 0; i < S; ++i) bhat[i] = b[i] - e[i];
    bhat_gamma = row_times_gamma(bhat);
  }

  vec row_times_gamma(const vec& w) const {
    vec out(S, 0);
    for (int j = 0; j < S; ++j)
      for (int k = 0; k < S; ++k) out[j] += w[k] * Gamma[k][j];
    return out;
  }

  // Rosenbrock elementary weights (Hairer & Wanner II, IV.7): a vertex with exactly one child
  // carries beta = alpha + Gamma (diagonal included), one with several children alpha.
  vec stage_vector(const tree& t, int node) const {
    const std::vector<int> ch = children(t, node);
    vec g(S, 1);
    if (ch.size() == 1) {
      const vec h = stage_vector(t, ch[0]);
      for (int i = 0; i < S; ++i) {
        real s = 0;
        for (int j = 0; j < S; ++j) s += (alpha[i][j] + Gamma[i][j]) * h[j];
        g[i] = s;
      }
    } else {
      for (int child : ch) {
        const vec h = stage_vector(t, child);
        for (int i = 0; i < S; ++i) {
          real s = 0;
          for (int j = 0; j < S; ++j) s += alpha[i][j] * h[j];
          g[i] *= s;
        }
      }
    }
    return g;
  }

  real max_residual(const vec& w, int n) const {
    real worst = 0;
    for (const tree& t : rooted_trees(n)) {
      const vec g = stage_vector(t, 0);
      real phi = 0;
      for (int i = 0; i < S; ++i) phi += w[i] * g[i];
      worst = std::max(worst, std::fabs(phi - 1 / density(t)));
    }
    return worst;
  }

  // The stability function R(z) = y_1 for y' = lambda y, y_0 = 1, z = h lambda, by running the
  // transformed stages (with h = 1) in complex arithmetic.
  std::complex<real> stability(std::complex<real> z) const {
    std::vector<std::complex<real>> u(S);
    const std::complex<real> mdiag = 1 / gamma - z;
    std::complex<real> y1 = 1;
    for (int i = 0; i < S; ++i) {
      std::complex<real> yi = 1;
      for (int j = 0; j < i; ++j) yi += a[i][j] * u[j];
      std::complex<real> r = z * yi;
      for (int j = 0; j < i; ++j) r += C[i][j] * u[j];
      u[i] = r / mdiag;
      y1 += b[i] * u[i];
    }
    return y1;
  }

  // The local error of one step (h = 1) on Prothero-Robinson y' = z (y - g) + g', y_0 = g(0),
  // with g(t) = t^k / k!: its h^k coefficient C_k(z) in g^(k) (Scholz's expansion).
  real pr_coefficient(int k, real z) const {
    auto g = [&](real t, int deriv) -> real {  // d^deriv/dt^deriv of t^k / k!
      if (deriv > k) return 0;
      real f = 1;
      for (int q = 1; q <= k - deriv; ++q) f *= t / q;
      return f;
    };
    const real mdiag = 1 / gamma - z;
    const real ft = -z * g(0, 1) + g(0, 2);
    vec u(S);
    real y1 = g(0, 0);
    for (int i = 0; i < S; ++i) {
      real yi = g(0, 0);
      for (int j = 0; j < i; ++j) yi += a[i][j] * u[j];
      real r = z * (yi - g(c[i], 0)) + g(c[i], 1) + d[i] * ft;
      for (int j = 0; j < i; ++j) r += C[i][j] * u[j];
      u[i] = r / mdiag;
      y1 += b[i] * u[i];
    }
    return y1 - g(1, 0);
  }
};

template <class L>
struct gtest_types;
template <class... M>
struct gtest_types<m::method_list<M...>> {
  using type = ::testing::Types<M...>;
};

struct method_name {
  template <class M>
  static std::string GetName(int) {
    return M::name;
  }
};

// Coefficients are their values rounded to double (Rodas4P's and Rodas5P's to ~16 digits, some
// of size ~100): residuals stay near 1e-15 times the magnitudes; these bounds sit above that
// and far below a real violation.
constexpr real tolerance = 1e-11L;
constexpr real clearly_violated = 1e-6L;

template <class M>
class RosenbrockTableau : public ::testing::Test {
 protected:
  static constexpr int S = ld_rosenbrock<M>::S;
  static const ld_rosenbrock<M>& ld() {
    static const ld_rosenbrock<M> t;
    return t;
  }
};

TYPED_TEST_SUITE(RosenbrockTableau, gtest_types<m::rosenbrock_methods>::type, method_name);

TYPED_TEST(RosenbrockTableau, ShapeAndStatedOrders) {
  const auto& t = TypeParam::tableau;
  EXPECT_GT(t.gamma, 0.0);
  for (int i = 0; i < this->S; ++i)
    for (int j = i; j < this->S; ++j) {
      EXPECT_EQ(t.a[i][j], 0.0) << "a[" << i << "][" << j << "]";
      EXPECT_EQ(t.C[i][j], 0.0) << "C[" << i << "][" << j << "]";
    }
  EXPECT_TRUE(cubie::first_stage_at_start(t));
  EXPECT_TRUE(cubie::has_error_estimate(t));
  // The controller exponent uses the lower order of the pair: err = O(h^(q+1)).
  EXPECT_EQ(t.error_order, std::min(t.order, facts<TypeParam>().embedded_order));
}

TYPED_TEST(RosenbrockTableau, NodesAndTimeCoefficientsMatchAlphaAndGamma) {
  // alpha_i = sum_j alpha_ij and gamma_i = sum_j gamma_ij (diagonal included): the conditions
  // under which df/dt enters a non-autonomous problem correctly.
  const auto& t = this->ld();
  for (int i = 0; i < this->S; ++i) {
    real sa = 0, sg = 0, size = 1;
    for (int j = 0; j < this->S; ++j) {
      sa += t.alpha[i][j];
      sg += t.Gamma[i][j];
      size += std::fabs(t.alpha[i][j]) + std::fabs(t.Gamma[i][j]);
    }
    EXPECT_NEAR(sa, t.c[i], 1e-14L * size) << "stage " << i;
    EXPECT_NEAR(sg, t.d[i], 1e-14L * size) << "stage " << i;
  }
}

TYPED_TEST(RosenbrockTableau, WeightsHaveTheStatedOrder) {
  const auto& t = this->ld();
  const int order = TypeParam::tableau.order;
  for (int n = 1; n <= order; ++n) EXPECT_LE(t.max_residual(t.b_gamma, n), tolerance) << "order " << n << " of b";
  EXPECT_GT(t.max_residual(t.b_gamma, order + 1), clearly_violated) << "b has order " << order + 1;
}

TYPED_TEST(RosenbrockTableau, EmbeddedWeightsHaveTheStatedOrder) {
  const auto& t = this->ld();
  const int q = facts<TypeParam>().embedded_order;
  for (int n = 1; n <= q; ++n) EXPECT_LE(t.max_residual(t.bhat_gamma, n), tolerance) << "order " << n << " of b - e";
  if (q + 1 <= max_tree_order) {
    EXPECT_GT(t.max_residual(t.bhat_gamma, q + 1), clearly_violated) << "b - e has order " << q + 1;
  }
}

TYPED_TEST(RosenbrockTableau, StabilityAtInfinity) {
  const auto& t = this->ld();
  const method_facts f = facts<TypeParam>();
  const real r_inf = std::abs(t.stability({-1e15L, 0}));
  if (f.l_stable) {
    EXPECT_LT(r_inf, 1e-12L);
  } else {
    EXPECT_NEAR(r_inf, f.r_infinity, 1e-12);
  }
  // A-stability, sampled: |R(z)| <= 1 on the imaginary axis and in the left half plane.
  for (real y : {1e-3L, 0.1L, 0.5L, 1.0L, 2.0L, 5.0L, 10.0L, 100.0L, 1e4L})
    for (real x : {0.0L, -0.01L, -1.0L, -10.0L, -1e3L})
      EXPECT_LE(std::abs(t.stability({x, y})), 1 + 1e-15L) << "z = " << x << " + " << y << "i";
}

TYPED_TEST(RosenbrockTableau, ProtheroRobinsonLocalErrorVanishesToTheStatedOrder) {
  const auto& t = this->ld();
  const method_facts f = facts<TypeParam>();
  const real zs[] = {-1e-2L, -1.0L, -10.0L, -1e3L, -1e6L, -1e9L};
  for (int k = 1; k <= f.pr_consistency; ++k)
    for (real z : zs) EXPECT_LT(std::fabs(t.pr_coefficient(k, z)), 1e-12L) << "C_" << k << "(" << z << ")";
  // The next coefficient does not vanish identically ...
  const int k = f.pr_consistency + 1;
  real largest = 0;
  for (real z : zs) largest = std::max(largest, std::fabs(t.pr_coefficient(k, z)));
  EXPECT_GT(largest, 1e-6L) << "C_" << k << " vanishes too";
  // ... and in the stiff limit either decays like 1/z (the error is then h^k / (h L) =
  // O(h^(k-1)) / L: order k - 1) or tends to a constant (order k for an L-stable method,
  // whose error does not accumulate); the stiff convergence test measures that order.
  const real c1 = t.pr_coefficient(k, -1e6L), c2 = t.pr_coefficient(k, -1e9L);
  const bool decays = std::fabs(c2) < 1e-2L * std::fabs(c1);
  EXPECT_EQ(decays ? k - 1 : k, f.stiff_order) << "C_" << k << "(-1e6) = " << c1 << ", C_" << k << "(-1e9) = " << c2;
}

TEST(RosenbrockMethods, StagePointsSharedAndCarried) {
  // Rodas3P: stage 3 sits at the start, stages 4 and 5 share a point: three f per step.
  EXPECT_EQ(cubie::stage_point_source(m::rodas3p::tableau, 2), 0);
  EXPECT_EQ(cubie::stage_point_source(m::rodas3p::tableau, 4), 3);
  EXPECT_TRUE(cubie::stage_point_reused(m::rodas3p::tableau, 3));
  // ROS3P: stages 2 and 3 evaluate f at the same point.
  EXPECT_EQ(cubie::stage_point_source(m::ros3p::tableau, 2), 1);
  // Only the ode23s pair's last stage is at the new solution.
  EXPECT_TRUE(cubie::is_first_same_as_last(m::rosenbrock23_sciml::tableau));
  EXPECT_FALSE(cubie::is_first_same_as_last(m::ros3p::tableau));
  EXPECT_FALSE(cubie::is_first_same_as_last(m::rodas4p::tableau));
  EXPECT_FALSE(cubie::is_first_same_as_last(m::rodas5p::tableau));
  EXPECT_EQ(cubie::stage_point_source(m::rodas5p::tableau, 7), -1);
}

// The point chain (rosenbrock_stepper.hpp, CUBIE_ROSENBROCK_POINT_CHAIN): which stage points are
// the previous point plus its increment, which solutions the last point plus its increment,
// and which error estimates one increment, as Steinebach's Rodas4P and Rodas5P are built
// (stiffly accurate, y_1 = u_s + k_s, error = k_s), and nothing claimed for the others.
template <class M>
std::vector<int> chained_points() {
  constexpr auto t = M::tableau;
  std::vector<int> v;
  for (int i = 0; i < decltype(t)::stages; ++i)
    if (cubie::point_follows_previous(t, i)) v.push_back(i);
  return v;
}

TEST(RosenbrockMethods, PointChainFollowsTheStifflyAccurateStructure) {
  EXPECT_EQ(chained_points<m::rodas5p>(), (std::vector<int>{6, 7}));
  EXPECT_EQ(chained_points<m::rodas4p>(), (std::vector<int>{5}));
  EXPECT_TRUE(chained_points<m::rodas3p>().empty());  // stages 4 and 5 share a point instead
  EXPECT_TRUE(chained_points<m::ros3p>().empty());
  EXPECT_TRUE(chained_points<m::rosenbrock23_sciml>().empty());
  EXPECT_TRUE(cubie::solution_follows_last(m::rodas5p::tableau));
  EXPECT_TRUE(cubie::solution_follows_last(m::rodas4p::tableau));
  EXPECT_FALSE(cubie::solution_follows_last(m::rodas3p::tableau));  // its last point is shared
  EXPECT_FALSE(cubie::solution_follows_last(m::ros3p::tableau));
  EXPECT_EQ(cubie::error_is_one_stage(m::rodas5p::tableau), 7);
  EXPECT_EQ(cubie::error_is_one_stage(m::rodas4p::tableau), 5);
  EXPECT_EQ(cubie::error_is_one_stage(m::rodas3p::tableau), -1);  // e = k_5 - k_4
  EXPECT_EQ(cubie::error_is_one_stage(m::ros3p::tableau), -1);
  // What the chain relies on, in the numbers: a_i = a_(i-1) + e_(i-1) and b = a_(s-1) + e_(s-1).
  constexpr auto t = m::rodas5p::tableau;
  for (int i : {6, 7})
    for (int j = 0; j < 8; ++j) EXPECT_EQ(t.a[i][j], t.a[i - 1][j] + (j == i - 1 ? 1.0 : 0.0)) << i << " " << j;
  for (int j = 0; j < 8; ++j) EXPECT_EQ(t.b[j], t.a[7][j] + (j == 7 ? 1.0 : 0.0)) << j;
}

TEST(RosenbrockMethods, NamesAreUniqueAndApartFromTheExplicitOnes) {
  std::set<std::string> names;
  [&]<class... M>(m::method_list<M...>) { (names.insert(M::name), ...); }(m::rosenbrock_methods{});
  EXPECT_EQ(names.size(), 5u);
  [&]<class... M>(m::method_list<M...>) {
    for (const char* name : {M::name...}) EXPECT_EQ(names.count(name), 0u) << name;
  }(m::all_methods{});
  [&]<class... M>(m::method_list<M...>) {
    for (const char* name : {M::name...}) EXPECT_TRUE(names.insert(name).second) << name;
  }(m::dirk_methods{});
  EXPECT_EQ(names.size(), 15u);
}

}  // namespace
