// tests/batch/batch_test_systems.hpp
// Compiled systems shared by the batch tests, instantiated once (batch_test_systems.cpp)
// so each test binary does not pay for the same method instantiations again.
#pragma once
#include <memory>

#include "cubie/execution/compiled_system.hpp"

namespace cubie::test {

/// Lorenz (sigma 10, beta 8/3, rho a parameter, observable r2) with dormand_prince_54 and
/// classical_rk4 in float and double.
const std::shared_ptr<const compiled_system>& lorenz_system();

/// linear2 (tests/test_systems.hpp) with dormand_prince_54 and classical_rk4 in float and double.
const std::shared_ptr<const compiled_system>& linear_system();

/// quadratic_blowup (y' = c y^2) with dormand_prince_54 and classical_rk4 in float and double.
const std::shared_ptr<const compiled_system>& blowup_system();

}  // namespace cubie::test
