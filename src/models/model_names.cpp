#include "model_names.hpp"

#include <algorithm>
#include <iterator>

#include "cubie/models/expression.hpp"

namespace cubie::models::detail {
namespace {

constexpr std::string_view cxx_keywords[] = {
    "alignas", "alignof", "and", "and_eq", "asm", "auto", "bitand", "bitor", "bool", "break", "case", "catch",
    "char", "char8_t", "char16_t", "char32_t", "class", "compl", "concept", "const", "consteval", "constexpr",
    "constinit", "const_cast", "continue", "co_await", "co_return", "co_yield", "decltype", "default", "delete",
    "do", "double", "dynamic_cast", "else", "enum", "explicit", "export", "extern", "false", "float", "for",
    "friend", "goto", "if", "inline", "int", "long", "mutable", "namespace", "new", "noexcept", "not", "not_eq",
    "nullptr", "operator", "or", "or_eq", "private", "protected", "public", "register", "reinterpret_cast",
    "requires", "return", "short", "signed", "sizeof", "static", "static_assert", "static_cast", "struct",
    "switch", "template", "this", "thread_local", "throw", "true", "try", "typedef", "typeid", "typename",
    "union", "unsigned", "using", "virtual", "void", "volatile", "wchar_t", "while", "xor", "xor_eq",
    // common macros of the C headers the generated code sees, and the engine's own
    "NULL", "NAN", "INFINITY", "HUGE_VAL", "EOF", "errno",
};

// Identifiers of the generated struct and its member functions.
constexpr std::string_view generated_words[] = {
    "S", "y", "p", "dydt", "out", "rhs", "observables", "name", "n_states", "n_parameters", "n_observables",
    "state_names", "parameter_names", "observable_names", "mask_and", "mask_or", "mask_not", "select", "cubie",
    // the Jacobian members (JACOBIAN_CONTRACT.md)
    "autonomous", "jacobian_nnz", "sparse_nnz", "sparse_row", "sparse_col", "elimination_order", "jacobian",
    "jacobian_sparse", "time_derivative", "factor_shifted", "solve_factored", "factor_shifted_complex",
    "solve_factored_complex",
    "drv", "y_new", "ev", "n_drivers", "driver_names", "n_events", "event_names", "event_kinds", "event_conditions",
    "event_reset",
};

template <std::size_t N>
bool contains(const std::string_view (&words)[N], std::string_view name) {
  return std::find(std::begin(words), std::end(words), name) != std::end(words);
}

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool is_identifier(std::string_view name) noexcept {
  if (name.empty() || !is_alpha(name.front())) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return is_alpha(c) || is_digit(c); });
}

bool is_printable_name(std::string_view name) noexcept {
  return !name.empty() && std::none_of(name.begin(), name.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7F;
  });
}

std::string reserved_reason(std::string_view name) {
  if (name == "t") return "'t' is reserved: it is the time";
  if (name == "ifelse" || find_function(name) != nullptr) {
    return "'" + std::string(name) + "' is reserved: it is a function of the equation language";
  }
  if (name == "and" || name == "or" || name == "not") {
    return "'" + std::string(name) + "' is reserved: it is an operator of the equation language";
  }
  return {};
}

std::string constant_name_reason(std::string_view name) {
  std::string quoted = "'" + std::string(name) + "'";
  if (contains(cxx_keywords, name)) return quoted + " is reserved: constants become C++ members and this is a C++ keyword or macro";
  if (contains(generated_words, name)) return quoted + " is reserved: the generated C++ code uses this name";
  if (name.front() == '_' || name.find("__") != std::string_view::npos || name.starts_with("CUBIE_") ||
      name.starts_with("M_")) {
    return quoted + " is reserved: constants become C++ members, and names starting with '_', 'M_' or 'CUBIE_' "
                    "or containing '__' belong to the compiler and its headers";
  }
  return {};
}

}  // namespace cubie::models::detail
