// tests/bit_identity/cuda_systems_double.cu
// forced_lorenz with every method compiled by nvcc: GPU kernels, and CPU entries that run
// one run at a time (the scalar path of the loop). One precision per translation unit.
#include "bit_identity_systems.hpp"
#include "cubie/batch/make_system.hpp"
#include "forced_lorenz.hpp"

namespace cubie::test {

std::shared_ptr<const compiled_system> cuda_system_double() {
  return make_system<forced_lorenz, methods::all_methods, double>();
}

}  // namespace cubie::test
