// The system the io tests solve: the Lorenz system with Dormand-Prince 5(4) in both
// precisions, compiled once in io_test_system.cpp; and a small rho sweep over it.
#pragma once
#include <memory>

#include "cubie/batch/batch_grid.hpp"
#include "cubie/execution/compiled_system.hpp"
#include "cubie/io/result_metadata.hpp"

namespace cubie::test {

[[nodiscard]] std::shared_ptr<const compiled_system> lorenz_system();

/// `n` runs: rho over [0, 60] in a scrambled order, x varying, y and z broadcast.
[[nodiscard]] batch_grid lorenz_grid(const compiled_system& system, int n);

/// Metadata with recognisable text in every field.
[[nodiscard]] io::result_metadata test_metadata();

}  // namespace cubie::test
