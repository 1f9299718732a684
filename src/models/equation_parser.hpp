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

/// Parses an event's condition: one numeric expression of the model's names (states,
/// parameters, constants, drivers, t and every auxiliary of model.equations). `what` names
/// it in messages ("events.floor.condition").
[[nodiscard]] expression parse_event_condition(std::string_view text, const std::vector<source_position>& positions,
                                               const model_definition& model, const text_source& source,
                                               const std::string& what);

/// Parses an event's reset: lines `state = expression`, each state at most once.
[[nodiscard]] std::vector<event_assignment> parse_event_reset(std::string_view text,
                                                              const std::vector<source_position>& positions,
                                                              const model_definition& model, const text_source& source,
                                                              const std::string& what);

}  // namespace cubie::models::detail
