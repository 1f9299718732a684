// What a solve records, resolved from its solve_spec against the system's names: which
// states and observables go into the time domain, which are summarised, and the summary
// metrics asked for. The first step of every solve and of check_solve_spec.
#pragma once
#include <vector>

#include "cubie/batch/output_types.hpp"
#include "cubie/batch/solver_settings.hpp"
#include "cubie/execution/system_info.hpp"

namespace cubie::detail {

struct output_request {
  bool time_domain = true;               ///< a time domain is recorded (states, observables or the times)
  std::vector<int> saved_states;         ///< in the time domain, in order
  std::vector<int> saved_observables;
  std::vector<int> summarised_states;    ///< summarised, in order
  std::vector<int> summarised_observables;
  std::vector<output_type> metrics;      ///< the summary metrics, in the order asked
  bool iteration_counters = false;       ///< per-save iteration counters (iteration_counters.hpp)
};

/// @throws setting_error for unknown or repeated names, an unknown output type, conflicting
///   fields (save_variables with saved_states), or metrics with nothing to summarise.
[[nodiscard]] output_request resolve_outputs(const system_info& info, const solve_spec& spec);

}  // namespace cubie::detail
