#include "body_writer.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <system_error>

#include "cubie/core/error.hpp"

namespace cubie::models::detail {
namespace {

// C++ precedence of what an emitted piece of code is, loosest first.
constexpr int additive = 1;
constexpr int multiplicative = 2;
constexpr int unary = 3;
constexpr int atom = 4;

std::string shortest(double v, bool as_float) {
  // The loader keeps non-finite and, for float32 models, out-of-range values out; a
  // model_definition built or changed by hand might not.
  if (!std::isfinite(as_float ? static_cast<double>(static_cast<float>(v)) : v)) {
    char text[64];
    auto end = std::to_chars(text, text + sizeof text, v).ptr;
    throw invalid_argument("generate_system_source: the value " + std::string(text, end) + " is not a finite " +
                           (as_float ? "float32" : "float64") + " number");
  }
  char buffer[64];
  std::to_chars_result r = as_float ? std::to_chars(buffer, buffer + sizeof buffer, static_cast<float>(v))
                                    : std::to_chars(buffer, buffer + sizeof buffer, v);
  std::string text(buffer, r.ptr);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return as_float ? text + "f" : text;
}

bool is_leaf(node_kind k) {
  return k == node_kind::number || k == node_kind::time || k == node_kind::state || k == node_kind::parameter ||
         k == node_kind::constant || k == node_kind::driver || k == node_kind::driver_rate;
}

}  // namespace

std::string name_pool::claim(std::string base) {
  while (taken(base)) base += "_";
  taken_.insert(base);
  return base;
}

std::string name_pool::fresh_temporary() {
  std::string name;
  do {
    name = "s" + std::to_string(next_temporary_++);
  } while (taken(name));
  taken_.insert(name);
  return name;
}

std::string body_writer::literal(double v) const { return "S(" + shortest(v, as_float_) + ")"; }

// What the emitted text of a node evaluates, with how often: an integer power written as a
// product evaluates its base |n| times and never its exponent.
std::vector<std::pair<node_id, int>> body_writer::emitted_operands(node_id id) const {
  if (substitutes_.count(id) != 0) return {};  // read, not evaluated
  const graph_node& n = g_[id];
  int e = 0;
  if (expanded_exponent(g_, id, e)) {
    if (e == 0) return {};
    return {{n.operand(0), std::abs(e)}};
  }
  std::vector<std::pair<node_id, int>> out;
  for (int i = 0; i < n.arity; ++i) out.emplace_back(n.operand(i), 1);
  return out;
}

void body_writer::collect(node_id root) {
  std::vector<node_id> stack{root};
  while (!stack.empty()) {
    node_id id = stack.back();
    stack.pop_back();
    if (seen_[static_cast<std::size_t>(id)]) continue;
    seen_[static_cast<std::size_t>(id)] = true;
    reachable_.push_back(id);
    for (auto [child, m] : emitted_operands(id)) {
      uses_[child].push_back({id, m});
      stack.push_back(child);
    }
  }
}

// Not worth a name: leaves, and the negation of a leaf or of a local (choose_locals decides
// in increasing id order, so the operand's fate is known).
bool body_writer::trivial(node_id id) const {
  const graph_node& n = g_[id];
  if (is_leaf(n.kind) || substitutes_.count(id) != 0) return true;
  return n.kind == node_kind::negate && (is_leaf(g_[n.operand(0)].kind) || local_.count(n.operand(0)) != 0);
}

int body_writer::places(node_id id) const {
  auto it = uses_.find(id);
  if (it == uses_.end()) return 0;
  int total = 0;
  for (const use& u : it->second) total += u.multiplicity;
  return total;
}

bool body_writer::product_like(node_id id) const {
  const graph_node& n = g_[id];
  if (n.kind == node_kind::multiply) return true;
  int e = 0;
  if (expanded_exponent(g_, id, e)) return e >= 2 || (e == 1 && product_like(n.operand(0)));
  return false;
}

// True when some use of the node's value is an addition or subtraction, directly or
// through negations, auxiliary names and ^1 (which pass the value on unchanged): where GCC
// may fuse the product into a multiply-add.
bool body_writer::feeds_addition(node_id id) const {
  auto it = uses_.find(id);
  if (it == uses_.end()) return false;
  for (const use& u : it->second) {
    if (u.parent < 0) continue;
    const graph_node& p = g_[u.parent];
    if (p.kind == node_kind::add || p.kind == node_kind::subtract) return true;
    int e = 0;
    const bool passes_on = p.kind == node_kind::negate || p.kind == node_kind::auxiliary ||
                           (expanded_exponent(g_, u.parent, e) && e == 1);
    if (passes_on && feeds_addition(u.parent)) return true;
  }
  return false;
}

// Whether the text of `id` (down to auxiliaries, locals placed as written) evaluates a
// product that may fuse into an addition.
bool body_writer::contains_fusable_product(node_id id) {
  if (g_[id].kind == node_kind::auxiliary) return false;
  auto known = fusable_.find(id);
  if (known != fusable_.end()) return known->second;
  bool found = product_like(id) && feeds_addition(id);
  for (auto [child, m] : emitted_operands(id)) {
    if (found) break;
    found = contains_fusable_product(child);
  }
  fusable_[id] = found;
  return found;
}

// GCC fuses a product into an addition only if every use of the product is one, and when
// two products feed one addition it fuses the one it meets first in statement order. A
// shared temporary is computed before every output, so it would move a product ahead of
// the others; only subexpressions without fusable products are shared like_hand_written.
bool body_writer::shareable(node_id id) {
  return !like_hand_written_ || !contains_fusable_product(id);
}

// Outside like_hand_written bodies, sin(x) and cos(x) of one x that the body evaluates both
// (f and df/dt of a forcing sin(w t)) are one sincos call. The result has no hand-written
// counterpart to round like; on the host sincos is sin and cos, the same values.
void body_writer::pair_sines() {
  partner_.clear();
  if (like_hand_written_) return;
  std::map<node_id, node_id> sine_of, cosine_of;  // argument -> node
  for (node_id id : reachable_) {
    const graph_node& n = g_[id];
    if (n.kind != node_kind::call || substitutes_.count(id) != 0) continue;
    if (n.function == math_function::sin) sine_of[n.operand(0)] = id;
    if (n.function == math_function::cos) cosine_of[n.operand(0)] = id;
  }
  for (auto [argument, s] : sine_of) {
    auto c = cosine_of.find(argument);
    if (c == cosine_of.end()) continue;
    partner_[s] = c->second;
    partner_[c->second] = s;
  }
}

void body_writer::choose_locals() {
  std::sort(reachable_.begin(), reachable_.end());
  std::map<node_id, std::vector<node_id>> wrappers_of;  // definition -> its auxiliary nodes here
  for (node_id id : reachable_) {
    const graph_node& n = g_[id];
    if (n.kind == node_kind::auxiliary) {
      local_[id] = names_.auxiliaries[static_cast<std::size_t>(n.index)];
      wrappers_of[n.operand(0)].push_back(id);
    }
  }
  for (node_id id : reachable_) {
    const graph_node& n = g_[id];
    if (n.kind == node_kind::auxiliary || trivial(id) || (places(id) < 2 && partner_.count(id) == 0) || !shareable(id))
      continue;
    auto w = wrappers_of.find(id);
    if (w != wrappers_of.end()) {
      // The first auxiliary defined by this very expression lends it its name.
      local_[id] = local_[w->second.front()];
      alias_.insert(w->second.front());
      continue;
    }
    auto [it, fresh] = names_.temporaries.emplace(id, std::string());
    if (fresh) it->second = names_.pool->fresh_temporary();
    local_[id] = it->second;
  }
}

std::string body_writer::write(const std::vector<std::pair<std::string, node_id>>& outputs, body_usage& used) {
  used_ = &used;
  reachable_.clear();
  uses_.clear();
  local_.clear();
  alias_.clear();
  fusable_.clear();
  seen_.assign(static_cast<std::size_t>(g_.size()), false);
  for (const auto& [target, root] : outputs) {
    uses_[root].push_back({-1, 1});
    collect(root);
  }
  pair_sines();
  choose_locals();
  std::string body;
  for (node_id id : reachable_) {
    if (local_.count(id) == 0 || alias_.count(id) != 0) continue;
    auto pair = partner_.find(id);
    if (pair != partner_.end()) {
      if (pair->second < id) continue;  // written with its partner, at the first of the two
      const bool sine = g_[id].function == math_function::sin;
      const std::string& s = local_[sine ? id : pair->second];
      const std::string& c = local_[sine ? pair->second : id];
      used.functions.insert("sincos");
      body += "    S " + s + ", " + c + ";\n    sincos(" + emit(g_[id].operand(0), false).text + ", " + s + ", " + c + ");\n";
      continue;
    }
    const char* type = is_condition(g_[id].kind) ? "auto" : "S";
    body += std::string("    const ") + type + " " + local_[id] + " = " + emit(id, true).text + ";\n";
  }
  for (const auto& [target, root] : outputs) body += "    " + target + " = " + emit(root, false).text + ";\n";
  used_ = nullptr;
  return body;
}

body_writer::code body_writer::emit(node_id id, bool top) {
  auto substitute = substitutes_.find(id);
  if (substitute != substitutes_.end()) return {substitute->second, atom};
  if (!top) {
    auto it = local_.find(id);
    if (it != local_.end()) return {it->second, atom};
  }
  const graph_node n = g_[id];
  switch (n.kind) {
    case node_kind::number: return {literal(n.value), atom};
    case node_kind::time: used_->time = true; return {"t", atom};
    case node_kind::state: used_->states = true; return {"y[" + std::to_string(n.index) + "]", atom};
    case node_kind::parameter: used_->parameters = true; return {"p[" + std::to_string(n.index) + "]", atom};
    case node_kind::constant: return {names_.constants[static_cast<std::size_t>(n.index)], atom};
    case node_kind::driver: used_->drivers = true; return {"drv[" + std::to_string(n.index) + "]", atom};
    case node_kind::driver_rate: used_->driver_rates = true; return {"drv_dt[" + std::to_string(n.index) + "]", atom};
    case node_kind::auxiliary: return emit(n.operand(0), false);
    case node_kind::negate: {
      code operand = emit(n.operand(0), false);
      return {"-" + (operand.precedence <= unary ? "(" + operand.text + ")" : operand.text), unary};
    }
    case node_kind::add: return binary(n, " + ", additive);
    case node_kind::subtract: return binary(n, " - ", additive);
    case node_kind::multiply: return binary(n, " * ", multiplicative);
    case node_kind::divide:
      // A divisor fixed for the run goes through divide_by_invariant (core/math.hpp), which GPU
      // kernels may turn into a product with its reciprocal.
      if (run_invariant(n.operand(1))) return call("divide_by_invariant", n);
      return binary(n, " / ", multiplicative);
    case node_kind::power: return power(n);
    case node_kind::call: return call(std::string(function_of(n.function).name), n);
    case node_kind::ifelse: return call("ifelse", n);
    case node_kind::logical_and: return call("mask_and", n);
    case node_kind::logical_or: return call("mask_or", n);
    case node_kind::logical_not: return call("mask_not", n);
    default: break;
  }
  const char* op = n.kind == node_kind::less            ? " < "
                   : n.kind == node_kind::less_equal    ? " <= "
                   : n.kind == node_kind::greater       ? " > "
                   : n.kind == node_kind::greater_equal ? " >= "
                   : n.kind == node_kind::equal         ? " == "
                   : n.kind == node_kind::not_equal     ? " != "
                                                        : nullptr;
  if (op == nullptr) throw internal_error("code generation: unknown expression node");
  return {"(" + emit(n.operand(0), false).text + op + emit(n.operand(1), false).text + ")", atom};
}

bool body_writer::run_invariant(node_id id) {
  auto known = invariant_.find(id);
  if (known != invariant_.end()) return known->second;
  const graph_node& n = g_[id];
  bool fixed = true;
  if (n.kind == node_kind::time || n.kind == node_kind::state || n.kind == node_kind::driver ||
      n.kind == node_kind::driver_rate) {
    fixed = false;
  } else {
    for (int i = 0; i < n.arity && fixed; ++i) fixed = run_invariant(n.operand(i));
  }
  invariant_.emplace(id, fixed);
  return fixed;
}

body_writer::code body_writer::binary(const graph_node& n, const char* op, int precedence) {
  code left = emit(n.operand(0), false);
  code right = emit(n.operand(1), false);
  // Left-associative C++ operators: a right operand of equal precedence keeps its
  // parentheses, so a - (b - c) and a + (b + c) are not reassociated.
  std::string l = left.precedence < precedence ? "(" + left.text + ")" : left.text;
  std::string r = right.precedence <= precedence ? "(" + right.text + ")" : right.text;
  return {l + op + r, precedence};
}

body_writer::code body_writer::power(const graph_node& n) {
  double v = 0.0;
  const bool expanded = g_.numeric_value(n.operand(1), v) && v == std::floor(v) && std::fabs(v) <= max_expanded_power;
  if (!expanded) {
    code base = emit(n.operand(0), false);
    code exponent = emit(n.operand(1), false);
    used_->functions.insert("pow");
    return {"pow(" + base.text + ", " + exponent.text + ")", atom};
  }
  const int e = static_cast<int>(v);
  if (e == 0) return {"S(1)", atom};
  code base = emit(n.operand(0), false);
  std::string factor = base.precedence == atom ? base.text : "(" + base.text + ")";
  std::string product = factor;
  for (int i = 1; i < std::abs(e); ++i) product += " * " + factor;
  if (e > 0) return {"(" + product + ")", atom};
  return {"(S(1) / " + (std::abs(e) == 1 ? product : "(" + product + ")") + ")", atom};
}

body_writer::code body_writer::call(const std::string& name, const graph_node& n) {
  used_->functions.insert(name);
  std::string text = name + "(";
  for (int i = 0; i < n.arity; ++i) text += (i ? ", " : "") + emit(n.operand(i), false).text;
  return {text + ")", atom};
}

}  // namespace cubie::models::detail
