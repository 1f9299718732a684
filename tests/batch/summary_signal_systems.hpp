// tests/batch/summary_signal_systems.hpp
// Systems with drivers and events compiled with summary entries: summaries in driven and
// event-carrying runs (summary_signals_test.cpp).
#pragma once
#include <memory>

#include "cubie/execution/compiled_system.hpp"
#include "cubie/integrate/summary_settings.hpp"

namespace cubie::test {

/// The groups of output_types = [max, mean].
constexpr u32 max_mean_groups = summary_group::max | summary_group::sum;

/// integrated_driver (x' = k u(t), observable u_now): dormand_prince_54 and classical_rk4, double.
const std::shared_ptr<const compiled_system>& integrated_driver_summary_system();
/// bouncing_ball (reset v -> -e v at h = 0): dormand_prince_54, double.
const std::shared_ptr<const compiled_system>& bouncing_ball_summary_system();
/// falling_body (terminates at h = 0 or t = T): dormand_prince_54, double.
const std::shared_ptr<const compiled_system>& falling_body_summary_system();

}  // namespace cubie::test
