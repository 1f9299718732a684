// tests/bit_identity/simd_systems_double.cpp
// forced_lorenz with every method for the CPU's SIMD-pack entries (host compiler), one
// precision per translation unit so the two build in parallel.
#include "bit_identity_systems.hpp"
#include "cubie/batch/make_system.hpp"
#include "forced_lorenz.hpp"

namespace cubie::test {

std::shared_ptr<const compiled_system> simd_system_double() {
  return make_system<forced_lorenz, methods::all_methods, double>();
}

}  // namespace cubie::test
