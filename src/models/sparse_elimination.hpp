// The sparse LU of M = c I - J planned at generation time: an elimination order with
// diagonal pivots (symmetric permutation, no run-time pivoting), the fill-in it causes,
// the storage order of the factor's entries and its operation counts.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace cubie::models::detail {

/// A square boolean pattern, row-major: pattern[i][j] is entry (i, j).
using sparsity_pattern = std::vector<std::vector<bool>>;

struct elimination_plan {
  int n = 0;
  std::vector<int> order;     ///< order[k]: the state whose row and column are eliminated k-th
  std::vector<int> position;  ///< position[state] = k where order[k] == state
  /// Entries of the factor pattern (J, the diagonal and the fill), as (row, column) in state
  /// indices, sorted by eliminated row then eliminated column: the storage order of jv.
  std::vector<std::pair<int, int>> entries;
  std::vector<std::vector<int>> slot;  ///< slot[i][j]: index into entries, or -1
  int jacobian_nonzeros = 0;  ///< structural nonzeros of J
  int diagonal_added = 0;     ///< diagonal entries that J lacks (c I puts them there)
  int fill_in = 0;            ///< entries created by the elimination
  long long factor_flops = 0; ///< per factorisation, the shift c I - J not counted
  long long solve_flops = 0;  ///< per solve
  std::string ordering;       ///< the heuristic that produced `order`

  [[nodiscard]] int nonzeros() const noexcept { return static_cast<int>(entries.size()); }
};

/// @brief Plans the factorisation for a Jacobian pattern: tries a diagonal Markowitz order,
/// minimum degree on the symmetrised pattern and the natural order, and keeps the one with
/// the fewest factorisation flops (ties: fewest entries, then the order listed).
[[nodiscard]] elimination_plan plan_elimination(const sparsity_pattern& jacobian);

/// @brief The plan for a given order (a permutation of 0..n-1).
[[nodiscard]] elimination_plan plan_for_order(const sparsity_pattern& jacobian, const std::vector<int>& order,
                                              std::string ordering);

}  // namespace cubie::models::detail
