// tests/batch/summary_signal_systems.cpp: systems with drivers or events (signal_test_systems.hpp)
// built with summary entries for the groups of output_types = [max, mean] only (each set of
// groups is an instantiation of the loop: build time), for summary_signals_test.cpp.
#include "cubie/batch/make_system.hpp"
#include "signal_test_systems.hpp"
#include "summary_signal_systems.hpp"

namespace cubie::test {

const std::shared_ptr<const compiled_system>& integrated_driver_summary_system() {
  static const auto sys =
      make_system<integrated_driver, methods::method_list<methods::dormand_prince_54, methods::classical_rk4>, double>(
          summary_entries<max_mean_groups>{});
  return sys;
}

const std::shared_ptr<const compiled_system>& bouncing_ball_summary_system() {
  static const auto sys = make_system<bouncing_ball, methods::method_list<methods::dormand_prince_54>, double>(
      summary_entries<max_mean_groups>{});
  return sys;
}

const std::shared_ptr<const compiled_system>& falling_body_summary_system() {
  static const auto sys = make_system<falling_body, methods::method_list<methods::dormand_prince_54>, double>(
      summary_entries<max_mean_groups>{});
  return sys;
}

}  // namespace cubie::test
