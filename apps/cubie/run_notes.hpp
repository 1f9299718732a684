// What `cubie run` and `cubie check` point out before they work: the model's unused
// parameters and constants (warnings), and the step a fixed-step method takes when the
// model gives none (a note with the step count).
#pragma once
#include <string>

#include "cubie/models/model.hpp"

namespace cubie::cli {

/// @brief For a fixed-step solve without `dt`: "<method> takes fixed steps and no dt was
///   given: dt = 0.001 (the default), 1000 steps per run; set solver.dt to choose one";
///   "" otherwise (an adaptive method, or dt given).
/// @throws cubie::invalid_argument for an unknown method or controller.
[[nodiscard]] std::string default_dt_note(const models::model_definition& model);

/// @brief The steps per run of a fixed step `dt` over the model's span: exact without
///   intermediate saves; with them, each save interval's steps (the last one shortened to
///   land on the save).
[[nodiscard]] std::int64_t fixed_steps_per_run(const solve_spec& spec, double dt);

/// @brief Prints every model warning (models::model_warnings) on stderr.
void print_model_warnings(const models::model_definition& model);

}  // namespace cubie::cli
