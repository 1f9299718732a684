// The runs a model file describes: its [sweep] over the declared defaults, in the
// file's order (in a combinatorial sweep the last axis varies fastest, whether it is a
// state or a parameter).
#pragma once
#include "cubie/batch/batch_grid.hpp"
#include "cubie/execution/system_info.hpp"
#include "cubie/models/model.hpp"

namespace cubie::cli {

/// @brief The model's names and defaults as the Solver sees them.
[[nodiscard]] system_info model_system_info(const models::model_definition& model);

/// @brief Every run of the sweep; states and parameters not swept take their defaults.
/// @throws cubie::invalid_argument for an axis naming neither a state nor a parameter,
///   verbatim axes of different lengths, or a product too large to hold.
[[nodiscard]] batch_grid model_grid(const models::model_definition& model);

/// @brief As model_grid, moving the sweep's values into the grid instead of copying them
///   (a 10^8-run verbatim sweep then costs no second 800 MB); the model's sweep axes are
///   left without values.
[[nodiscard]] batch_grid take_model_grid(models::model_definition& model);

}  // namespace cubie::cli
