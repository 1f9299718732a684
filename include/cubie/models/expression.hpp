// cubie/models/expression.hpp
// The parsed equations of a model file: one expression tree per assignment, every node
// tagged with its line and column in the model file. Input of code generation.
#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cubie::models {

/// @brief A place in a model file (or in a --set option): 1-based line and column, where
/// columns count characters (UTF-8 code points). Line 0 means "no place".
struct source_position {
  int line = 0;
  int column = 0;
  friend bool operator==(const source_position&, const source_position&) = default;
};

/// @brief What an expression node is. Numeric kinds first, then the conditions (the kinds
/// allowed only as ifelse's first argument).
enum class node_kind {
  number,       ///< a literal: value, text as written
  time,         ///< t
  state,        ///< index into the states
  parameter,    ///< index into the parameters
  constant,     ///< index into the constants
  auxiliary,    ///< index into equation_set::auxiliaries
  driver,       ///< index into the model's drivers: the interpolated signal at t
  driver_rate,  ///< d(driver)/dt: made by symbolic differentiation by t, never parsed
  negate,       ///< -operand
  add,          ///< operands[0] + operands[1]
  subtract,
  multiply,
  divide,
  power,        ///< operands[0] ^ operands[1] (written ^ or **)
  call,         ///< function(operands...)
  ifelse,       ///< ifelse(condition, a, b)
  less,         ///< comparisons: two numeric operands, a condition as result
  less_equal,
  greater,
  greater_equal,
  equal,
  not_equal,
  logical_and,  ///< two conditions
  logical_or,
  logical_not,  ///< one condition
};

/// @brief True for the kinds whose value is a condition rather than a number.
[[nodiscard]] constexpr bool is_condition(node_kind k) noexcept { return k >= node_kind::less; }

/// @brief The functions of the equation language.
enum class math_function {
  sin, cos, tan, asin, acos, atan, atan2, sinh, cosh, tanh,
  exp, log, log10, sqrt, abs, pow, min, max, floor, ceil,
};

/// @brief A function's name in the model language (also its name in cubie::math) and arity.
struct function_info {
  std::string_view name;
  math_function function;
  int arity;
};

/// @brief Every function of the equation language, in the order the documentation lists them.
[[nodiscard]] std::span<const function_info> math_functions() noexcept;

/// @brief The function called `name`, or nullptr when there is none.
[[nodiscard]] const function_info* find_function(std::string_view name) noexcept;

/// @brief The entry of math_functions() for `f`.
[[nodiscard]] const function_info& function_of(math_function f) noexcept;

/// @brief One node of an expression tree. Plain value type: children are held by value.
struct expression {
  node_kind kind = node_kind::number;
  source_position where;  ///< where the node's text starts in the model file
  double value = 0.0;     ///< number: its value
  std::string text;       ///< number: as written; variables: the name; call: the function name
  int index = -1;         ///< state, parameter, constant or auxiliary index
  math_function function = math_function::sin;  ///< call: which function
  std::vector<expression> operands;
};

enum class assignment_kind {
  derivative,  ///< dNAME = expr, NAME a state
  auxiliary,   ///< NAME = expr
};

/// @brief One line of the equations: `dx = ...` or `r2 = ...`.
struct assignment {
  assignment_kind kind = assignment_kind::auxiliary;
  std::string name;       ///< the state (for a derivative) or the auxiliary
  int index = -1;         ///< state index, or auxiliary index
  source_position where;  ///< where the assigned name starts
  expression value;
};

/// @brief All assignments of a model in file order, with indices for quick lookup.
struct equation_set {
  std::vector<assignment> assignments;   ///< file order
  std::vector<std::string> auxiliaries;  ///< auxiliary names in order of definition
  std::vector<int> derivative_of_state;  ///< per state: its index into assignments
  std::vector<int> auxiliary_definition; ///< per auxiliary: its index into assignments
};

}  // namespace cubie::models
