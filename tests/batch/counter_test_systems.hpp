// tests/batch/counter_test_systems.hpp
// Compiled systems of the iteration_counters and algorithm = "auto" tests: Van der Pol (mu a
// parameter) with an explicit, a Rosenbrock and a DIRK method, built once in a library of
// their own.
#pragma once
#include <memory>

#include "cubie/execution/compiled_system.hpp"

namespace cubie::test {

/// van_der_pol (tests/stiff_systems.hpp) with classical_rk4, dormand_prince_54, rodas5p and
/// l_stable_dirk_3 in float and double.
const std::shared_ptr<const compiled_system>& counter_vdp_system();

/// van_der_pol with auto_switch (algorithm = "auto") in float and double.
const std::shared_ptr<const compiled_system>& auto_vdp_system();

}  // namespace cubie::test
