// The CPU reference for the CUDA backend tests, compiled by the host compiler so the CPU
// entries are the vectorised ones the CPU backend really runs.
#include "cubie/batch/make_system.hpp"
#include "cubie/systems/lorenz.hpp"
#include "lorenz_systems.hpp"

namespace cubie::test {

std::shared_ptr<const compiled_system> lorenz_cpu_system() {
  static const auto sys =
      make_system<systems::lorenz, methods::method_list<methods::classical_rk4, methods::dormand_prince_54>, float,
                  double>();
  return sys;
}

}  // namespace cubie::test
