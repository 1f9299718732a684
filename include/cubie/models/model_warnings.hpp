// cubie/models/model_warnings.hpp
// What in a valid model is probably a mistake: parameters and constants that no equation
// uses (a solver setting typed under [parameters] becomes one), reported before a solve.
#pragma once
#include <string>
#include <vector>

#include "model.hpp"

namespace cubie::models {

/// @brief One message per parameter or constant that no equation reads, in the
///   compiler style of model errors ("FILE:LINE:COL: warning: ...", the line quoted, a
///   caret): with a hint when the name is a [solver] or [memory] key (`duration = 5`
///   under [parameters] declares a parameter, it sets no duration), and a note when the
///   sweep varies the unused parameter (every run would give the same result).
[[nodiscard]] std::vector<std::string> model_warnings(const model_definition& model);

}  // namespace cubie::models
