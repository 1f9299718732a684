// The drivers of one solve joined to its prepared inputs: each signal matched to the
// system's driver of its name, checked, fitted, and its coefficients appended as an input
// variable (varying columns for one signal per run, broadcast values for a shared one).
#pragma once
#include "cubie/batch/solver_settings.hpp"
#include "cubie/execution/prepared_batch.hpp"
#include "cubie/execution/system_info.hpp"

namespace cubie::detail {

/// @brief Fills b.drivers and appends the drivers' coefficients to b's inputs (after the
///   grid's states and parameters), from spec.drivers.
/// @throws invalid_argument for a driver without a signal, a signal for no driver, a signal
///   given twice, and any bad signal (validate_driver).
template <class V>
void add_driver_inputs(const system_info& info, const solve_spec& spec, prepared_batch<V>& b);

}  // namespace cubie::detail
