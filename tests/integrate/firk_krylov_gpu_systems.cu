// The CUDA translation unit of the FIRK Newton-Krylov GPU test: radau_iia_5 on the 100-state
// Brusselator in double, matrix-free (no direct solver is built for 100 states without a
// sparse LU; Jacobian-vector products from dual numbers, GMRES per thread).
#include "brusselator_systems.hpp"
#include "cubie/batch/make_system.hpp"
#include "cubie/integrate/methods/radau_iia_5.hpp"

namespace cubie::test {

std::shared_ptr<const compiled_system> bruss100_radau_gpu_system() {
  static const auto sys = make_system<bruss100, methods::method_list<methods::radau_iia_5>, double>();
  return sys;
}

}  // namespace cubie::test
