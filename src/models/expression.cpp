#include "cubie/models/expression.hpp"

#include <array>

namespace cubie::models {
namespace {

constexpr std::array<function_info, 20> functions = {{
    {"sin", math_function::sin, 1},     {"cos", math_function::cos, 1},     {"tan", math_function::tan, 1},
    {"asin", math_function::asin, 1},   {"acos", math_function::acos, 1},   {"atan", math_function::atan, 1},
    {"atan2", math_function::atan2, 2}, {"sinh", math_function::sinh, 1},   {"cosh", math_function::cosh, 1},
    {"tanh", math_function::tanh, 1},   {"exp", math_function::exp, 1},     {"log", math_function::log, 1},
    {"log10", math_function::log10, 1}, {"sqrt", math_function::sqrt, 1},   {"abs", math_function::abs, 1},
    {"pow", math_function::pow, 2},     {"min", math_function::min, 2},     {"max", math_function::max, 2},
    {"floor", math_function::floor, 1}, {"ceil", math_function::ceil, 1},
}};

}  // namespace

std::span<const function_info> math_functions() noexcept { return functions; }

const function_info* find_function(std::string_view name) noexcept {
  for (const function_info& f : functions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const function_info& function_of(math_function f) noexcept {
  for (const function_info& info : functions) {
    if (info.function == f) return info;
  }
  return functions[0];  // unreachable: every enumerator has an entry
}

}  // namespace cubie::models
