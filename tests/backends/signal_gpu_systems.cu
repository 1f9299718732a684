// The GPU tests' systems with drivers and events (tests/batch/signal_test_systems.hpp):
// CUDA kernels (and scalar CPU entries) for dormand_prince_54 in float and double.
#include "cubie/batch/make_system.hpp"
#include "signal_gpu_systems.hpp"
#include "signal_test_systems.hpp"

namespace cubie::test {

const std::shared_ptr<const compiled_system>& integrated_driver_gpu_system() {
  static const auto sys = make_system<integrated_driver, methods::method_list<methods::dormand_prince_54>, float, double>();
  return sys;
}

const std::shared_ptr<const compiled_system>& bouncing_ball_gpu_system() {
  static const auto sys = make_system<bouncing_ball, methods::method_list<methods::dormand_prince_54>, float, double>();
  return sys;
}

const std::shared_ptr<const compiled_system>& falling_body_gpu_system() {
  static const auto sys = make_system<falling_body, methods::method_list<methods::dormand_prince_54>, double>();
  return sys;
}

}  // namespace cubie::test
