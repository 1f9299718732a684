// tests/batch/summary_test_system.hpp
// The compiled systems of the summary-metric tests, built once with entry points that
// compute summaries: every accumulator group, and the groups of [max, mean, peaks[n]]
// alone (the benchmark's request), so a test can compare a fitted entry with a superset.
#pragma once
#include <memory>

#include "cubie/execution/compiled_system.hpp"
#include "cubie/integrate/summary_settings.hpp"

namespace cubie::test {

/// The groups of output_types = [max, mean, peaks[n]].
constexpr u32 max_mean_peaks_groups = summary_group::max | summary_group::sum | summary_group::peaks;

/// Lorenz (observable r2) with dormand_prince_54 and classical_rk4 in float and double,
/// with summary entries for every group, and in float for max_mean_peaks_groups too.
const std::shared_ptr<const compiled_system>& lorenz_summary_system();

/// linear2 (tests/test_systems.hpp): classical_rk4 in float and dormand_prince_54 in
/// double, with summary entries for every group.
const std::shared_ptr<const compiled_system>& linear_summary_system();

}  // namespace cubie::test
