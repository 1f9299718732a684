#include "model_jacobian.hpp"

#include <set>

#include "symbolic_derivative.hpp"

namespace cubie::models::detail {
namespace {

// True when any of `roots` reads t (whether or not its derivative by t is zero).
bool reads_time(const expression_graph& g, const std::vector<node_id>& roots) {
  std::vector<node_id> stack(roots.begin(), roots.end());
  std::set<node_id> seen;
  while (!stack.empty()) {
    node_id id = stack.back();
    stack.pop_back();
    if (!seen.insert(id).second) continue;
    const graph_node& n = g[id];
    if (n.kind == node_kind::time || n.kind == node_kind::driver) return true;  // drivers are signals of t
    for (int i = 0; i < n.arity; ++i) stack.push_back(n.operand(i));
  }
  return false;
}

}  // namespace

model_jacobian differentiate_model(model_graph& graph) {
  expression_graph& g = graph.graph;
  const std::size_t n = graph.derivative.size();
  differentiator d(g);
  model_jacobian out;
  out.dfdy.assign(n, std::vector<node_id>(n, -1));
  out.pattern.assign(n, std::vector<bool>(n, false));
  out.dfdt.assign(n, -1);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      out.dfdy[i][j] = d.derivative(graph.derivative[i], static_cast<int>(j));
      out.pattern[i][j] = !g.is_number(out.dfdy[i][j], 0.0);
    }
  }
  out.autonomous = !reads_time(g, graph.derivative);
  for (std::size_t i = 0; i < n; ++i) {
    out.dfdt[i] = out.autonomous ? d.zero() : d.derivative(graph.derivative[i], time_variable);
  }
  out.plan = plan_elimination(out.pattern);
  return out;
}

}  // namespace cubie::models::detail
