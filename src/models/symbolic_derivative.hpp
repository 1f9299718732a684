// Symbolic differentiation on the expression graph: d(node)/d(state) and d(node)/dt as new
// nodes of the same graph, simplified as they are built (0 and 1 folded, constants never
// differentiated), so derivatives share the right-hand side's nodes and named auxiliaries.
#pragma once
#include <map>
#include <utility>

#include "expression_graph.hpp"

namespace cubie::models::detail {

/// The variable to differentiate by: a state index, or `time_variable`.
inline constexpr int time_variable = -1;

/// @brief Builds derivative nodes into a graph. Piecewise functions are differentiated
/// almost everywhere: abs -> sign (the derivative of the x >= 0 branch at 0), floor and ceil
/// -> 0, min/max and ifelse -> the derivative of the active branch (both branches are
/// evaluated, as ifelse is).
class differentiator {
 public:
  explicit differentiator(expression_graph& g) : g_(g) {}

  /// d(node)/d(variable); number 0 where the node does not depend on it.
  node_id derivative(node_id node, int variable);

  // Simplifying constructors (used for derivative nodes only: they may reassociate
  // constants and fold numbers, which the right-hand side never does).
  node_id add(node_id a, node_id b);
  node_id sub(node_id a, node_id b);
  node_id mul(node_id a, node_id b);
  node_id div(node_id a, node_id b);
  node_id neg(node_id a);
  node_id power(node_id base, double exponent);
  node_id power(node_id base, node_id exponent);
  node_id call(math_function f, node_id a);
  node_id ifelse(node_id condition, node_id a, node_id b);

  [[nodiscard]] node_id zero() { return g_.number(0.0); }
  [[nodiscard]] node_id one() { return g_.number(1.0); }

 private:
  // The derivative of `n`'s operation; `self` is the node whose value u = f(args) the
  // rule may reuse (the auxiliary's name when reached through one).
  node_id rule(node_id n, node_id self, int variable);
  node_id power_rule(node_id base, node_id exponent, node_id self, int variable);
  [[nodiscard]] bool is_zero(node_id a) const { return g_.is_number(a, 0.0); }
  [[nodiscard]] bool is_one(node_id a) const { return g_.is_number(a, 1.0); }
  [[nodiscard]] bool is_number(node_id a, double& v) const;

  expression_graph& g_;
  std::map<std::pair<node_id, int>, node_id> memo_;
};

}  // namespace cubie::models::detail
