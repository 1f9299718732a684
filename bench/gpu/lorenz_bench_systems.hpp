// bench/gpu/lorenz_bench_systems.hpp
// The Lorenz systems the GPU benchmarks solve, compiled in one CUDA translation unit: float
// with rk4, dopri54 and Cash-Karp (B1 to B4), and double dopri54 (B2's tight reference).
#pragma once
#include <memory>

#include "cubie/execution/compiled_system.hpp"
#include "cubie/integrate/summary_settings.hpp"

namespace cubie::bench {

/// Lorenz x {classical_rk4, dormand_prince_54, cash_karp_54} in float32.
[[nodiscard]] std::shared_ptr<const compiled_system> lorenz_float_system();
/// Lorenz x dormand_prince_54 in float64, for the reference solution.
[[nodiscard]] std::shared_ptr<const compiled_system> lorenz_double_system();

/// The summary accumulator groups of output_types = [max, mean, peaks[4]] (SUM).
constexpr u32 sum_bench_groups = summary_group::max | summary_group::sum | summary_group::peaks;

/// Lorenz x classical_rk4 in float32 with summary kernels: fitted to sum_bench_groups, and
/// carrying every group (what a C++ system built with summary_entries<> runs).
[[nodiscard]] std::shared_ptr<const compiled_system> lorenz_float_summary_system();

/// lorenz_float_summary_system() whose fitted kernel is built with __launch_bounds__(128, 8):
/// at most 64 registers (8 resident blocks of 128 per SM), the rest spilled: whether
/// occupancy bought with spills pays for a summary kernel (the default takes ~90 registers,
/// 5 blocks).
[[nodiscard]] std::shared_ptr<const compiled_system> lorenz_float_summary_system_bounded();

}  // namespace cubie::bench
