// The CUDA translation unit of the Rosenbrock GPU test: Robertson with rodas5p and
// rosenbrock23_sciml in float and double (Jacobians from dual numbers on the device), and the
// sqrt decay whose runs from 0 have a non-finite iteration matrix.
#include "cubie/batch/make_system.hpp"
#include "cubie/integrate/methods/rosenbrock_methods.hpp"
#include "stiff_systems.hpp"

namespace cubie::test {

std::shared_ptr<const compiled_system> robertson_gpu_system() {
  static const auto sys =
      make_system<robertson, methods::method_list<methods::rodas5p, methods::rosenbrock23_sciml>, float, double>();
  return sys;
}

std::shared_ptr<const compiled_system> sqrt_decay_gpu_system() {
  static const auto sys = make_system<sqrt_decay, methods::method_list<methods::rodas4p>, double>();
  return sys;
}

}  // namespace cubie::test
