// The equation language's parser: the `equations` string of a model file becomes an
// equation_set, with every error located at the model file's line and column.
#pragma once
#include <string_view>
#include <vector>

#include "cubie/models/model.hpp"
#include "diagnostic.hpp"

namespace cubie::models::detail {

/// Parses `text` (one assignment a line) against the states, parameters and constants
/// of `model`; `positions[i]` is the file position of text[i] (one extra entry: the end).
/// Checks that every state has exactly one derivative.
/// @throws cubie::model_error, located through `positions` and quoting `source`.
[[nodiscard]] equation_set parse_equations(std::string_view text, const std::vector<source_position>& positions,
                                           const model_definition& model, const text_source& source);

}  // namespace cubie::models::detail
