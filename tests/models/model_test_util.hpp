// Helpers for the model tests: a small valid model to vary, and the message of the
// model_error that parsing some text throws.
#pragma once
#include <string>
#include <string_view>

#include "cubie/core/error.hpp"
#include "cubie/models/model.hpp"

namespace cubie::models::testing {

/// name on line 1; equations from line 3 (column 1); then the tables:
///   [states] x = 1.0, y = 0.0   [parameters] rho = 2.0   [constants] sigma = 10.0
inline std::string model_text(std::string_view equations, std::string_view tail = "") {
  return "name = \"m\"\nequations = \"\"\"\n" + std::string(equations) +
         "\"\"\"\n[states]\nx = 1.0\ny = 0.0\n[parameters]\nrho = 2.0\n[constants]\nsigma = 10.0\n" +
         std::string(tail);
}

/// Equations that are valid for model_text().
inline constexpr std::string_view valid_equations = "dx = sigma * (y - x)\ndy = x * rho - y\n";

/// The message of the model_error that parse_model(text, "m.toml") throws, or "no error".
inline std::string error_of(std::string_view text) {
  try {
    (void)parse_model(text, "m.toml");
  } catch (const model_error& e) {
    return e.what();
  }
  return "no error";
}

/// The message of the model_error that apply_override() throws on a valid model.
inline std::string override_error_of(model_definition model, std::string_view option) {
  try {
    apply_override(model, option);
  } catch (const model_error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace cubie::models::testing
