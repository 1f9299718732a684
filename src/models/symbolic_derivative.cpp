#include "symbolic_derivative.hpp"

#include "cubie/core/error.hpp"

namespace cubie::models::detail {
namespace {
constexpr double ln10 = 2.302585092994045684;
}  // namespace

bool differentiator::is_number(node_id a, double& v) const { return g_.numeric_value(a, v); }

node_id differentiator::neg(node_id a) {
  double v = 0.0;
  if (is_zero(a)) return a;
  if (is_number(a, v)) return g_.number(-v);
  const graph_node n = g_[a];
  if (n.kind == node_kind::negate) return n.operand(0);
  if (n.kind == node_kind::subtract) return g_.binary(node_kind::subtract, n.operand(1), n.operand(0));
  return g_.unary(node_kind::negate, a);
}

node_id differentiator::add(node_id a, node_id b) {
  double va = 0.0, vb = 0.0;
  if (is_zero(a)) return b;
  if (is_zero(b)) return a;
  if (is_number(a, va) && is_number(b, vb)) return g_.number(va + vb);
  if (g_[b].kind == node_kind::negate) return sub(a, g_[b].operand(0));
  if (g_[a].kind == node_kind::negate) return sub(b, g_[a].operand(0));
  return g_.binary(node_kind::add, a, b);
}

node_id differentiator::sub(node_id a, node_id b) {
  double va = 0.0, vb = 0.0;
  if (is_zero(b)) return a;
  if (is_zero(a)) return neg(b);
  if (a == b) return zero();
  if (is_number(a, va) && is_number(b, vb)) return g_.number(va - vb);
  if (g_[b].kind == node_kind::negate) return add(a, g_[b].operand(0));
  return g_.binary(node_kind::subtract, a, b);
}

node_id differentiator::mul(node_id a, node_id b) {
  double va = 0.0, vb = 0.0;
  if (is_zero(a) || is_zero(b)) return zero();
  const bool na = is_number(a, va), nb = is_number(b, vb);
  if (na && nb) return g_.number(va * vb);
  if (na && va == 1.0) return b;
  if (nb && vb == 1.0) return a;
  if (na && va == -1.0) return neg(b);
  if (nb && vb == -1.0) return neg(a);
  if (nb) return mul(b, a);  // numbers first
  if (g_[a].kind == node_kind::negate) return neg(mul(g_[a].operand(0), b));
  if (g_[b].kind == node_kind::negate) return neg(mul(a, g_[b].operand(0)));
  if (na) {
    const graph_node m = g_[b];
    double inner = 0.0;
    if (m.kind == node_kind::multiply && is_number(m.operand(0), inner)) return mul(g_.number(va * inner), m.operand(1));
  }
  return g_.binary(node_kind::multiply, a, b);
}

node_id differentiator::div(node_id a, node_id b) {
  double va = 0.0, vb = 0.0;
  if (is_zero(a)) return zero();
  const bool nb = is_number(b, vb);
  if (nb && vb == 1.0) return a;
  if (nb && vb == -1.0) return neg(a);
  if (is_number(a, va) && nb && vb != 0.0) return g_.number(va / vb);
  if (g_[a].kind == node_kind::negate) return neg(div(g_[a].operand(0), b));
  if (g_[b].kind == node_kind::negate) return neg(div(a, g_[b].operand(0)));
  return g_.binary(node_kind::divide, a, b);
}

node_id differentiator::power(node_id base, double exponent) {
  if (exponent == 0.0) return one();
  if (exponent == 1.0) return base;
  return g_.binary(node_kind::power, base, g_.number(exponent));
}

node_id differentiator::power(node_id base, node_id exponent) {
  double v = 0.0;
  if (is_number(exponent, v)) return power(base, v);
  return g_.binary(node_kind::power, base, exponent);
}

node_id differentiator::call(math_function f, node_id a) { return g_.call(f, a); }

node_id differentiator::ifelse(node_id condition, node_id a, node_id b) {
  if (a == b) return a;
  return g_.ifelse(condition, a, b);
}

node_id differentiator::derivative(node_id node, int variable) {
  auto found = memo_.find({node, variable});
  if (found != memo_.end()) return found->second;
  const graph_node n = g_[node];
  node_id d = -1;
  switch (n.kind) {
    case node_kind::number:
    case node_kind::parameter:
    case node_kind::constant: d = zero(); break;
    case node_kind::time: d = variable == time_variable ? one() : zero(); break;
    // A driver is a signal of t alone: by t its rate (filled in by the caller), else 0.
    case node_kind::driver: d = variable == time_variable ? g_.leaf(node_kind::driver_rate, n.index) : zero(); break;
    case node_kind::driver_rate:
      throw internal_error("code generation: a driver's rate is not differentiated (second derivatives are not needed)");
    case node_kind::state: d = variable == n.index ? one() : zero(); break;
    case node_kind::auxiliary: {
      // The definition's rule, reusing the auxiliary's name for its value; a definition
      // that is a leaf or another auxiliary has no rule of its own.
      const node_kind def = g_[n.operand(0)].kind;
      const bool operation = def != node_kind::number && def != node_kind::time && def != node_kind::state &&
                             def != node_kind::parameter && def != node_kind::constant && def != node_kind::driver &&
                             def != node_kind::auxiliary;
      d = operation ? rule(n.operand(0), node, variable) : derivative(n.operand(0), variable);
      break;
    }
    default: d = rule(node, node, variable); break;
  }
  memo_.emplace(std::make_pair(node, variable), d);
  return d;
}

node_id differentiator::power_rule(node_id base, node_id exponent, node_id self, int variable) {
  const node_id da = derivative(base, variable);
  const node_id db = derivative(exponent, variable);
  // d(a^b) = b a^(b-1) da + a^b log(a) db; a^(b-1), not a^b / a, so that a = 0 works.
  node_id by_base = zero(), by_exponent = zero();
  if (!is_zero(da)) {
    double b = 0.0;
    node_id lowered = is_number(exponent, b) ? power(base, b - 1.0) : power(base, sub(exponent, one()));
    by_base = mul(mul(exponent, lowered), da);
  }
  if (!is_zero(db)) by_exponent = mul(mul(self, call(math_function::log, base)), db);
  return add(by_base, by_exponent);
}

node_id differentiator::rule(node_id node, node_id self, int variable) {
  const graph_node n = g_[node];
  auto d = [&](int i) { return derivative(n.operand(i), variable); };
  const node_id a = n.operand(0), b = n.operand(1);
  switch (n.kind) {
    case node_kind::negate: return neg(d(0));
    case node_kind::add: return add(d(0), d(1));
    case node_kind::subtract: return sub(d(0), d(1));
    case node_kind::multiply: return add(mul(d(0), b), mul(a, d(1)));
    case node_kind::divide: {
      const node_id db = d(1);
      if (is_zero(db)) return div(d(0), b);
      return div(sub(d(0), mul(self, db)), b);  // (da - (a/b) db) / b
    }
    case node_kind::power: return power_rule(a, b, self, variable);
    case node_kind::ifelse: return ifelse(a, d(1), d(2));
    case node_kind::call: break;
    default: throw internal_error("code generation: cannot differentiate a condition");
  }
  if (n.function == math_function::pow) return power_rule(a, b, self, variable);
  if (n.function == math_function::atan2) {
    // atan2(y, x): (x dy - y dx) / (x^2 + y^2)
    const node_id dy = d(0), dx = d(1);
    if (is_zero(dy) && is_zero(dx)) return zero();
    return div(sub(mul(b, dy), mul(a, dx)), add(mul(b, b), mul(a, a)));
  }
  if (n.function == math_function::min || n.function == math_function::max) {
    const node_id da = d(0), db = d(1);
    if (da == db) return da;
    // The active branch, as cubie::math picks it: b where b < a (min) or b > a (max).
    const node_id b_active = g_.binary(n.function == math_function::min ? node_kind::less : node_kind::greater, b, a);
    return ifelse(b_active, db, da);
  }
  const node_id da = d(0);
  if (is_zero(da)) return zero();
  switch (n.function) {
    case math_function::exp: return mul(self, da);
    case math_function::log: return div(da, a);
    case math_function::log10: return div(da, mul(g_.number(ln10), a));
    case math_function::sqrt: return div(mul(g_.number(0.5), da), self);
    case math_function::sin: return mul(call(math_function::cos, a), da);
    case math_function::cos: return neg(mul(call(math_function::sin, a), da));
    case math_function::tan: return mul(add(one(), mul(self, self)), da);
    case math_function::asin: return div(da, call(math_function::sqrt, sub(one(), mul(a, a))));
    case math_function::acos: return neg(div(da, call(math_function::sqrt, sub(one(), mul(a, a)))));
    case math_function::atan: return div(da, add(one(), mul(a, a)));
    case math_function::sinh: return mul(call(math_function::cosh, a), da);
    case math_function::cosh: return mul(call(math_function::sinh, a), da);
    case math_function::tanh: return mul(sub(one(), mul(self, self)), da);
    case math_function::abs: return ifelse(g_.binary(node_kind::less, a, zero()), neg(da), da);
    case math_function::floor:
    case math_function::ceil: return zero();
    default: break;
  }
  throw internal_error("code generation: no derivative rule for a function");
}

}  // namespace cubie::models::detail
