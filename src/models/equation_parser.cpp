// Recursive descent over one line at a time. Precedence, loosest first:
//   or < and < not < comparison < + - < * / < unary - + < ^ ** (right-associative,
//   exponent parsed at the unary level so 2^-1 is 2^(-1) and -x^2 is -(x^2)).
// Conditions and numbers are checked as they are combined, so a condition outside
// ifelse's first argument is reported where it appears.
#include "equation_parser.hpp"

#include <charconv>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "model_names.hpp"

namespace cubie::models::detail {
namespace {

enum class tok {
  number, identifier, plus, minus, star, slash, power, lparen, rparen, comma,
  less, less_equal, greater, greater_equal, equal, not_equal, assign, end,
};

struct token {
  tok kind = tok::end;
  std::size_t begin = 0;  // offsets into the equations text
  std::size_t end = 0;
  std::string_view text;
};

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string describe(const token& t) {
  return t.kind == tok::end ? std::string("the end of the line") : "'" + std::string(t.text) + "'";
}

struct line_span {
  std::size_t begin;  // first character of the line
  std::size_t end;    // the '#' of a comment, the '\n' or the end of the text
};

class equation_parser {
 public:
  equation_parser(std::string_view text, const std::vector<source_position>& positions, const model_definition& model,
                  const text_source& source)
      : text_(text), positions_(positions), model_(model), source_(source) {
    declare(model.states, node_kind::state);
    declare(model.parameters, node_kind::parameter);
    declare(model.constants, node_kind::constant);
    for (std::size_t i = 0; i < model.drivers.size(); ++i)
      declared_[model.drivers[i].name] = {node_kind::driver, static_cast<int>(i)};
  }

  equation_set parse() {
    std::vector<std::vector<token>> lines;
    for (line_span span : split_lines()) {
      std::vector<token> tokens = lex(span);
      if (tokens.size() > 1) lines.push_back(std::move(tokens));
    }
    result_.derivative_of_state.assign(model_.states.size(), -1);
    for (const std::vector<token>& tokens : lines) declare_target(tokens);
    check_derivative_names();
    for (std::size_t i = 0; i < lines.size(); ++i) {
      current_ = static_cast<int>(i);
      parse_value(lines[i], result_.assignments[i]);
    }
    check_every_state_has_a_derivative();
    return std::move(result_);
  }

  /// One numeric expression (an event's condition), every auxiliary of the equations visible.
  expression parse_condition(const std::string& what) {
    see_all_auxiliaries();
    const std::vector<std::vector<token>> lines = statement_lines();
    if (lines.empty()) fail(source_, positions_.front(), what + " is empty: write the expression whose zero crossing is the event");
    if (lines.size() > 1) error(lines[1][0].begin, what + " must be one expression on one line");
    tokens_ = &lines[0];
    pos_ = 0;
    expression value = parse_or();
    expect_end();
    if (is_condition(value.kind)) {
      fail(source_, value.where,
           what + " is a comparison, but an event happens where a number crosses zero; write the difference, as in "
                  "'V - V_th' with direction = \"up\" for 'V > V_th'");
    }
    return value;
  }

  /// Lines `state = expression` (an event's reset), every auxiliary of the equations visible.
  std::vector<event_assignment> parse_reset(const std::string& what) {
    see_all_auxiliaries();
    std::vector<event_assignment> out;
    for (const std::vector<token>& tokens : statement_lines()) {
      const token& target = tokens[0];
      if (target.kind != tok::identifier) {
        error(target.begin, "expected an assignment 'STATE = expression' in " + what + ", found " + describe(target));
      }
      if (tokens[1].kind != tok::assign) {
        error(tokens[1].begin, "expected '=' after '" + std::string(target.text) + "', found " + describe(tokens[1]));
      }
      const std::string name(target.text);
      const auto found = declared_.find(name);
      if (found == declared_.end() || found->second.first != node_kind::state) {
        std::string kind = found == declared_.end() ? (auxiliaries_.count(name) ? "an auxiliary" : "undeclared")
                                                    : kind_phrase(found->second.first);
        error(target.begin, what + " assigns states only, and '" + name + "' is " + kind +
                                (found == declared_.end() && !auxiliaries_.count(name)
                                     ? did_you_mean(name, names_of(model_.states))
                                     : std::string()),
              "states: " + join(names_of(model_.states)));
      }
      for (const event_assignment& a : out) {
        if (a.name == name) {
          error(target.begin, "state '" + name + "' is assigned twice in " + what + " (first on line " +
                                  std::to_string(a.where.line) + ")");
        }
      }
      event_assignment a;
      a.state = found->second.second;
      a.name = name;
      a.where = at(target.begin);
      tokens_ = &tokens;
      pos_ = 2;
      if (peek().kind == tok::end) error(tokens[1].begin, "empty expression: nothing follows '" + name + " ='");
      a.value = parse_or();
      expect_end();
      require_number(a.value, "the right-hand side of '" + name + " ='");
      out.push_back(std::move(a));
    }
    if (out.empty()) fail(source_, positions_.front(), what + " assigns nothing: write one 'STATE = expression' a line");
    return out;
  }

 private:
  struct auxiliary_info {
    int index;
    int assignment;
    source_position where;
  };

  // Event conditions and resets come after the equations: all of their auxiliaries exist.
  void see_all_auxiliaries() {
    const equation_set& eq = model_.equations;
    for (std::size_t i = 0; i < eq.assignments.size(); ++i) {
      const assignment& a = eq.assignments[i];
      if (a.kind == assignment_kind::auxiliary) auxiliaries_[a.name] = {a.index, static_cast<int>(i), a.where};
    }
    result_.auxiliaries = eq.auxiliaries;
    result_.auxiliary_definition = eq.auxiliary_definition;
    current_ = static_cast<int>(eq.assignments.size());
  }

  [[nodiscard]] std::vector<std::vector<token>> statement_lines() const {
    std::vector<std::vector<token>> lines;
    for (line_span span : split_lines()) {
      std::vector<token> tokens = lex(span);
      if (tokens.size() > 1) lines.push_back(std::move(tokens));
    }
    return lines;
  }

  void expect_end() const {
    if (peek().kind == tok::rparen) error(peek().begin, "unbalanced parentheses: ')' without a matching '('");
    if (peek().kind == tok::assign) {
      error(peek().begin, "unexpected '=': comparisons are written '=='");
    }
    if (peek().kind != tok::end) {
      error(peek().begin, "unexpected " + describe(peek()) + " after a complete expression; expected an operator");
    }
  }

  static std::string kind_phrase(node_kind k) {
    switch (k) {
      case node_kind::state: return "a state";
      case node_kind::parameter: return "a parameter";
      case node_kind::constant: return "a constant";
      case node_kind::driver: return "a driver";
      default: return "an auxiliary";
    }
  }

  // ---- helpers ------------------------------------------------------------------
  void declare(const std::vector<named_value>& values, node_kind kind) {
    for (std::size_t i = 0; i < values.size(); ++i) declared_[values[i].name] = {kind, static_cast<int>(i)};
  }

  [[nodiscard]] source_position at(std::size_t offset) const {
    return offset < positions_.size() ? positions_[offset] : positions_.back();
  }

  [[noreturn]] void error(std::size_t offset, const std::string& what, const std::string& note = {}) const {
    fail(source_, at(offset), what, note);
  }

  [[nodiscard]] std::vector<line_span> split_lines() const {
    std::vector<line_span> out;
    std::size_t begin = 0;
    while (begin <= text_.size()) {
      std::size_t nl = text_.find('\n', begin);
      std::size_t end = nl == std::string_view::npos ? text_.size() : nl;
      std::size_t hash = text_.substr(begin, end - begin).find('#');
      out.push_back({begin, hash == std::string_view::npos ? end : begin + hash});
      if (nl == std::string_view::npos) break;
      begin = nl + 1;
    }
    return out;
  }

  // ---- lexer ----------------------------------------------------------------------
  [[nodiscard]] std::vector<token> lex(line_span span) const {
    std::vector<token> out;
    std::size_t i = span.begin;
    auto push = [&](tok kind, std::size_t length) {
      out.push_back({kind, i, i + length, text_.substr(i, length)});
      i += length;
    };
    while (i < span.end) {
      char c = text_[i];
      char next = i + 1 < span.end ? text_[i + 1] : '\0';
      if (c == ' ' || c == '\t' || c == '\r') {
        ++i;
      } else if (is_digit(c) || (c == '.' && is_digit(next))) {
        lex_number(span, i, out);
      } else if (is_alpha(c)) {
        std::size_t j = i;
        while (j < span.end && (is_alpha(text_[j]) || is_digit(text_[j]))) ++j;
        push(tok::identifier, j - i);
      } else if (c == '*' && next == '*') {
        push(tok::power, 2);
      } else if ((c == '<' || c == '>' || c == '=' || c == '!') && next == '=') {
        push(c == '<' ? tok::less_equal : c == '>' ? tok::greater_equal : c == '=' ? tok::equal : tok::not_equal, 2);
      } else if (c == '+' || c == '-' || c == '*' || c == '/' || c == '^' || c == '(' || c == ')' || c == ',' ||
                 c == '<' || c == '>' || c == '=') {
        static constexpr std::string_view singles = "+-*/^(),<>=";
        static constexpr tok kinds[] = {tok::plus,   tok::minus, tok::star,  tok::slash, tok::power, tok::lparen,
                                        tok::rparen, tok::comma, tok::less, tok::greater, tok::assign};
        push(kinds[singles.find(c)], 1);
      } else {
        std::size_t j = i + 1;
        while (j < span.end && (static_cast<unsigned char>(text_[j]) & 0xC0) == 0x80) ++j;
        std::string hint = c == '!' ? "; write 'not' for negation" : (c == '&' || c == '|') ? "; write 'and' / 'or'" : "";
        error(i, "unexpected character '" + std::string(text_.substr(i, j - i)) + "'" + hint);
      }
    }
    out.push_back({tok::end, span.end, span.end, {}});
    return out;
  }

  void lex_number(line_span span, std::size_t& i, std::vector<token>& out) const {
    std::size_t j = i;
    while (j < span.end && is_digit(text_[j])) ++j;
    if (j < span.end && text_[j] == '.') {
      ++j;
      while (j < span.end && is_digit(text_[j])) ++j;
    }
    if (j < span.end && (text_[j] == 'e' || text_[j] == 'E')) {
      std::size_t k = j + 1;
      if (k < span.end && (text_[k] == '+' || text_[k] == '-')) ++k;
      if (k < span.end && is_digit(text_[k])) {
        while (k < span.end && is_digit(text_[k])) ++k;
        j = k;
      } else {
        error(i, "malformed number '" + std::string(text_.substr(i, k - i)) + "': the exponent has no digits");
      }
    }
    if (j < span.end && (is_alpha(text_[j]) || text_[j] == '.')) {
      std::size_t k = j;
      while (k < span.end && (is_alpha(text_[k]) || is_digit(text_[k]))) ++k;
      std::string number(text_.substr(i, j - i));
      error(j, "unexpected '" + std::string(text_.substr(j, std::max<std::size_t>(k - j, 1))) + "' after the number " +
                   number + (is_alpha(text_[j]) ? "; write '" + number + " * " + std::string(text_.substr(j, k - j)) +
                                                      "' to multiply"
                                                : std::string()));
    }
    out.push_back({tok::number, i, j, text_.substr(i, j - i)});
    i = j;
  }

  // ---- pass 1: what each line assigns ---------------------------------------------
  void declare_target(const std::vector<token>& tokens) {
    const token& target = tokens[0];
    if (target.kind != tok::identifier) {
      error(target.begin, "expected an assignment 'NAME = expression', found " + describe(target));
    }
    if (tokens[1].kind != tok::assign) {
      error(tokens[1].begin, "expected '=' after '" + std::string(target.text) + "', found " + describe(tokens[1]));
    }
    std::string name(target.text);
    if (std::string reason = reserved_reason(name); !reason.empty()) {
      error(target.begin, reason + "; choose another name");
    }
    assignment a;
    a.where = at(target.begin);
    if (name.size() > 1 && name[0] == 'd') {
      auto found = declared_.find(name.substr(1));
      if (found != declared_.end() && found->second.first == node_kind::state) {
        int state = found->second.second;
        int& slot = result_.derivative_of_state[static_cast<std::size_t>(state)];
        if (slot >= 0) {
          error(target.begin, "state '" + name.substr(1) + "' has two derivatives: '" + name +
                                  "' is already assigned on line " +
                                  std::to_string(result_.assignments[static_cast<std::size_t>(slot)].where.line));
        }
        slot = static_cast<int>(result_.assignments.size());
        a.kind = assignment_kind::derivative;
        a.name = name.substr(1);
        a.index = state;
        result_.assignments.push_back(std::move(a));
        return;
      }
    }
    if (auto found = declared_.find(name); found != declared_.end()) {
      switch (found->second.first) {
        case node_kind::state:
          error(target.begin, "cannot assign to state '" + name +
                                  "': a state changes only through its derivative; write 'd" + name + " = ...'");
        case node_kind::parameter:
          error(target.begin, "cannot assign to parameter '" + name +
                                  "': parameters are inputs ([parameters] or [sweep]); give the auxiliary another name");
        case node_kind::driver:
          error(target.begin, "cannot assign to driver '" + name +
                                  "': drivers are interpolated signals ([drivers]); give the auxiliary another name");
        default:
          error(target.begin, "cannot assign to constant '" + name +
                                  "': constants are set in [constants]; give the auxiliary another name");
      }
    }
    if (name.size() > 1 && name[0] == 'd') {
      auto found = declared_.find(name.substr(1));
      if (found != declared_.end()) {
        std::string what = kind_phrase(found->second.first);
        error(target.begin, "'" + name + "' would be the derivative of '" + name.substr(1) + "', but '" +
                                name.substr(1) + "' is " + what + ", not a state; only states have derivatives");
      }
    }
    if (auto found = auxiliaries_.find(name); found != auxiliaries_.end()) {
      error(target.begin, "auxiliary '" + name + "' is defined twice (first on line " +
                              std::to_string(found->second.where.line) + ")");
    }
    int index = static_cast<int>(result_.auxiliaries.size());
    auxiliaries_[name] = {index, static_cast<int>(result_.assignments.size()), a.where};
    result_.auxiliaries.push_back(name);
    result_.auxiliary_definition.push_back(static_cast<int>(result_.assignments.size()));
    a.kind = assignment_kind::auxiliary;
    a.name = name;
    a.index = index;
    result_.assignments.push_back(std::move(a));
  }

  // dNAME of an auxiliary NAME reads as a derivative; only states have one.
  void check_derivative_names() const {
    for (const assignment& a : result_.assignments) {
      if (a.kind != assignment_kind::auxiliary || a.name.size() < 2 || a.name[0] != 'd') continue;
      if (auxiliaries_.count(a.name.substr(1)) != 0) {
        fail(source_, a.where,
             "'" + a.name + "' would be the derivative of '" + a.name.substr(1) + "', but '" + a.name.substr(1) +
                 "' is an auxiliary, not a state; only states have derivatives (rename one of them)");
      }
    }
  }

  // ---- pass 2: expressions -----------------------------------------------------------
  void parse_value(const std::vector<token>& tokens, assignment& target) {
    tokens_ = &tokens;
    pos_ = 2;
    if (peek().kind == tok::end) {
      error(tokens[1].begin, "empty expression: nothing follows '" + std::string(tokens[0].text) + " ='");
    }
    expression value = parse_or();
    if (peek().kind == tok::rparen) error(peek().begin, "unbalanced parentheses: ')' without a matching '('");
    if (peek().kind == tok::assign) {
      error(peek().begin, "unexpected '=': one assignment a line, and comparisons are written '=='");
    }
    if (peek().kind != tok::end) {
      error(peek().begin, "unexpected " + describe(peek()) + " after a complete expression; expected an operator");
    }
    require_number(value, "the right-hand side of '" + std::string(tokens[0].text) + " ='");
    target.value = std::move(value);
  }

  [[nodiscard]] const token& peek() const { return (*tokens_)[pos_]; }
  const token& take() { return (*tokens_)[pos_++]; }
  [[nodiscard]] bool at_word(std::string_view word) const {
    return peek().kind == tok::identifier && peek().text == word;
  }

  void require_number(const expression& e, const std::string& context) const {
    if (is_condition(e.kind)) {
      fail(source_, e.where,
           "a condition cannot be " + context + "; conditions are allowed only as ifelse's first argument, "
           "as in ifelse(x > 0, a, b)");
    }
  }
  void require_condition(const expression& e, const std::string& context) const {
    if (!is_condition(e.kind)) {
      fail(source_, e.where,
           context + " must be a condition (a comparison such as x > 0, combined with and/or/not), "
           "but this is a number");
    }
  }

  static expression make(node_kind kind, source_position where, std::vector<expression> operands) {
    expression e;
    e.kind = kind;
    e.where = where;
    e.operands = std::move(operands);
    return e;
  }

  // Bounds the recursion (and the depth of the tree that code generation walks).
  class depth_guard {
   public:
    depth_guard(equation_parser& p, std::size_t offset) : p_(p) {
      if (++p_.depth_ > max_depth) p_.error(offset, "the expression is nested too deeply; split it into auxiliaries");
    }
    ~depth_guard() { --p_.depth_; }
    depth_guard(const depth_guard&) = delete;
    depth_guard& operator=(const depth_guard&) = delete;

   private:
    static constexpr int max_depth = 1500;  // guarded frames: three per parenthesis
    equation_parser& p_;
  };

  expression parse_or() {
    depth_guard guard(*this, peek().begin);
    expression left = parse_and();
    while (at_word("or")) {
      take();
      expression right = parse_and();
      require_condition(left, "the left operand of 'or'");
      require_condition(right, "the right operand of 'or'");
      source_position where = left.where;
      left = make(node_kind::logical_or, where, {std::move(left), std::move(right)});
    }
    return left;
  }

  expression parse_and() {
    expression left = parse_not();
    while (at_word("and")) {
      take();
      expression right = parse_not();
      require_condition(left, "the left operand of 'and'");
      require_condition(right, "the right operand of 'and'");
      source_position where = left.where;
      left = make(node_kind::logical_and, where, {std::move(left), std::move(right)});
    }
    return left;
  }

  expression parse_not() {
    depth_guard guard(*this, peek().begin);
    if (at_word("not")) {
      source_position where = at(take().begin);
      expression operand = parse_not();
      require_condition(operand, "the operand of 'not'");
      return make(node_kind::logical_not, where, {std::move(operand)});
    }
    return parse_comparison();
  }

  static bool comparison_kind(tok t, node_kind& kind) {
    switch (t) {
      case tok::less: kind = node_kind::less; return true;
      case tok::less_equal: kind = node_kind::less_equal; return true;
      case tok::greater: kind = node_kind::greater; return true;
      case tok::greater_equal: kind = node_kind::greater_equal; return true;
      case tok::equal: kind = node_kind::equal; return true;
      case tok::not_equal: kind = node_kind::not_equal; return true;
      default: return false;
    }
  }

  expression parse_comparison() {
    expression left = parse_additive();
    node_kind kind{};
    if (!comparison_kind(peek().kind, kind)) return left;
    const token& op = take();
    expression right = parse_additive();
    std::string what = "an operand of '" + std::string(op.text) + "'";
    require_number(left, what);
    require_number(right, what);
    if (node_kind again{}; comparison_kind(peek().kind, again)) {
      error(peek().begin, "comparisons cannot be chained; combine them with 'and', as in a < x and x < b");
    }
    source_position where = left.where;
    return make(kind, where, {std::move(left), std::move(right)});
  }

  expression parse_additive() {
    expression left = parse_term();
    while (peek().kind == tok::plus || peek().kind == tok::minus) {
      const token& op = take();
      expression right = parse_term();
      std::string what = "an operand of '" + std::string(op.text) + "'";
      require_number(left, what);
      require_number(right, what);
      source_position where = left.where;
      left = make(op.kind == tok::plus ? node_kind::add : node_kind::subtract, where, {std::move(left), std::move(right)});
    }
    return left;
  }

  expression parse_term() {
    expression left = parse_unary();
    while (peek().kind == tok::star || peek().kind == tok::slash) {
      const token& op = take();
      expression right = parse_unary();
      std::string what = "an operand of '" + std::string(op.text) + "'";
      require_number(left, what);
      require_number(right, what);
      source_position where = left.where;
      left = make(op.kind == tok::star ? node_kind::multiply : node_kind::divide, where,
                  {std::move(left), std::move(right)});
    }
    return left;
  }

  expression parse_unary() {
    depth_guard guard(*this, peek().begin);
    if (peek().kind == tok::minus || peek().kind == tok::plus) {
      const token& op = take();
      expression operand = parse_unary();
      require_number(operand, "the operand of unary '" + std::string(op.text) + "'");
      if (op.kind == tok::plus) return operand;  // +x is x, exactly
      return make(node_kind::negate, at(op.begin), {std::move(operand)});
    }
    return parse_power();
  }

  expression parse_power() {
    expression base = parse_primary();
    if (peek().kind != tok::power) return base;
    const token& op = take();
    expression exponent = parse_unary();
    std::string what = "an operand of '" + std::string(op.text) + "'";
    require_number(base, what);
    require_number(exponent, what);
    source_position where = base.where;
    return make(node_kind::power, where, {std::move(base), std::move(exponent)});
  }

  expression parse_primary() {
    const token& t = peek();
    switch (t.kind) {
      case tok::number: return parse_number(take());
      case tok::lparen: {
        const token& open = take();
        if (peek().kind == tok::rparen) error(peek().begin, "empty parentheses: expected an expression inside '()'");
        expression inner = parse_or();
        expect_close(open, "");
        return inner;
      }
      case tok::identifier:
        if (t.text == "and" || t.text == "or") break;
        take();
        if (peek().kind == tok::lparen) return parse_call(t);
        return resolve_name(t);
      case tok::end: {
        const token& before = (*tokens_)[pos_ - 1];
        error(t.begin, "expected an expression after " + describe(before) + ", found the end of the line");
      }
      default: break;
    }
    error(t.begin, "unexpected " + describe(t) + "; expected a number, a name, a function call or '('");
  }

  void expect_close(const token& open, const std::string& where) {
    if (peek().kind == tok::rparen) {
      take();
      return;
    }
    if (peek().kind == tok::end) error(open.begin, "unbalanced parentheses: this '(' is never closed");
    error(peek().begin, "expected " + std::string(where.empty() ? "')'" : "',' or ')'" + where) +
                            " to close the '(' at column " + std::to_string(at(open.begin).column) + ", found " +
                            describe(peek()));
  }

  expression parse_number(const token& t) const {
    expression e;
    e.kind = node_kind::number;
    e.where = at(t.begin);
    e.text = std::string(t.text);
    auto [ptr, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), e.value);
    if (ec == std::errc::result_out_of_range) {
      error(t.begin, "the number " + e.text + " is out of the range of double");
    }
    if (ec != std::errc() || ptr != t.text.data() + t.text.size()) error(t.begin, "malformed number '" + e.text + "'");
    return e;
  }

  expression parse_call(const token& name) {
    const token& open = take();
    std::vector<expression> args;
    if (peek().kind != tok::rparen) {
      while (true) {
        args.push_back(parse_or());
        if (peek().kind == tok::comma) {
          take();
          continue;
        }
        expect_close(open, " in the arguments of '" + std::string(name.text) + "'");
        break;
      }
    } else {
      take();
    }
    std::string fname(name.text);
    auto plural = [](std::size_t n) { return std::to_string(n) + (n == 1 ? " argument" : " arguments"); };
    if (fname == "ifelse") {
      if (args.size() != 3) {
        error(name.begin, "'ifelse' takes 3 arguments (condition, value if true, value if false), but " +
                              std::to_string(args.size()) + (args.size() == 1 ? " was" : " were") + " given");
      }
      require_condition(args[0], "ifelse's first argument");
      require_number(args[1], "ifelse's second argument");
      require_number(args[2], "ifelse's third argument");
      return make(node_kind::ifelse, at(name.begin), std::move(args));
    }
    const function_info* f = find_function(fname);
    if (f == nullptr) {
      if (declared_.count(fname) != 0 || auxiliaries_.count(fname) != 0 || fname == "t") {
        error(name.begin, "'" + fname + "' is not a function; write '" + fname + " * (...)' to multiply");
      }
      std::vector<std::string> names{"ifelse"};
      for (const function_info& info : math_functions()) names.emplace_back(info.name);
      error(name.begin, "unknown function '" + fname + "'" + did_you_mean(fname, names),
            "the functions are " + join(names));
    }
    if (static_cast<int>(args.size()) != f->arity) {
      error(name.begin, "'" + fname + "' takes " + plural(static_cast<std::size_t>(f->arity)) + ", but " +
                            std::to_string(args.size()) + (args.size() == 1 ? " was" : " were") + " given");
    }
    for (std::size_t i = 0; i < args.size(); ++i) {
      require_number(args[i], "an argument of '" + fname + "'");
    }
    expression e = make(node_kind::call, at(name.begin), std::move(args));
    e.function = f->function;
    e.text = fname;
    return e;
  }

  expression resolve_name(const token& t) const {
    std::string name(t.text);
    expression e;
    e.where = at(t.begin);
    e.text = name;
    if (name == "t") {
      e.kind = node_kind::time;
      return e;
    }
    if (name == "not") error(t.begin, "'not' needs a condition after it, as in not (x > 0)");
    if (name == "ifelse" || find_function(name) != nullptr) {
      error(t.begin, "'" + name + "' is a function; call it as " + name + "(...)");
    }
    if (auto found = declared_.find(name); found != declared_.end()) {
      e.kind = found->second.first;
      e.index = found->second.second;
      return e;
    }
    if (auto found = auxiliaries_.find(name); found != auxiliaries_.end()) {
      if (found->second.assignment == current_) error(t.begin, "'" + name + "' is used in its own definition");
      if (found->second.assignment > current_) {
        error(t.begin, "auxiliary '" + name + "' is used before its definition on line " +
                           std::to_string(found->second.where.line) + "; define it on an earlier line");
      }
      e.kind = node_kind::auxiliary;
      e.index = found->second.index;
      return e;
    }
    std::string hint;
    if (name.size() > 1 && name[0] == 'd') {
      auto found = declared_.find(name.substr(1));
      if (found != declared_.end() && found->second.first == node_kind::state) {
        hint = "; a derivative cannot be used in an expression (define an auxiliary for the shared part)";
      }
    }
    error(t.begin, "'" + name + "' is undeclared" + (hint.empty() ? did_you_mean(name, visible_names()) : hint),
          "declared names: " + declared_summary());
  }

  [[nodiscard]] std::vector<std::string> visible_names() const {
    std::vector<std::string> out{"t"};
    for (const auto* list : {&model_.states, &model_.parameters, &model_.constants}) {
      for (const named_value& v : *list) out.push_back(v.name);
    }
    for (const model_driver& d : model_.drivers) out.push_back(d.name);
    for (std::size_t i = 0; i < result_.auxiliaries.size(); ++i) {
      if (result_.auxiliary_definition[i] < current_) out.push_back(result_.auxiliaries[i]);
    }
    return out;
  }

  static std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
    return out;
  }

  [[nodiscard]] std::string declared_summary() const {
    std::string out = "states " + join(names_of(model_.states));
    if (!model_.parameters.empty()) out += "; parameters " + join(names_of(model_.parameters));
    if (!model_.constants.empty()) out += "; constants " + join(names_of(model_.constants));
    if (!model_.drivers.empty()) {
      std::vector<std::string> drivers;
      for (const model_driver& d : model_.drivers) drivers.push_back(d.name);
      out += "; drivers " + join(drivers);
    }
    std::vector<std::string> earlier;
    for (std::size_t i = 0; i < result_.auxiliaries.size(); ++i) {
      if (result_.auxiliary_definition[i] < current_) earlier.push_back(result_.auxiliaries[i]);
    }
    if (!earlier.empty()) out += "; auxiliaries defined above " + join(earlier);
    return out + "; and t (the time)";
  }

  void check_every_state_has_a_derivative() const {
    for (std::size_t i = 0; i < model_.states.size(); ++i) {
      if (result_.derivative_of_state[i] >= 0) continue;
      const std::string& name = model_.states[i].name;
      std::string note;
      for (const std::string& aux : result_.auxiliaries) {
        if (aux.size() > 1 && aux[0] == 'd' && close_matches(aux.substr(1), {name}).size() == 1) {
          note = "'" + aux + "' in the equations defines an auxiliary, not the derivative of '" + name + "'";
        }
      }
      fail(source_, model_.states[i].where,
           "state '" + name + "' has no derivative: add 'd" + name + " = ...' to the equations", note);
    }
  }

  std::string_view text_;
  const std::vector<source_position>& positions_;
  const model_definition& model_;
  const text_source& source_;
  std::unordered_map<std::string, std::pair<node_kind, int>> declared_;
  std::unordered_map<std::string, auxiliary_info> auxiliaries_;
  equation_set result_;
  const std::vector<token>* tokens_ = nullptr;
  std::size_t pos_ = 0;
  int current_ = 0;
  int depth_ = 0;
};

}  // namespace

equation_set parse_equations(std::string_view text, const std::vector<source_position>& positions,
                             const model_definition& model, const text_source& source) {
  return equation_parser(text, positions, model, source).parse();
}

expression parse_event_condition(std::string_view text, const std::vector<source_position>& positions,
                                 const model_definition& model, const text_source& source, const std::string& what) {
  return equation_parser(text, positions, model, source).parse_condition(what);
}

std::vector<event_assignment> parse_event_reset(std::string_view text, const std::vector<source_position>& positions,
                                                const model_definition& model, const text_source& source,
                                                const std::string& what) {
  return equation_parser(text, positions, model, source).parse_reset(what);
}

}  // namespace cubie::models::detail
