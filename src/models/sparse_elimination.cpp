// Orders are chosen greedily on the active submatrix. Diagonal Markowitz picks the pivot k
// minimising (r_k - 1)(c_k - 1), the updates (and bound on fill) its elimination costs,
// which suits the unsymmetric patterns of kinetics and circuits (as KPP does for chemistry);
// minimum degree on J + J^T is the classic symmetric choice. Both are cheap at generation
// time, so both run and the cheaper factorisation wins.
#include "sparse_elimination.hpp"

#include <algorithm>
#include <numeric>
#include <tuple>

#include "cubie/core/error.hpp"

namespace cubie::models::detail {
namespace {

sparsity_pattern with_diagonal(sparsity_pattern p) {
  for (std::size_t i = 0; i < p.size(); ++i) p[i][i] = true;
  return p;
}

std::vector<int> markowitz_order(const sparsity_pattern& jacobian) {
  const int n = static_cast<int>(jacobian.size());
  sparsity_pattern a = with_diagonal(jacobian);
  std::vector<bool> done(static_cast<std::size_t>(n), false);
  std::vector<int> order;
  for (int step = 0; step < n; ++step) {
    int best = -1;
    std::tuple<long long, int, int> best_key{};
    for (int k = 0; k < n; ++k) {
      if (done[static_cast<std::size_t>(k)]) continue;
      int r = 0, c = 0;
      for (int j = 0; j < n; ++j) {
        if (j == k || done[static_cast<std::size_t>(j)]) continue;
        r += a[static_cast<std::size_t>(k)][static_cast<std::size_t>(j)];
        c += a[static_cast<std::size_t>(j)][static_cast<std::size_t>(k)];
      }
      std::tuple<long long, int, int> key{static_cast<long long>(r) * c, r + c, k};
      if (best < 0 || key < best_key) {
        best = k;
        best_key = key;
      }
    }
    const auto b = static_cast<std::size_t>(best);
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (i == b || done[i] || !a[i][b]) continue;
      for (std::size_t j = 0; j < a.size(); ++j) {
        if (j != b && !done[j] && a[b][j]) a[i][j] = true;
      }
    }
    done[b] = true;
    order.push_back(best);
  }
  return order;
}

std::vector<int> minimum_degree_order(const sparsity_pattern& jacobian) {
  const std::size_t n = jacobian.size();
  sparsity_pattern g(n, std::vector<bool>(n, false));
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      if (i != j && (jacobian[i][j] || jacobian[j][i])) g[i][j] = true;
    }
  }
  std::vector<bool> done(n, false);
  std::vector<int> order;
  for (std::size_t step = 0; step < n; ++step) {
    std::size_t best = n;
    std::size_t best_degree = 0;
    for (std::size_t k = 0; k < n; ++k) {
      if (done[k]) continue;
      std::size_t degree = 0;
      for (std::size_t j = 0; j < n; ++j) degree += !done[j] && g[k][j];
      if (best == n || degree < best_degree) {
        best = k;
        best_degree = degree;
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (done[i] || !g[best][i]) continue;
      for (std::size_t j = 0; j < n; ++j) {
        if (j != i && !done[j] && g[best][j]) g[i][j] = true;
      }
    }
    done[best] = true;
    order.push_back(static_cast<int>(best));
  }
  return order;
}

}  // namespace

elimination_plan plan_for_order(const sparsity_pattern& jacobian, const std::vector<int>& order, std::string ordering) {
  const int n = static_cast<int>(jacobian.size());
  elimination_plan plan;
  plan.n = n;
  plan.order = order;
  plan.ordering = std::move(ordering);
  plan.position.assign(static_cast<std::size_t>(n), -1);
  for (int k = 0; k < n; ++k) {
    const int s = order.at(static_cast<std::size_t>(k));
    if (s < 0 || s >= n || plan.position[static_cast<std::size_t>(s)] >= 0) {
      throw internal_error("sparse elimination: the order is not a permutation");
    }
    plan.position[static_cast<std::size_t>(s)] = k;
  }
  // Work in eliminated coordinates: f[r][q] is entry (order[r], order[q]).
  sparsity_pattern f(static_cast<std::size_t>(n), std::vector<bool>(static_cast<std::size_t>(n), false));
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      if (!jacobian[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)]) continue;
      ++plan.jacobian_nonzeros;
      f[static_cast<std::size_t>(plan.position[static_cast<std::size_t>(i)])]
       [static_cast<std::size_t>(plan.position[static_cast<std::size_t>(j)])] = true;
    }
  }
  for (int k = 0; k < n; ++k) {
    auto kk = static_cast<std::size_t>(k);
    if (!f[kk][kk]) ++plan.diagonal_added;
    f[kk][kk] = true;
  }
  for (std::size_t k = 0; k < f.size(); ++k) {
    long long lower = 0, upper = 0;
    for (std::size_t j = k + 1; j < f.size(); ++j) upper += f[k][j];
    for (std::size_t i = k + 1; i < f.size(); ++i) {
      if (!f[i][k]) continue;
      ++lower;
      for (std::size_t j = k + 1; j < f.size(); ++j) {
        if (f[k][j] && !f[i][j]) {
          f[i][j] = true;
          ++plan.fill_in;
        }
      }
    }
    // One reciprocal of the pivot, one multiplier per row below, one multiply-add per update.
    plan.factor_flops += 1 + lower + 2 * lower * upper;
    plan.solve_flops += 2 * (lower + upper) + 1;
  }
  plan.slot.assign(static_cast<std::size_t>(n), std::vector<int>(static_cast<std::size_t>(n), -1));
  for (int r = 0; r < n; ++r) {
    for (int q = 0; q < n; ++q) {
      if (!f[static_cast<std::size_t>(r)][static_cast<std::size_t>(q)]) continue;
      const int i = order[static_cast<std::size_t>(r)], j = order[static_cast<std::size_t>(q)];
      plan.slot[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)] = static_cast<int>(plan.entries.size());
      plan.entries.emplace_back(i, j);
    }
  }
  return plan;
}

elimination_plan plan_elimination(const sparsity_pattern& jacobian) {
  const std::size_t n = jacobian.size();
  for (const auto& row : jacobian) {
    if (row.size() != n) throw internal_error("sparse elimination: the pattern is not square");
  }
  std::vector<int> natural(n);
  std::iota(natural.begin(), natural.end(), 0);
  elimination_plan candidates[] = {plan_for_order(jacobian, markowitz_order(jacobian), "markowitz"),
                                   plan_for_order(jacobian, minimum_degree_order(jacobian), "minimum degree"),
                                   plan_for_order(jacobian, natural, "natural")};
  const elimination_plan* best = &candidates[0];
  for (const elimination_plan& p : candidates) {
    if (std::make_tuple(p.factor_flops, p.nonzeros()) < std::make_tuple(best->factor_flops, best->nonzeros())) {
      best = &p;
    }
  }
  return *best;
}

}  // namespace cubie::models::detail
