// Checks that span several sections of a model, run after loading and again after each
// --set override (which may change the sweep, the precision or a constant).
#pragma once
#include <optional>

#include "cubie/models/model.hpp"
#include "diagnostic.hpp"

namespace cubie::models::detail {

/// A verbatim sweep needs equally long axes; the run count must fit in 64 bits. Errors
/// point at the offending axis, or at `blame` when given (an override).
void check_sweep(const model_definition& model, const text_source& source, std::optional<source_position> blame);

/// The solve settings as the Solver checks them (check_solve_spec): save times inside the
/// span, summary windows that fit, outputs that exist. Errors point at the key they name,
/// or at `blame` when given.
void check_outputs(const model_definition& model, const text_source& source, std::optional<source_position> blame);

/// A float32 model compiles its constants and the equations' numbers as float: they
/// must fit. Errors point at the value, or at `blame` when given.
void check_constants_fit(const model_definition& model, const text_source& source,
                         std::optional<source_position> blame);

}  // namespace cubie::models::detail
