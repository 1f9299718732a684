#include "expression_graph.hpp"

#include <bit>
#include <cmath>

#include "cubie/core/error.hpp"

namespace cubie::models::detail {

node_id expression_graph::intern(const graph_node& n) {
  key k{static_cast<int>(n.kind), n.kind == node_kind::call ? static_cast<int>(n.function) : -1, n.index,
        n.kind == node_kind::number ? std::bit_cast<std::uint64_t>(n.value) : 0, n.operands};
  auto [it, fresh] = ids_.emplace(k, static_cast<node_id>(nodes_.size()));
  if (fresh) nodes_.push_back(n);
  return it->second;
}

node_id expression_graph::number(double v) {
  graph_node n;
  n.kind = node_kind::number;
  n.value = v;
  return intern(n);
}

node_id expression_graph::leaf(node_kind kind, int index) {
  graph_node n;
  n.kind = kind;
  n.index = index;
  return intern(n);
}

node_id expression_graph::unary(node_kind kind, node_id a) {
  graph_node n;
  n.kind = kind;
  n.arity = 1;
  n.operands[0] = a;
  return intern(n);
}

node_id expression_graph::binary(node_kind kind, node_id a, node_id b) {
  graph_node n;
  n.kind = kind;
  n.arity = 2;
  n.operands[0] = a;
  n.operands[1] = b;
  return intern(n);
}

node_id expression_graph::call(math_function f, node_id a, node_id b) {
  graph_node n;
  n.kind = node_kind::call;
  n.function = f;
  n.arity = b < 0 ? 1 : 2;
  n.operands[0] = a;
  n.operands[1] = b;
  return intern(n);
}

node_id expression_graph::ifelse(node_id condition, node_id a, node_id b) {
  graph_node n;
  n.kind = node_kind::ifelse;
  n.arity = 3;
  n.operands = {condition, a, b};
  return intern(n);
}

bool expression_graph::is_number(node_id id, double v) const {
  const graph_node& n = (*this)[id];
  return n.kind == node_kind::number && std::bit_cast<std::uint64_t>(n.value) == std::bit_cast<std::uint64_t>(v);
}

bool expression_graph::numeric_value(node_id id, double& v) const {
  const graph_node& n = (*this)[id];
  if (n.kind == node_kind::number) {
    v = n.value;
    return true;
  }
  if (n.kind == node_kind::negate && (*this)[n.operand(0)].kind == node_kind::number) {
    v = -(*this)[n.operand(0)].value;
    return true;
  }
  return false;
}

bool expanded_exponent(const expression_graph& g, node_id id, int& n) {
  const graph_node& p = g[id];
  if (p.kind != node_kind::power) return false;
  double v = 0.0;
  if (!g.numeric_value(p.operand(1), v) || v != std::floor(v) || std::fabs(v) > max_expanded_power) return false;
  n = static_cast<int>(v);
  return true;
}

namespace {

class graph_builder {
 public:
  explicit graph_builder(model_graph& out) : out_(out) {}

  node_id add(const expression& e) {
    expression_graph& g = out_.graph;
    switch (e.kind) {
      case node_kind::number: return g.number(e.value);
      case node_kind::time: return g.leaf(node_kind::time, -1);
      case node_kind::state:
      case node_kind::parameter:
      case node_kind::constant:
      case node_kind::driver: return g.leaf(e.kind, e.index);
      case node_kind::auxiliary: {
        node_id ref = out_.auxiliary[static_cast<std::size_t>(e.index)];
        if (ref < 0) throw internal_error("code generation: auxiliary used before its definition");
        return ref;
      }
      case node_kind::call:
        return e.operands.size() == 1 ? g.call(e.function, add(e.operands[0]))
                                      : g.call(e.function, add(e.operands[0]), add(e.operands[1]));
      case node_kind::ifelse: return g.ifelse(add(e.operands[0]), add(e.operands[1]), add(e.operands[2]));
      default: break;
    }
    if (e.operands.size() == 1) return g.unary(e.kind, add(e.operands[0]));
    if (e.operands.size() == 2) return g.binary(e.kind, add(e.operands[0]), add(e.operands[1]));
    throw internal_error("code generation: unexpected expression node");
  }

 private:
  model_graph& out_;
};

}  // namespace

model_graph build_model_graph(const model_definition& model) {
  const equation_set& eq = model.equations;
  model_graph out;
  out.derivative.assign(model.states.size(), -1);
  out.auxiliary.assign(eq.auxiliaries.size(), -1);
  graph_builder builder(out);
  for (const assignment& a : eq.assignments) {
    node_id value = builder.add(a.value);
    if (a.kind == assignment_kind::derivative) {
      out.derivative[static_cast<std::size_t>(a.index)] = value;
    } else {
      graph_node ref;
      ref.kind = node_kind::auxiliary;
      ref.index = a.index;
      ref.arity = 1;
      ref.operands[0] = value;
      out.auxiliary[static_cast<std::size_t>(a.index)] = out.graph.intern(ref);
    }
  }
  for (node_id d : out.derivative) {
    if (d < 0) throw internal_error("code generation: a state has no derivative");
  }
  // Events read the same auxiliaries: their conditions and resets join the graph after the
  // equations (auxiliaries only refer backwards, and every one is defined by now).
  for (const model_event& e : model.events) {
    out.event_condition.push_back(builder.add(e.condition));
    std::vector<std::pair<int, node_id>> resets;
    for (const event_assignment& a : e.reset) resets.emplace_back(a.state, builder.add(a.value));
    out.event_reset.push_back(std::move(resets));
  }
  return out;
}

}  // namespace cubie::models::detail
