#include "rhs_cost.hpp"

#include <cmath>
#include <cstddef>
#include <vector>

namespace cubie::models::detail {
namespace {

// The exponent when it is a whole number written as such (codegen multiplies those out).
bool whole_exponent(const expression& e, double& n) {
  const expression* x = &e;
  double sign = 1.0;
  if (x->kind == node_kind::negate && !x->operands.empty()) {
    sign = -1.0;
    x = &x->operands[0];
  }
  if (x->kind != node_kind::number || x->value != std::floor(x->value) || std::fabs(x->value) > 64) return false;
  n = sign * x->value;
  return true;
}

double cost_of(const expression& e) {
  double own = 0.0;
  switch (e.kind) {
    case node_kind::number:
    case node_kind::time:
    case node_kind::state:
    case node_kind::parameter:
    case node_kind::constant:
    case node_kind::driver:       // interpolated once per stage by the loop, read here
    case node_kind::driver_rate:
    case node_kind::auxiliary:  // counted once, at its definition
      return 0.0;
    case node_kind::divide:
      own = 4.0;
      break;
    case node_kind::power: {
      double n = 0.0;
      if (whole_exponent(e.operands[1], n)) {
        const double mults = std::fabs(n) > 0 ? std::fabs(n) - 1.0 : 0.0;
        return cost_of(e.operands[0]) + mults + (n < 0 ? 4.0 : 0.0);
      }
      own = 16.0;
      break;
    }
    case node_kind::call:
      own = e.function == math_function::sqrt ? 4.0
            : (e.function == math_function::abs || e.function == math_function::min ||
               e.function == math_function::max)
                ? 1.0
                : 16.0;
      break;
    default:  // arithmetic, comparisons, logic, ifelse's select
      own = 1.0;
      break;
  }
  for (const expression& op : e.operands) own += cost_of(op);
  return own;
}

void mark_auxiliaries(const expression& e, std::vector<bool>& needed) {
  if (e.kind == node_kind::auxiliary) needed[static_cast<std::size_t>(e.index)] = true;
  for (const expression& op : e.operands) mark_auxiliaries(op, needed);
}

bool reads_time(const expression& e) {
  if (e.kind == node_kind::time || e.kind == node_kind::driver || e.kind == node_kind::driver_rate) return true;
  for (const expression& op : e.operands)
    if (reads_time(op)) return true;
  return false;
}

// Calls f on every expression the right-hand side evaluates: each derivative's, then each
// auxiliary a derivative needs, directly or through other auxiliaries. Auxiliaries refer only
// to earlier ones, so a backward pass over the assignments closes the set.
template <class F>
void for_each_rhs_expression(const model_definition& model, F&& f) {
  const equation_set& eq = model.equations;
  std::vector<bool> needed(eq.auxiliaries.size(), false);
  for (const assignment& a : eq.assignments) {
    if (a.kind == assignment_kind::derivative) {
      mark_auxiliaries(a.value, needed);
      f(a.value);
    }
  }
  for (auto a = eq.assignments.rbegin(); a != eq.assignments.rend(); ++a) {
    if (a->kind == assignment_kind::auxiliary && needed[static_cast<std::size_t>(a->index)]) {
      mark_auxiliaries(a->value, needed);
      f(a->value);
    }
  }
}

}  // namespace

double rhs_cost(const model_definition& model) {
  double cost = 0.0;
  for_each_rhs_expression(model, [&](const expression& e) { cost += cost_of(e); });
  return cost;
}

bool outline_rhs_on_cpu(const model_definition& model) {
  constexpr std::size_t many_states = 8;       // as cubie::cpu::registers_per_pack_for
  constexpr double expensive_per_state = 8.0;  // Pleiades 22, Lorenz-96 4
  const std::size_t n = model.states.size();
  return n >= many_states && rhs_cost(model) >= expensive_per_state * static_cast<double>(n);
}

bool rhs_reads_time(const model_definition& model) {
  bool reads = false;
  for_each_rhs_expression(model, [&](const expression& e) { reads = reads || reads_time(e); });
  return reads;
}

}  // namespace cubie::models::detail
