// Emits the C++ of a model. The equations become one graph of shared nodes
// (expression_graph); every node becomes the same operation in C++, in the same grouping
// (parentheses are added where C++ precedence would regroup, never removed), and a node
// used in several places is computed once (body_writer), so the generated code computes
// what a hand-written system with the same expressions computes, bit for bit. The
// Jacobian members come from symbolic differentiation on the same graph and a sparse LU
// planned here (model_jacobian, sparse_lu_code). A model with drivers takes them after p
// in every member (`drv`; time_derivative also their rates, `drv_dt`); events get
// event_conditions and event_reset (system.hpp).
#include "cubie/models/codegen.hpp"

#include <algorithm>
#include <set>

#include "body_writer.hpp"
#include "cubie/core/error.hpp"
#include "model_jacobian.hpp"
#include "model_names.hpp"
#include "sparse_lu_code.hpp"

namespace cubie::models {
namespace {

using detail::node_id;

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

std::string int_list(const std::vector<int>& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + std::to_string(values[i]);
  return out;
}

using outputs = std::vector<std::pair<std::string, node_id>>;

class system_writer {
 public:
  system_writer(const model_definition& model, std::string_view struct_name, const codegen_options& options)
      : model_(model), struct_name_(struct_name), options_(options), graph_(detail::build_model_graph(model)) {
    for (const named_value& c : model.constants) pool_.reserve(c.name);
    names_.pool = &pool_;
    for (const named_value& c : model.constants) names_.constants.push_back(c.name);
    for (const std::string& aux : model.equations.auxiliaries) names_.auxiliaries.push_back(pool_.claim(aux + "_"));
    for (const char* fixed : {"t", "y", "p", "dydt", "out", "ok", "k", "drv", "drv_dt", "ev", "y_new"})
      pool_.reserve(fixed);
    jacobian_name_ = pool_.claim("J");
    jv_name_ = pool_.claim("jv");
    dfdt_name_ = pool_.claim("dfdt");
    c_name_ = pool_.claim("c");
    lu_name_ = pool_.claim("lu");
    x_name_ = pool_.claim("x");
    v_name_ = pool_.claim("v");
    jvp_name_ = pool_.claim("Jv");
    partial_name_ = pool_.claim("dfdy");
    diag_name_ = pool_.claim("d");
    tt_name_ = pool_.claim("tt");
    for (const char* name : {"cr", "ci", "re", "im", "lr", "li", "xr", "xi", "m_re", "m_im", "d2", "t_re"})
      complex_names_.push_back(pool_.claim(name));
  }

  std::string write() {
    const std::size_t n = model_.states.size();
    std::string out = header();
    out += "template <class S>\nstruct " + struct_name_ + " {\n";
    out += "  static constexpr int n_states = " + std::to_string(n) + ";\n";
    out += "  static constexpr int n_parameters = " + std::to_string(model_.parameters.size()) + ";\n";
    out += "  static constexpr int n_observables = " + std::to_string(model_.observables.size()) + ";\n";
    out += "  static constexpr const char* name = \"" + escaped(model_.name) + "\";\n";
    out += "  static constexpr const char* state_names = \"" + joined(names_of(model_.states)) + "\";\n";
    out += "  static constexpr const char* parameter_names = \"" + joined(names_of(model_.parameters)) + "\";\n";
    out += "  static constexpr const char* observable_names = \"" + joined(model_.observables) + "\";\n";
    out += signal_declarations();
    if (options_.jacobian) {
      jacobian_ = detail::differentiate_model(graph_);
      out += jacobian_statics();
    }
    if (!model_.constants.empty()) out += "\n";
    detail::body_writer literals(graph_.graph, names_, as_float(), true);
    for (const named_value& c : model_.constants) out += "  S " + c.name + " = " + literals.literal(c.value) + ";\n";

    outputs rhs;
    for (std::size_t i = 0; i < n; ++i) rhs.emplace_back("dydt[" + std::to_string(i) + "]", graph_.derivative[i]);
    out += "\n" + member("rhs", "S* dydt", rhs, true);
    out += time_term_members(rhs);

    if (!model_.observables.empty()) {
      outputs observed;
      for (std::size_t k = 0; k < model_.observables.size(); ++k) {
        observed.emplace_back("out[" + std::to_string(k) + "]", graph_.auxiliary[auxiliary_index(model_.observables[k])]);
      }
      out += member("observables", "S* out", observed, true);
    }
    if (options_.jacobian) out += jacobian_members();
    out += event_members();
    return out + "};\n";
  }

 private:
  [[nodiscard]] bool as_float() const { return model_.precision == precision::float32; }

  [[nodiscard]] std::string header() const {
    std::string file;
    for (char c : model_.source_path.filename().string()) file.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);
    return "// Generated by cubie from the model \"" + model_.name + "\" (" + file +
           "). Do not edit: change the model\n// file and generate again. Precision " +
           (model_.precision == precision::float32 ? "float32: literals are float" : "float64") +
           ".\n#include \"cubie/integrate/system.hpp\"\n#include \"cubie/core/math.hpp\"\n\n";
  }

  [[nodiscard]] std::size_t auxiliary_index(const std::string& name) const {
    const auto& aux = model_.equations.auxiliaries;
    return static_cast<std::size_t>(std::find(aux.begin(), aux.end(), name) - aux.begin());
  }

  [[nodiscard]] std::string jacobian_statics() const {
    const detail::elimination_plan& plan = jacobian_.plan;
    std::vector<int> rows, cols;
    for (auto [i, j] : plan.entries) {
      rows.push_back(i);
      cols.push_back(j);
    }
    std::string s = "  // Jacobian (symbolic) and the sparse LU of c I - J: " + std::to_string(plan.jacobian_nonzeros) +
                    " nonzeros of J, " + std::to_string(plan.diagonal_added) + " diagonal added, " +
                    std::to_string(plan.fill_in) + " fill-in (" + plan.ordering + " order); " +
                    std::to_string(plan.factor_flops) + " flops to factor, " + std::to_string(plan.solve_flops) +
                    " to solve.\n";
    if (plan.factor_flops > options_.max_sparse_factor_flops) {
      s += options_.max_sparse_factor_flops < 0
               ? std::string("  // No factor_shifted / solve_factored (switched off); implicit methods use a dense LU "
                             "of jacobian().\n")
               : "  // No factor_shifted / solve_factored: more than " + std::to_string(options_.max_sparse_factor_flops) +
                     " flops to write out; implicit methods use a dense LU of jacobian().\n";
    }
    s += "  static constexpr bool autonomous = " + std::string(jacobian_.autonomous ? "true" : "false") + ";\n";
    s += "  static constexpr int jacobian_nnz = " + std::to_string(plan.jacobian_nonzeros) + ";\n";
    s += "  static constexpr int sparse_nnz = " + std::to_string(plan.nonzeros()) + ";\n";
    s += "  static constexpr int sparse_row[sparse_nnz] = {" + int_list(rows) + "};\n";
    s += "  static constexpr int sparse_col[sparse_nnz] = {" + int_list(cols) + "};\n";
    s += "  static constexpr int elimination_order[n_states] = {" + int_list(plan.order) + "};\n";
    return s;
  }

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
        const char* d = e.direction == event_direction::up     ? "up"
                        : e.direction == event_direction::down ? "down"
                                                               : "both";
        const char* a = e.action == event_action::record      ? "record"
                        : e.action == event_action::terminate ? "terminate"
                                                              : "reset";
        kinds += std::string(kinds.empty() ? "" : ", ") + "{cubie::event_direction::" + d +
                 ", cubie::event_action::" + a + "}";
      }
      out += "  static constexpr int n_events = " + std::to_string(names.size()) + ";\n";
      out += "  static constexpr const char* event_names = \"" + joined(names) + "\";\n";
      out += "  static constexpr cubie::event_kind event_kinds[] = {" + kinds + "};\n";
    }
    return out;
  }

  // event_conditions (every event's g) and, when an event resets, event_reset (the new
  // values of the states it assigns, every right-hand side reading y, the state before).
  std::string event_members() {
    if (model_.events.empty()) return {};
    outputs conditions;
    for (std::size_t k = 0; k < model_.events.size(); ++k)
      conditions.emplace_back("out[" + std::to_string(k) + "]", graph_.event_condition[k]);
    std::string out = member("event_conditions", "S* out", conditions, true);
    bool resets = false;
    for (const model_event& e : model_.events) resets = resets || e.action == event_action::reset;
    if (!resets) return out;
    detail::body_usage used;
    std::string body;
    for (std::size_t k = 0; k < model_.events.size(); ++k) {
      if (model_.events[k].action != event_action::reset) continue;
      outputs assigned;
      for (auto [state, value] : graph_.event_reset[k])
        assigned.emplace_back("y_new[" + std::to_string(state) + "]", value);
      detail::body_writer writer(graph_.graph, names_, as_float(), true);
      std::string block = writer.write(assigned, used);
      body += "    if (ev == " + std::to_string(k) + ") {  // " + model_.events[k].name + "\n";
      for (std::size_t at = 0; at < block.size();) {  // the block's lines, indented once more
        const std::size_t end = block.find('\n', at);
        body += "  " + block.substr(at, end - at + 1);
        at = end + 1;
      }
      body += "    }\n";
    }
    return out + signature("event_reset", "S* y_new", used, false, "int ev, ") + body + "  }\n";
  }

  // The calls of f whose arguments are functions of t alone (t, parameters, constants and
  // numbers; no state or driver), outermost ones only, in evaluation order: the ring
  // modulator's sin(w1 * t) and sin(w2 * t), any forcing sin/cos/exp of an affine (or other)
  // function of t. A stepper that evaluates f at several stage times of one step computes
  // them for all of those times together (rosenbrock_stepper.hpp, CUBIE_STAGE_TIME_TERMS).
  [[nodiscard]] std::vector<node_id> time_terms(const outputs& rhs) const {
    const detail::expression_graph& g = graph_.graph;
    // Per node: bit 1 reads t, bit 2 reads a state or driver.
    std::vector<int> reads(static_cast<std::size_t>(g.size()), 0);
    for (node_id id = 0; id < g.size(); ++id) {
      const detail::graph_node& n = g[id];
      int r = n.kind == node_kind::time ? 1 : 0;
      if (n.kind == node_kind::state || n.kind == node_kind::driver || n.kind == node_kind::driver_rate) r |= 2;
      for (int i = 0; i < n.arity; ++i) r |= reads[static_cast<std::size_t>(n.operand(i))];
      reads[static_cast<std::size_t>(id)] = r;
    }
    std::set<node_id> terms, seen;
    std::vector<node_id> stack;
    for (const auto& [target, root] : rhs) stack.push_back(root);
    while (!stack.empty()) {
      const node_id id = stack.back();
      stack.pop_back();
      if (!seen.insert(id).second) continue;
      const detail::graph_node& n = g[id];
      int e = 0;
      const bool called = n.kind == node_kind::call || (n.kind == node_kind::power && !detail::expanded_exponent(g, id, e));
      if (called && reads[static_cast<std::size_t>(id)] == 1) {
        terms.insert(id);
        continue;
      }
      for (int i = 0; i < n.arity; ++i) stack.push_back(n.operand(i));
    }
    return {terms.begin(), terms.end()};
  }

  // n_time_terms, time_terms(t, y, p, tt) (the terms above at t) and rhs_with_time_terms(t,
  // y, p, tt, dydt): rhs reading those terms from tt, otherwise the same text, so it computes
  // what rhs computes, bit for bit. Models with drivers (whose f also reads drv) have none.
  std::string time_term_members(const outputs& rhs) {
    if (!model_.drivers.empty()) return {};
    const std::vector<node_id> terms = time_terms(rhs);
    if (terms.empty()) return {};
    outputs values;
    for (std::size_t k = 0; k < terms.size(); ++k)
      values.emplace_back(tt_name_ + "[" + std::to_string(k) + "]", terms[k]);
    std::string s = "  // Terms of t alone in rhs, for steppers that evaluate f at several stage times of one step:\n"
                    "  // all of them at once, then rhs_with_time_terms reads them (rhs otherwise, bit for bit).\n"
                    "  static constexpr int n_time_terms = " + std::to_string(terms.size()) + ";\n";
    s += member("time_terms", "S* " + tt_name_, values, true);
    detail::body_usage used;
    detail::body_writer writer(graph_.graph, names_, as_float(), true);
    for (std::size_t k = 0; k < terms.size(); ++k) writer.substitute(terms[k], tt_name_ + "[" + std::to_string(k) + "]");
    const std::string body = writer.write(rhs, used);
    return s + signature("rhs_with_time_terms", "const S* " + tt_name_ + ", S* dydt", used, false) + body + "  }\n";
  }

  std::string jacobian_members() {
    const std::size_t n = model_.states.size();
    const detail::model_jacobian& jac = jacobian_;
    const detail::elimination_plan& plan = jac.plan;
    // The dense Jacobian scatters the sparse one: the same values, without a second copy
    // of every derivative's text to compile.
    const bool driven = !model_.drivers.empty();
    std::string s = "  CUBIE_HD CUBIE_FORCEINLINE void jacobian(S t, const S* y, const S* p, " +
                    std::string(driven ? "const S* drv, " : "") + "S* " + jacobian_name_ + ") const {\n    S " +
                    jv_name_ + "[sparse_nnz];\n    jacobian_sparse(t, y, p, " + (driven ? "drv, " : "") + jv_name_ +
                    ");\n    for (int k = 0; k < n_states * n_states; ++k) " + jacobian_name_ + "[k] = S(0);\n";
    for (int k = 0; k < plan.nonzeros(); ++k) {
      auto [i, j] = plan.entries[static_cast<std::size_t>(k)];
      if (!jac.pattern[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)]) continue;
      s += "    " + jacobian_name_ + "[" + std::to_string(static_cast<std::size_t>(i) * n + static_cast<std::size_t>(j)) +
           "] = " + jv_name_ + "[" + std::to_string(k) + "];\n";
    }
    s += "  }\n";

    outputs sparse;
    for (int k = 0; k < plan.nonzeros(); ++k) {
      auto [i, j] = plan.entries[static_cast<std::size_t>(k)];
      sparse.emplace_back(jv_name_ + "[" + std::to_string(k) + "]",
                          jac.dfdy[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)]);
    }
    s += member("jacobian_sparse", "S* " + jv_name_, sparse, false);

    outputs dt;
    for (std::size_t i = 0; i < n; ++i) dt.emplace_back(dfdt_name_ + "[" + std::to_string(i) + "]", jac.dfdt[i]);
    s += member("time_derivative", "S* " + dfdt_name_, dt, false);
    // f, J at the pattern and df/dt in one body, sharing what they have in common (the ring
    // modulator: 4 exp and sin(w2 t) once instead of three times): the Rosenbrock stepper's
    // start of a step on GPUs (rosenbrock_stepper.hpp, CUBIE_FUSED_JACOBIAN). Its f is written
    // as the Jacobian is (every repeated node shared), so it may round differently from rhs.
    // Models with drivers keep the three calls.
    if (model_.drivers.empty()) {
      outputs all;
      for (std::size_t i = 0; i < n; ++i) all.emplace_back("dydt[" + std::to_string(i) + "]", graph_.derivative[i]);
      all.insert(all.end(), sparse.begin(), sparse.end());
      all.insert(all.end(), dt.begin(), dt.end());
      s += member("rhs_jacobian_sparse", "S* dydt, S* " + jv_name_ + ", S* " + dfdt_name_, all, false);
    }
    s += jvp_member();
    outputs diagonal;
    for (std::size_t i = 0; i < n; ++i) diagonal.emplace_back(diag_name_ + "[" + std::to_string(i) + "]", jac.dfdy[i][i]);
    s += member("jacobian_diagonal", "S* " + diag_name_, diagonal, false);

    if (plan.factor_flops > options_.max_sparse_factor_flops) return s;
    s += "  CUBIE_HD CUBIE_FORCEINLINE auto factor_shifted(S " + c_name_ + ", S* " + jv_name_ + ") const {\n"
         "    using cubie::math::is_finite;\n    using cubie::math::mask_and;\n" +
         detail::factor_shifted_body(plan, c_name_, jv_name_) + "  }\n";
    s += "  CUBIE_HD CUBIE_FORCEINLINE void solve_factored(const S* " + lu_name_ + ", S* " + x_name_ + ") const {\n" +
         detail::solve_factored_body(plan, lu_name_, x_name_) + "  }\n";
    // The complex shift of the FIRK methods' eigenvalue pairs: the same order and fill, split arrays.
    const std::vector<std::string>& q = complex_names_;
    s += "  CUBIE_HD CUBIE_FORCEINLINE auto factor_shifted_complex(S " + q[0] + ", S " + q[1] + ", S* " + q[2] + ", S* " +
         q[3] + ") const {\n    using cubie::math::is_finite;\n    using cubie::math::mask_and;\n" +
         detail::factor_shifted_complex_body(plan, q[0], q[1], q[2], q[3], q[8], q[9], q[10]) + "  }\n";
    s += "  CUBIE_HD CUBIE_FORCEINLINE void solve_factored_complex(const S* " + q[4] + ", const S* " + q[5] + ", S* " +
         q[6] + ", S* " + q[7] + ") const {\n" + detail::solve_factored_complex_body(plan, q[4], q[5], q[6], q[7], q[11]) +
         "  }\n";
    return s;
  }

  // jvp(t, y, p[, drv], v, Jv): Jv = J v for the Krylov solvers. The structural nonzeros of
  // J are computed as local values (sharing the model's subexpressions, as in
  // jacobian_sparse) and contracted with v row by row; no matrix is stored or factorised.
  std::string jvp_member() {
    const std::size_t n = model_.states.size();
    const detail::model_jacobian& jac = jacobian_;
    outputs partials;
    std::vector<std::vector<std::pair<int, std::size_t>>> rows(n);  // (local index, column)
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        if (!jac.pattern[i][j]) continue;
        const int k = static_cast<int>(partials.size());
        partials.emplace_back(partial_name_ + "[" + std::to_string(k) + "]", jac.dfdy[i][j]);
        rows[i].emplace_back(k, j);
      }
    }
    detail::body_usage used;
    detail::body_writer writer(graph_.graph, names_, as_float(), false);
    std::string body;
    if (!partials.empty()) body += "    S " + partial_name_ + "[" + std::to_string(partials.size()) + "];\n";
    body += writer.write(partials, used);
    for (std::size_t i = 0; i < n; ++i) {
      std::string sum;
      for (auto [k, j] : rows[i]) {
        sum += (sum.empty() ? "" : " + ") + partial_name_ + "[" + std::to_string(k) + "] * " + v_name_ + "[" +
               std::to_string(j) + "]";
      }
      body += "    " + jvp_name_ + "[" + std::to_string(i) + "] = " + (sum.empty() ? std::string("S(0)") : sum) + ";\n";
    }
    return signature("jvp", "const S* " + v_name_ + ", S* " + jvp_name_, used, false) + body + "  }\n";
  }

  // One member function (t, y, p[, drv[, drv_dt]], OUT): `prefix`, its locals, then the
  // outputs. The right-hand side and observables are written like_hand_written (see
  // body_writer). time_derivative of a driven model also takes the drivers' rates.
  std::string member(const std::string& fn, const std::string& out_parameter, const outputs& lines,
                     bool like_hand_written, const std::string& prefix = {}) {
    detail::body_usage used;
    detail::body_writer writer(graph_.graph, names_, as_float(), like_hand_written);
    const std::string body = prefix + writer.write(lines, used);
    return signature(fn, out_parameter, used, fn == "time_derivative") + body + "  }\n";
  }

  // The member's first line and its using-declarations; `leading` declares arguments
  // before t (event_reset's event index).
  [[nodiscard]] std::string signature(const std::string& fn, const std::string& out_parameter,
                                      const detail::body_usage& used, bool rates, const std::string& leading = {}) const {
    auto param = [](bool is_used, const std::string& decl, const std::string& name) {
      return decl + (is_used ? name : "/*" + name + "*/");
    };
    std::string drivers;
    if (!model_.drivers.empty()) {
      drivers = ", " + param(used.drivers, "const S* ", "drv");
      if (rates) drivers += ", " + param(used.driver_rates, "const S* ", "drv_dt");
    }
    std::string text = "  CUBIE_HD CUBIE_FORCEINLINE void " + fn + "(" + leading + param(used.time, "S ", "t") + ", " +
                       param(used.states, "const S* ", "y") + ", " + param(used.parameters, "const S* ", "p") +
                       drivers + ", " + out_parameter + ") const {\n";
    // Block-scope using-declarations, not a using-directive: they hide the C library's
    // global ::sqrt(double) & co. (ambiguous with cubie::math's otherwise) and keep
    // argument-dependent lookup, which finds the SIMD packs' overloads.
    for (const std::string& f : used.functions) text += "    using cubie::math::" + f + ";\n";
    return text;
  }

  const model_definition& model_;
  std::string struct_name_;
  codegen_options options_;
  detail::model_graph graph_;
  detail::model_jacobian jacobian_;
  detail::name_pool pool_;
  detail::body_names names_;
  std::string jacobian_name_, jv_name_, dfdt_name_, c_name_, lu_name_, x_name_, v_name_, jvp_name_, partial_name_,
      diag_name_, tt_name_;
  std::vector<std::string> complex_names_;  // cr ci re im lr li xr xi m_re m_im d2 t_re, as claimed
};

}  // namespace

std::string generate_system_source(const model_definition& model, std::string_view struct_name,
                                   const codegen_options& options) {
  if (!detail::is_identifier(struct_name) || !detail::constant_name_reason(struct_name).empty()) {
    throw invalid_argument("generate_system_source: the struct name '" + std::string(struct_name) +
                           "' is not a usable C++ identifier");
  }
  return system_writer(model, struct_name, options).write();
}

}  // namespace cubie::models
