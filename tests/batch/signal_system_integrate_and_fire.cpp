// One of the batch tests' compiled systems with drivers or events (signal_test_systems.hpp).
#include "cubie/batch/make_system.hpp"
#include "signal_test_systems.hpp"

namespace cubie::test {

const std::shared_ptr<const compiled_system>& integrate_and_fire_system() {
  static const auto sys = make_system<integrate_and_fire, methods::method_list<methods::dormand_prince_54>, double>();
  return sys;
}

}  // namespace cubie::test
