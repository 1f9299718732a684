// cubie/batch/output_plan.hpp
// The output table a solve will record, known before anything is compiled or allocated:
// for sizing results and files ahead of a solve (`cubie check`, `cubie run`'s plan).
#pragma once
#include <cstdint>
#include <string>

#include "../core/precision.hpp"
#include "../execution/output_table.hpp"
#include "../execution/system_info.hpp"
#include "solver_settings.hpp"

namespace cubie {

/// @brief What Solver::output_layout returns for a grid of `n_runs` runs of `system`
///   solved with `spec` in precision `p`, computed the same way but without a compiled
///   system, a Solver or the grid itself (a 10^9-run sweep is sized without building it).
///   Multiply bytes_per_run() by n_runs for the result's size.
/// @throws invalid_argument as Solver::solve would for a bad span or save schedule
///   (t0, duration, settling_time, save_every) or unknown saved_states/saved_observables.
///   `algorithm` (a method name or alias; empty: any other than auto) adds the switching
///   record of algorithm = "auto".
[[nodiscard]] output_layout plan_output_layout(const system_info& system, const solve_spec& spec, precision p,
                                               std::int64_t n_runs, const std::string& algorithm = {});

}  // namespace cubie
