// tests/integrate/tableau_test.cpp
// Proves the Butcher tableaus right: shape, nodes, and the order conditions of the propagated
// and embedded weights for every rooted tree up to order 8, all in long double.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "cubie/integrate/methods/all_methods.hpp"
#include "rooted_trees.hpp"

namespace {

using cubie::test::density;
using cubie::test::real;
using cubie::test::rooted_trees;
using cubie::test::tree;
using cubie::error_estimate_kind;
namespace m = cubie::methods;

constexpr int max_tree_order = 8;

const std::vector<tree>& trees_up_to_max_order() {
  static const std::vector<tree> all = [] {
    std::vector<tree> v;
    for (int n = 1; n <= max_tree_order; ++n) {
      auto t = rooted_trees(n);
      v.insert(v.end(), t.begin(), t.end());
    }
    return v;
  }();
  return all;
}

template <int S>
using vec = std::array<real, S>;

template <int S>
using mat = std::array<vec<S>, S>;

// The stage vector of the subtree rooted at `node`: a leaf is (1, ..., 1); otherwise
// g_i = product over the children ch of sum_j a_ij g(ch)_j. The elementary weight of the tree
// is then Phi(t) = sum_i b_i g(root)_i, to be compared with 1 / gamma(t).
template <int S>
vec<S> stage_vector(const tree& t, int node, const mat<S>& a, int& next) {
  vec<S> g;
  g.fill(1);
  int k = node + 1;
  while (k < static_cast<int>(t.size()) && t[k] > t[node]) {
    int after = 0;
    const vec<S> h = stage_vector<S>(t, k, a, after);
    for (int i = 0; i < S; ++i) {
      real s = 0;
      for (int j = 0; j < S; ++j) s += a[i][j] * h[j];
      g[i] *= s;
    }
    k = after;
  }
  next = k;
  return g;
}

// ---- the tableau in long double ----------------------------------------------------------

template <class M>
struct ld_tableau {
  static constexpr int S = std::remove_cvref_t<decltype(M::tableau)>::stages;
  mat<S> a{};
  vec<S> b{}, c{}, e{}, e3{};
  std::vector<vec<S>> g;    // root stage vector of each tree
  std::vector<int> orders;  // order of each tree
  std::vector<real> inv_gamma;

  ld_tableau() {
    const auto& t = M::tableau;
    for (int i = 0; i < S; ++i) {
      for (int j = 0; j < S; ++j) a[i][j] = t.a[i][j];
      b[i] = t.b[i];
      c[i] = t.c[i];
      e[i] = t.e[i];
      e3[i] = t.e3[i];
    }
    for (const tree& tr : trees_up_to_max_order()) {
      int next = 0;
      g.push_back(stage_vector<S>(tr, 0, a, next));
      orders.push_back(static_cast<int>(tr.size()));
      inv_gamma.push_back(1 / density(tr));
    }
  }

  // Largest |Phi(t) - 1/gamma(t)| over the trees of order `n`, for the weights w.
  real max_residual(const vec<S>& w, int n) const {
    real worst = 0;
    for (std::size_t k = 0; k < g.size(); ++k) {
      if (orders[k] != n) continue;
      real phi = 0;
      for (int i = 0; i < S; ++i) phi += w[i] * g[k][i];
      worst = std::max(worst, std::fabs(phi - inv_gamma[k]));
    }
    return worst;
  }

  vec<S> minus(const vec<S>& x, const vec<S>& y) const {
    vec<S> r;
    for (int i = 0; i < S; ++i) r[i] = x[i] - y[i];
    return r;
  }
};

// Rounding the coefficients to double leaves residuals near 1e-16 times their magnitude (up to
// ~190 in vern7); these bounds sit well above that and far below any real violation.
real tolerance(int n) { return n <= 5 ? 1e-12L : 1e-10L; }
// A condition counts as failed (the weights are not of that order) above this.
constexpr real clearly_violated = 1e-8L;

// Weights that must have order exactly `order` (below max_tree_order).
template <int S>
struct weights_of_order {
  std::string what;
  vec<S> w;
  int order;
};

// ---- the typed suite ---------------------------------------------------------------------

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

template <class M>
constexpr bool expected_fsal =
    std::is_same_v<M, m::bogacki_shampine_32> || std::is_same_v<M, m::dormand_prince_54> ||
    std::is_same_v<M, m::tsit5>;

template <class M>
class Tableau : public ::testing::Test {
 protected:
  static constexpr int S = ld_tableau<M>::S;
  static const ld_tableau<M>& ld() {
    static const ld_tableau<M> t;
    return t;
  }

  // The embedded weights and the order each must have.
  static std::vector<weights_of_order<S>> embedded() {
    const auto& t = ld();
    std::vector<weights_of_order<S>> v;
    switch (M::tableau.estimate) {
      case error_estimate_kind::none:
        break;
      case error_estimate_kind::embedded:
        v.push_back({"b - e", t.minus(t.b, t.e), M::tableau.error_order});
        break;
      case error_estimate_kind::dop853:
        // SciPy's E5 and E3 are b minus a 5th- and a 3rd-order formula; error_order 7 is the
        // order of the combined norm (see dormand_prince_853.hpp), not of either estimate.
        v.push_back({"b - e (SciPy's E5)", t.minus(t.b, t.e), 5});
        v.push_back({"b - e3 (SciPy's E3)", t.minus(t.b, t.e3), 3});
        break;
    }
    return v;
  }
};

TYPED_TEST_SUITE(Tableau, gtest_types<m::all_methods>::type, method_name);

TYPED_TEST(Tableau, IsStrictlyLowerTriangular) {
  const auto& t = TypeParam::tableau;
  for (int i = 0; i < this->S; ++i)
    for (int j = i; j < this->S; ++j) EXPECT_EQ(t.a[i][j], 0.0) << "a[" << i << "][" << j << "]";
}

TYPED_TEST(Tableau, RowSumsAreTheNodes) {
  // Each coefficient is its exact value rounded to double, off by at most 2^-53 of itself, so
  // |sum_j a_ij - c_i| <= 2^-53 (sum_j |a_ij| + |c_i|) when the exact row sums to the exact node.
  // Twice that is allowed: about 2e-16 relative to the terms (a row of entries near 190 that
  // sums to 1 carries their rounding, not 1's), tighter than 1e-14 and enough to catch a node
  // off in its 15th digit.
  const auto& t = this->ld();
  for (int i = 0; i < this->S; ++i) {
    real sum = 0, size = std::fabs(t.c[i]);
    for (int j = 0; j < this->S; ++j) {
      sum += t.a[i][j];
      size += std::fabs(t.a[i][j]);
    }
    EXPECT_LE(std::fabs(sum - t.c[i]), 0x1p-52L * size) << "row " << i;
  }
}

TYPED_TEST(Tableau, StatedOrdersAreConsistent) {
  const auto& t = TypeParam::tableau;
  EXPECT_GE(t.order, 1);
  EXPECT_LT(t.error_order, t.order);
  EXPECT_NE(std::string(TypeParam::name), "");
  const bool none = t.estimate == error_estimate_kind::none;
  EXPECT_EQ(t.error_order == 0, none);
  for (int i = 0; i < this->S; ++i) {
    if (none) {
      EXPECT_EQ(t.e[i], 0.0) << "e[" << i << "] without an estimate";
    }
    if (t.estimate != error_estimate_kind::dop853) {
      EXPECT_EQ(t.e3[i], 0.0) << "e3[" << i << "]";
    }
  }
}

TYPED_TEST(Tableau, WeightsHaveTheStatedOrder) {
  const auto& t = this->ld();
  const int order = TypeParam::tableau.order;
  for (int n = 1; n <= std::min(order, max_tree_order); ++n)
    EXPECT_LE(t.max_residual(t.b, n), tolerance(n)) << "order " << n << " conditions of b";
  // ... and no more: the stated order is the order.
  if (order < max_tree_order) {
    EXPECT_GT(t.max_residual(t.b, order + 1), clearly_violated)
        << "b satisfies every order " << order + 1 << " condition";
  }
}

TYPED_TEST(Tableau, EmbeddedWeightsHaveTheStatedOrder) {
  const auto& t = this->ld();
  for (const auto& est : this->embedded()) {
    for (int n = 1; n <= est.order; ++n)
      EXPECT_LE(t.max_residual(est.w, n), tolerance(n))
          << "order " << n << " conditions of " << est.what;
    // An estimate of higher order than stated would make the step controller misjudge h.
    EXPECT_GT(t.max_residual(est.w, est.order + 1), clearly_violated)
        << est.what << " satisfies every order " << est.order + 1 << " condition";
  }
}

TYPED_TEST(Tableau, ErrorWeightsSumToZero) {
  const auto& tab = TypeParam::tableau;
  const auto& t = this->ld();
  if (tab.estimate == error_estimate_kind::none) GTEST_SKIP() << "no error estimate";
  real sum_e = 0, sum_e3 = 0;
  for (int i = 0; i < this->S; ++i) {
    sum_e += t.e[i];
    sum_e3 += t.e3[i];
  }
  EXPECT_NEAR(sum_e, 0.0L, 1e-14L);
  EXPECT_NEAR(sum_e3, 0.0L, 1e-14L);
}

TYPED_TEST(Tableau, FirstSameAsLastOnlyWhereDesigned) {
  EXPECT_EQ(cubie::is_first_same_as_last(TypeParam::tableau), expected_fsal<TypeParam>);
}

// ---- the machinery itself ----------------------------------------------------------------

TEST(RootedTrees, CountsMatchOeisA000081) {
  const int expected[max_tree_order + 1] = {0, 1, 1, 2, 4, 9, 20, 48, 115};
  for (int n = 1; n <= max_tree_order; ++n) {
    const auto trees = rooted_trees(n);
    EXPECT_EQ(static_cast<int>(trees.size()), expected[n]) << "order " << n;
    EXPECT_EQ(std::set<tree>(trees.begin(), trees.end()).size(), trees.size()) << "duplicates";
  }
}

TEST(RootedTrees, DensitiesOfKnownTrees) {
  EXPECT_EQ(density(tree{0}), 1);
  EXPECT_EQ(density(tree{0, 1, 2, 3}), 24);        // the path of order 4: 4!
  EXPECT_EQ(density(tree{0, 1, 1, 1}), 4);         // the star of order 4
  EXPECT_EQ(density(tree{0, 1, 2, 1}), 8);         // order 4, children {path 2, leaf}
  EXPECT_EQ(density(tree{0, 1, 2, 2, 1, 2}), 36);  // 6 * gamma([[.,.]]) * gamma([.]) = 6*3*2
}

TEST(AllMethods, NamesAreUnique) {
  std::set<std::string> names;
  [&]<class... M>(m::method_list<M...>) {
    (names.insert(M::name), ...);
    EXPECT_EQ(names.size(), sizeof...(M));
  }(m::all_methods{});
  EXPECT_EQ(names.size(), 11u);
}

}  // namespace
