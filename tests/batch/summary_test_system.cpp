// tests/batch/summary_test_system.cpp: see summary_test_system.hpp.
#include "summary_test_system.hpp"

#include "cubie/batch/make_system.hpp"
#include "cubie/systems/lorenz.hpp"
#include "test_systems.hpp"

namespace cubie::test {

const std::shared_ptr<const compiled_system>& lorenz_summary_system() {
  static const auto sys =
      make_system<systems::lorenz, methods::method_list<methods::dormand_prince_54, methods::classical_rk4>, float,
                  double>(summary_entries<summary_group::all, max_mean_peaks_groups>{});
  return sys;
}

const std::shared_ptr<const compiled_system>& linear_summary_system() {
  static const auto sys =
      make_system<linear2, methods::method_list<methods::dormand_prince_54, methods::classical_rk4>, float, double>(
          summary_entries<>{});
  return sys;
}

}  // namespace cubie::test
