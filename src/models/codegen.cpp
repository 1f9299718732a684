// Emits the C++ of a model. Every tree node becomes the same operation in C++, in the
// same grouping (parentheses are added where C++ precedence would regroup, never
// removed from the tree), so the generated code computes what a hand-written system
// with the same expressions computes, bit for bit.
#include "cubie/models/codegen.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>
#include <system_error>

#include "cubie/core/error.hpp"
#include "model_names.hpp"

namespace cubie::models {
namespace {

// C++ precedence of what an emitted piece of code is, loosest first.
constexpr int additive = 1;
constexpr int multiplicative = 2;
constexpr int unary = 3;
constexpr int atom = 4;

struct code {
  std::string text;
  int precedence;
};

// Integer exponents this small become products; others call pow().
constexpr int max_expanded_power = 8;

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

bool integer_exponent(const expression& e, int& n) {
  if (e.kind == node_kind::negate && e.operands[0].kind == node_kind::number) {
    if (!integer_exponent(e.operands[0], n)) return false;
    n = -n;
    return true;
  }
  if (e.kind != node_kind::number || e.value != std::floor(e.value) || std::fabs(e.value) > max_expanded_power) {
    return false;
  }
  n = static_cast<int>(e.value);
  return true;
}

std::string escaped(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? "," : "") + names[i];
  return out;
}

// What one member function's body uses, for its signature and using-declarations.
struct usage {
  bool time = false;
  bool states = false;
  bool parameters = false;
  bool drivers = false;
  std::set<std::string> functions;
};

class emitter {
 public:
  emitter(const model_definition& model, usage& used, const std::vector<std::string>& locals)
      : model_(model), used_(used), locals_(locals), as_float_(model.precision == precision::float32) {}

  code emit(const expression& e) {
    switch (e.kind) {
      case node_kind::number: return {literal(e.value), atom};
      case node_kind::time: used_.time = true; return {"t", atom};
      case node_kind::state: used_.states = true; return {"y[" + std::to_string(e.index) + "]", atom};
      case node_kind::parameter: used_.parameters = true; return {"p[" + std::to_string(e.index) + "]", atom};
      case node_kind::constant: return {model_.constants[static_cast<std::size_t>(e.index)].name, atom};
      case node_kind::auxiliary: return {locals_[static_cast<std::size_t>(e.index)], atom};
      case node_kind::driver: used_.drivers = true; return {"drv[" + std::to_string(e.index) + "]", atom};
      case node_kind::negate: {
        code operand = emit(e.operands[0]);
        return {"-" + (operand.precedence <= unary ? "(" + operand.text + ")" : operand.text), unary};
      }
      case node_kind::add: return binary(e, " + ", additive);
      case node_kind::subtract: return binary(e, " - ", additive);
      case node_kind::multiply: return binary(e, " * ", multiplicative);
      case node_kind::divide: return binary(e, " / ", multiplicative);
      case node_kind::power: return power(e);
      case node_kind::call: return call(std::string(function_of(e.function).name), e.operands);
      case node_kind::ifelse: return call("ifelse", e.operands);
      case node_kind::less: return comparison(e, " < ");
      case node_kind::less_equal: return comparison(e, " <= ");
      case node_kind::greater: return comparison(e, " > ");
      case node_kind::greater_equal: return comparison(e, " >= ");
      case node_kind::equal: return comparison(e, " == ");
      case node_kind::not_equal: return comparison(e, " != ");
      case node_kind::logical_and: return call("mask_and", e.operands);
      case node_kind::logical_or: return call("mask_or", e.operands);
      case node_kind::logical_not: return call("mask_not", e.operands);
    }
    throw internal_error("code generation: unknown expression node");
  }

  [[nodiscard]] std::string literal(double v) const { return "S(" + shortest(v, as_float_) + ")"; }

 private:
  code binary(const expression& e, const char* op, int precedence) {
    code left = emit(e.operands[0]);
    code right = emit(e.operands[1]);
    // Left-associative C++ operators: a right operand of equal precedence keeps its
    // parentheses, so a - (b - c) and a + (b + c) are not reassociated.
    std::string l = left.precedence < precedence ? "(" + left.text + ")" : left.text;
    std::string r = right.precedence <= precedence ? "(" + right.text + ")" : right.text;
    return {l + op + r, precedence};
  }

  code power(const expression& e) {
    code base = emit(e.operands[0]);
    int n = 0;
    if (!integer_exponent(e.operands[1], n)) {
      code exponent = emit(e.operands[1]);
      used_.functions.insert("pow");
      return {"pow(" + base.text + ", " + exponent.text + ")", atom};
    }
    if (n == 0) return {"S(1)", atom};
    std::string factor = base.precedence == atom ? base.text : "(" + base.text + ")";
    std::string product = factor;
    for (int i = 1; i < std::abs(n); ++i) product += " * " + factor;
    if (n > 0) return {"(" + product + ")", atom};
    return {"(S(1) / " + (std::abs(n) == 1 ? product : "(" + product + ")") + ")", atom};
  }

  code call(const std::string& name, const std::vector<expression>& args) {
    used_.functions.insert(name);
    std::string text = name + "(";
    for (std::size_t i = 0; i < args.size(); ++i) text += (i ? ", " : "") + emit(args[i]).text;
    return {text + ")", atom};
  }

  code comparison(const expression& e, const char* op) {
    return {"(" + emit(e.operands[0]).text + op + emit(e.operands[1]).text + ")", atom};
  }

  const model_definition& model_;
  usage& used_;
  const std::vector<std::string>& locals_;
  bool as_float_;
};

void mark_auxiliaries(const expression& e, std::vector<bool>& needed) {
  if (e.kind == node_kind::auxiliary) needed[static_cast<std::size_t>(e.index)] = true;
  for (const expression& op : e.operands) mark_auxiliaries(op, needed);
}

// Auxiliaries only refer to earlier ones, so one backward pass closes the set.
void close_over_definitions(const equation_set& eq, std::vector<bool>& needed) {
  for (auto a = eq.assignments.rbegin(); a != eq.assignments.rend(); ++a) {
    if (a->kind == assignment_kind::auxiliary && needed[static_cast<std::size_t>(a->index)]) {
      mark_auxiliaries(a->value, needed);
    }
  }
}

std::vector<std::string> local_names(const model_definition& model) {
  std::set<std::string> taken;
  for (const named_value& c : model.constants) taken.insert(c.name);
  std::vector<std::string> out;
  for (const std::string& aux : model.equations.auxiliaries) {
    std::string local = aux + "_";
    while (taken.count(local) != 0) local += "_";
    taken.insert(local);
    out.push_back(local);
  }
  return out;
}

class system_writer {
 public:
  system_writer(const model_definition& model, std::string_view struct_name)
      : model_(model), struct_name_(struct_name), locals_(local_names(model)) {}

  std::string write() {
    const equation_set& eq = model_.equations;
    std::string out = header();
    out += "template <class S>\nstruct " + struct_name_ + " {\n";
    out += "  static constexpr int n_states = " + std::to_string(model_.states.size()) + ";\n";
    out += "  static constexpr int n_parameters = " + std::to_string(model_.parameters.size()) + ";\n";
    out += "  static constexpr int n_observables = " + std::to_string(model_.observables.size()) + ";\n";
    out += "  static constexpr const char* name = \"" + escaped(model_.name) + "\";\n";
    out += "  static constexpr const char* state_names = \"" + joined(names_of(model_.states)) + "\";\n";
    out += "  static constexpr const char* parameter_names = \"" + joined(names_of(model_.parameters)) + "\";\n";
    out += "  static constexpr const char* observable_names = \"" + joined(model_.observables) + "\";\n";
    out += signal_declarations();
    if (!model_.constants.empty()) out += "\n";
    usage none;
    emitter constants(model_, none, locals_);
    for (const named_value& c : model_.constants) out += "  S " + c.name + " = " + constants.literal(c.value) + ";\n";

    std::vector<bool> rhs_needs(eq.auxiliaries.size(), false);
    for (const assignment& a : eq.assignments) {
      if (a.kind == assignment_kind::derivative) mark_auxiliaries(a.value, rhs_needs);
    }
    close_over_definitions(eq, rhs_needs);
    out += "\n" + member("rhs", "dydt", rhs_needs, [&](emitter&, std::string& body) {
      for (const assignment& a : eq.assignments) {
        if (a.kind == assignment_kind::derivative) body += "    dydt[" + std::to_string(a.index) + "] = " + derived(a) + ";\n";
      }
    });

    if (!model_.observables.empty()) {
      std::vector<bool> observable_needs(eq.auxiliaries.size(), false);
      for (const std::string& name : model_.observables) observable_needs[auxiliary_index(name)] = true;
      close_over_definitions(eq, observable_needs);
      out += member("observables", "out", observable_needs, [&](emitter&, std::string& body) {
        for (std::size_t k = 0; k < model_.observables.size(); ++k) {
          body += "    out[" + std::to_string(k) + "] = " + locals_[auxiliary_index(model_.observables[k])] + ";\n";
        }
      });
    }
    out += event_members();
    return out + "};\n";
  }

 private:
  // Drivers and events: their counts, names and (events) kinds, read by cubie at compile time.
  [[nodiscard]] std::string signal_declarations() const {
    std::string out;
    if (!model_.drivers.empty()) {
      std::vector<std::string> names;
      for (const model_driver& d : model_.drivers) names.push_back(d.name);
      out += "  static constexpr int n_drivers = " + std::to_string(names.size()) + ";\n";
      out += "  static constexpr const char* driver_names = \"" + joined(names) + "\";\n";
    }
    if (!model_.events.empty()) {
      std::vector<std::string> names;
      std::string kinds;
      for (const model_event& e : model_.events) {
        names.push_back(e.name);
        const char* d = e.direction == event_direction::up ? "up" : e.direction == event_direction::down ? "down" : "both";
        const char* a = e.action == event_action::record ? "record" : e.action == event_action::terminate ? "terminate" : "reset";
        kinds += std::string(kinds.empty() ? "" : ", ") + "{cubie::event_direction::" + d + ", cubie::event_action::" + a + "}";
      }
      out += "  static constexpr int n_events = " + std::to_string(names.size()) + ";\n";
      out += "  static constexpr const char* event_names = \"" + joined(names) + "\";\n";
      out += "  static constexpr cubie::event_kind event_kinds[] = {" + kinds + "};\n";
    }
    return out;
  }

  // event_conditions (every event's g) and, when an event resets, event_reset.
  std::string event_members() {
    if (model_.events.empty()) return {};
    const equation_set& eq = model_.equations;
    std::vector<bool> condition_needs(eq.auxiliaries.size(), false), reset_needs(eq.auxiliaries.size(), false);
    bool resets = false;
    for (const model_event& e : model_.events) {
      mark_auxiliaries(e.condition, condition_needs);
      for (const event_assignment& a : e.reset) mark_auxiliaries(a.value, reset_needs);
      resets = resets || e.action == event_action::reset;
    }
    close_over_definitions(eq, condition_needs);
    close_over_definitions(eq, reset_needs);
    std::string out = member("event_conditions", "out", condition_needs, [&](emitter& em, std::string& body) {
      for (std::size_t k = 0; k < model_.events.size(); ++k)
        body += "    out[" + std::to_string(k) + "] = " + em.emit(model_.events[k].condition).text + ";\n";
    });
    if (resets) {
      out += member(
          "event_reset", "y_new", reset_needs,
          [&](emitter& em, std::string& body) {
            for (std::size_t k = 0; k < model_.events.size(); ++k) {
              const model_event& e = model_.events[k];
              if (e.action != event_action::reset) continue;
              // Every right-hand side reads y, the state before the reset.
              body += "    if (ev == " + std::to_string(k) + ") {  // " + e.name + "\n";
              for (const event_assignment& a : e.reset)
                body += "      y_new[" + std::to_string(a.state) + "] = " + em.emit(a.value).text + ";\n";
              body += "    }\n";
            }
          },
          "int ev, ");
    }
    return out;
  }

  [[nodiscard]] std::string header() const {
    std::string file;
    for (char c : model_.source_path.filename().string()) file.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);
    return "// Generated by cubie from the model \"" + model_.name + "\" (" + file +
           "). Do not edit: change the model\n// file and generate again. Precision " +
           precision_text() + ".\n#include \"cubie/integrate/system.hpp\"\n#include \"cubie/core/math.hpp\"\n\n";
  }

  [[nodiscard]] std::string precision_text() const {
    return model_.precision == precision::float32 ? "float32: literals are float" : "float64";
  }

  [[nodiscard]] std::size_t auxiliary_index(const std::string& name) const {
    const auto& aux = model_.equations.auxiliaries;
    return static_cast<std::size_t>(std::find(aux.begin(), aux.end(), name) - aux.begin());
  }

  std::string derived(const assignment& a) { return emitter_->emit(a.value).text; }

  // One member function: the needed auxiliaries in file order, then `finish`'s lines.
  // `leading` declares arguments before t (event_reset's event index).
  template <class Finish>
  std::string member(const std::string& fn, const std::string& out_name, const std::vector<bool>& needs,
                     Finish&& finish, const std::string& leading = "") {
    usage used;
    emitter e(model_, used, locals_);
    emitter_ = &e;
    std::string body;
    for (const assignment& a : model_.equations.assignments) {
      if (a.kind == assignment_kind::auxiliary && needs[static_cast<std::size_t>(a.index)]) {
        body += "    const S " + locals_[static_cast<std::size_t>(a.index)] + " = " + e.emit(a.value).text + ";\n";
      }
    }
    finish(e, body);
    emitter_ = nullptr;
    auto param = [](bool is_used, const std::string& decl, const std::string& name) {
      return decl + (is_used ? name : "/*" + name + "*/");
    };
    // A model with drivers takes them after p in every member (system.hpp).
    const std::string drivers = model_.drivers.empty() ? "" : ", " + param(used.drivers, "const S* ", "drv");
    std::string text = "  CUBIE_HD CUBIE_FORCEINLINE void " + fn + "(" + leading + param(used.time, "S ", "t") + ", " +
                       param(used.states, "const S* ", "y") + ", " + param(used.parameters, "const S* ", "p") +
                       drivers + ", S* " + out_name + ") const {\n";
    // Block-scope using-declarations, not a using-directive: they hide the C library's
    // global ::sqrt(double) & co. (ambiguous with cubie::math's otherwise) and keep
    // argument-dependent lookup, which finds the SIMD packs' overloads.
    for (const std::string& f : used.functions) text += "    using cubie::math::" + f + ";\n";
    return text + body + "  }\n";
  }

  const model_definition& model_;
  std::string struct_name_;
  std::vector<std::string> locals_;
  emitter* emitter_ = nullptr;
};

}  // namespace

std::string generate_system_source(const model_definition& model, std::string_view struct_name) {
  if (!detail::is_identifier(struct_name) || !detail::constant_name_reason(struct_name).empty()) {
    throw invalid_argument("generate_system_source: the struct name '" + std::string(struct_name) +
                           "' is not a usable C++ identifier");
  }
  return system_writer(model, struct_name).write();
}

}  // namespace cubie::models
