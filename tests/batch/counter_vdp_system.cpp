// tests/batch/counter_vdp_system.cpp
// Van der Pol with one method of each family, for the iteration_counters tests
// (counter_test_systems.hpp).
#include "counter_test_systems.hpp"
#include "cubie/batch/make_system.hpp"
#include "cubie/integrate/methods/newton_methods.hpp"
#include "cubie/integrate/methods/rosenbrock_methods.hpp"
#include "stiff_systems.hpp"

namespace cubie::test {

const std::shared_ptr<const compiled_system>& counter_vdp_system() {
  static const auto sys =
      make_system<van_der_pol, methods::method_list<methods::classical_rk4, methods::dormand_prince_54,
                                                    methods::rodas5p, methods::l_stable_dirk_3,
                                                    methods::radau_iia_5>,
                  float, double>();
  return sys;
}

}  // namespace cubie::test
