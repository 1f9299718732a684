// tests/batch/batch_linear_system.cpp
// One of the batch tests' compiled systems (see batch_test_systems.hpp): one file per
// system so the instantiations build in parallel.
#include "batch_test_systems.hpp"
#include "cubie/batch/make_system.hpp"
#include "test_systems.hpp"

namespace cubie::test {

const std::shared_ptr<const compiled_system>& linear_system() {
  static const auto sys =
      make_system<linear2, methods::method_list<methods::dormand_prince_54, methods::classical_rk4>, float, double>();
  return sys;
}

}  // namespace cubie::test
