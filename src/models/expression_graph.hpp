// The equations of a model as one graph of shared nodes: identical subexpressions are one
// node (hash-consed), so code generation names repeated work once and the symbolic
// Jacobian reuses what the right-hand side computes.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <vector>

#include "cubie/models/model.hpp"

namespace cubie::models::detail {

using node_id = int;

/// @brief One node. Kinds are those of the parsed trees; an `auxiliary` node is the named
/// reference to an auxiliary, its one operand the auxiliary's definition, so references by
/// name stay apart from literal copies of the same expression (code generation keeps the
/// names the model file gives).
struct graph_node {
  node_kind kind = node_kind::number;
  math_function function = math_function::sin;  ///< call
  int index = -1;                               ///< state, parameter, constant or auxiliary index
  double value = 0.0;                           ///< number
  int arity = 0;
  std::array<node_id, 3> operands{-1, -1, -1};

  [[nodiscard]] node_id operand(int i) const { return operands[static_cast<std::size_t>(i)]; }
};

/// @brief A hash-consed expression DAG: intern() returns the existing node for an
/// identical one. Operands always have smaller ids than the nodes that use them, so
/// increasing id order is an evaluation order.
class expression_graph {
 public:
  node_id intern(const graph_node& n);
  [[nodiscard]] const graph_node& operator[](node_id id) const { return nodes_[static_cast<std::size_t>(id)]; }
  [[nodiscard]] int size() const noexcept { return static_cast<int>(nodes_.size()); }

  node_id number(double v);
  node_id leaf(node_kind kind, int index);
  node_id unary(node_kind kind, node_id a);
  node_id binary(node_kind kind, node_id a, node_id b);
  node_id call(math_function f, node_id a, node_id b = -1);
  node_id ifelse(node_id condition, node_id a, node_id b);

  /// True for a number node of this exact value (0.0 and -0.0 are told apart).
  [[nodiscard]] bool is_number(node_id id, double v) const;
  /// The value of a number or of a negated number; false for anything else.
  [[nodiscard]] bool numeric_value(node_id id, double& v) const;

 private:
  struct key {
    int kind;
    int function;
    int index;
    std::uint64_t value_bits;
    std::array<node_id, 3> operands;
    friend auto operator<=>(const key&, const key&) = default;
  };
  std::vector<graph_node> nodes_;
  std::map<key, node_id> ids_;
};

/// Integer exponents this small become products in generated code; others call pow().
inline constexpr int max_expanded_power = 8;

/// @brief The exponent of `power` node `id` when it is written out as a product (an integer
/// of magnitude at most max_expanded_power, possibly negated); false otherwise.
[[nodiscard]] bool expanded_exponent(const expression_graph& g, node_id id, int& n);

/// @brief A model's equations in one graph: per state the root of its derivative, per
/// auxiliary its named reference node.
struct model_graph {
  expression_graph graph;
  std::vector<node_id> derivative;  ///< dydt[i]
  std::vector<node_id> auxiliary;   ///< the auxiliary node of each auxiliary
  std::vector<node_id> event_condition;                           ///< per event: g
  std::vector<std::vector<std::pair<int, node_id>>> event_reset;  ///< per event: (state, new value)
};

/// @brief Builds the graph of a model's assignments in file order.
[[nodiscard]] model_graph build_model_graph(const model_definition& model);

}  // namespace cubie::models::detail
