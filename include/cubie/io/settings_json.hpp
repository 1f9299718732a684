// cubie/io/settings_json.hpp
// The solver and solve settings as JSON: stored in result files (attribute
// solver_settings) and shown by `cubie check`, with every field named as in the model file.
#pragma once
#include <string>

#include "../batch/solver_settings.hpp"

namespace cubie::io {

/// @brief Every field of `settings` (memory included) and `spec` as one JSON object;
///   unset optional fields are null.
/// @param indent spaces per level; 0 writes one line.
[[nodiscard]] std::string settings_json(const solver_settings& settings, const solve_spec& spec, int indent = 0);

}  // namespace cubie::io
