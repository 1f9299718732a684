// tests/batch/counter_auto_system.cpp
// Van der Pol with algorithm = "auto" (counter_test_systems.hpp), in a file of its own so it
// builds beside the other methods.
#include "counter_test_systems.hpp"
#include "cubie/batch/make_system.hpp"
#include "cubie/integrate/methods/auto_switch.hpp"
#include "stiff_systems.hpp"

namespace cubie::test {

const std::shared_ptr<const compiled_system>& auto_vdp_system() {
  static const auto sys = make_system<van_der_pol, methods::method_list<methods::auto_switch>, float, double>();
  return sys;
}

}  // namespace cubie::test
