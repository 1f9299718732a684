// tests/backends/lorenz_systems.hpp
// The Lorenz systems the CUDA backend tests share: one compiled by nvcc (CUDA kernels for
// rk4 and dopri54 in float and double, in one translation unit to keep the build short) and
// one compiled by the host compiler (the CPU backend's SIMD entries, the reference).
#pragma once
#include <memory>

#include "cubie/execution/compiled_system.hpp"

namespace cubie::test {

/// Lorenz x {classical_rk4, dormand_prince_54} x {float, double} with CUDA kernels.
[[nodiscard]] std::shared_ptr<const compiled_system> lorenz_gpu_system();
/// The same methods and precisions with the CPU backend's vectorised entries.
[[nodiscard]] std::shared_ptr<const compiled_system> lorenz_cpu_system();
/// lorenz_gpu_system() whose rk4 float kernel writes through a null pointer: a sticky fault.
[[nodiscard]] std::shared_ptr<const compiled_system> lorenz_faulting_system();

}  // namespace cubie::test
