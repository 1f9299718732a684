// C++ text of member-function bodies from the expression graph: each output is one
// assignment, repeated subexpressions become named temporaries (common-subexpression
// elimination), auxiliaries keep their names. Every node is emitted as the same operation
// in the same grouping as the model wrote it; only identical subtrees are shared. A division
// by a value fixed for the run is written divide_by_invariant(x, d) (core/math.hpp: x / d on
// the host, x * (1 / d) in GPU kernels by default).
#pragma once
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "expression_graph.hpp"

namespace cubie::models::detail {

/// @brief Identifiers of one generated struct: taken names and fresh ones.
class name_pool {
 public:
  void reserve(const std::string& name) { taken_.insert(name); }
  [[nodiscard]] bool taken(const std::string& name) const { return taken_.count(name) != 0; }
  /// `base`, or base followed by as many '_' as make it new; reserved from then on.
  std::string claim(std::string base);
  /// A fresh name for a temporary: s0, s1, ... skipping taken ones.
  std::string fresh_temporary();

 private:
  std::set<std::string> taken_;
  int next_temporary_ = 0;
};

/// @brief What one member function's body refers to, for its signature and using-declarations.
struct body_usage {
  bool time = false;
  bool states = false;
  bool parameters = false;
  bool drivers = false;       ///< reads drv[k]
  bool driver_rates = false;  ///< reads drv_dt[k] (time_derivative of a driven model)
  std::set<std::string> functions;
};

/// @brief Names every function body of one struct shares: constants, auxiliary locals, and
/// temporaries (a node keeps its temporary's name in every function that needs it).
struct body_names {
  std::vector<std::string> constants;   ///< per constant index
  std::vector<std::string> auxiliaries; ///< per auxiliary index: its local name
  std::map<node_id, std::string> temporaries;
  name_pool* pool = nullptr;
};

/// @brief Writes the body of one member function: the locals it needs (auxiliaries and
/// shared subexpressions, in evaluation order), then one `target = expression;` per output.
///
/// Sharing never changes what is computed, with one care for fused multiply-adds. GCC
/// (-ffp-contract=fast) fuses a product into an addition only when every use of the
/// product is one, meets products in statement order when two feed the same addition,
/// and merges identical copies itself only where it can prove that no store in between
/// changes their operands, which depends on the caller. So with `like_hand_written` (the
/// right-hand side and observables, which must round as the same expressions written by
/// hand), a subexpression that evaluates a product feeding an addition is never shared or
/// moved: such products stay in the text where the model wrote them. Without it (the
/// Jacobian, which has no hand-written counterpart), every repeated node is shared: one
/// value, computed in one place, so the rounding does not depend on the caller. There, too,
/// sin(x) and cos(x) of one x become one `sincos(x, s, c)` (core/math.hpp: one range
/// reduction for both on GPUs, sin and cos apart elsewhere).
class body_writer {
 public:
  body_writer(const expression_graph& g, body_names& names, bool as_float, bool like_hand_written)
      : g_(g), names_(names), as_float_(as_float), like_hand_written_(like_hand_written) {}

  /// @brief The body's lines, each indented by four spaces.
  std::string write(const std::vector<std::pair<std::string, node_id>>& outputs, body_usage& used);

  /// @brief A literal of the struct's arithmetic type: S(1.5) or S(1.5f).
  [[nodiscard]] std::string literal(double v) const;

  /// @brief Node `id` is read as `text` (a value computed elsewhere, e.g. `tt[0]`, the
  /// stage-time terms): the body neither evaluates it nor looks below it.
  void substitute(node_id id, std::string text) { substitutes_[id] = std::move(text); }

 private:
  struct code {
    std::string text;
    int precedence;
  };
  struct use {
    node_id parent;  ///< -1: an output
    int multiplicity;
  };

  void collect(node_id root);
  [[nodiscard]] std::vector<std::pair<node_id, int>> emitted_operands(node_id id) const;
  [[nodiscard]] bool trivial(node_id id) const;
  [[nodiscard]] bool product_like(node_id id) const;
  [[nodiscard]] bool feeds_addition(node_id id) const;
  bool contains_fusable_product(node_id id);
  bool shareable(node_id id);
  [[nodiscard]] int places(node_id id) const;
  void pair_sines();
  void choose_locals();

  code emit(node_id id, bool top);
  code binary(const graph_node& n, const char* op, int precedence);
  code power(const graph_node& n);
  code call(const std::string& name, const graph_node& n);
  /// The node's value is the same for the whole run: no time, state or driver below it.
  bool run_invariant(node_id id);

  const expression_graph& g_;
  body_names& names_;
  bool as_float_;
  bool like_hand_written_;
  body_usage* used_ = nullptr;
  std::map<node_id, bool> invariant_;           // run_invariant's answers (the graph is fixed)
  std::vector<node_id> reachable_;              // increasing id
  std::vector<bool> seen_;                      // per node: in reachable_
  std::map<node_id, std::vector<use>> uses_;
  std::map<node_id, std::string> local_;        // node -> its local's name in this body
  std::set<node_id> alias_;                     // auxiliary nodes whose definition carries their name
  std::map<node_id, bool> fusable_;             // memo of contains_fusable_product
  std::map<node_id, std::string> substitutes_;  // node -> the text that reads its value
  std::map<node_id, node_id> partner_;          // sin(x) <-> cos(x) of one x, computed by one sincos
};

}  // namespace cubie::models::detail
