// The CUDA translation unit of the DIRK GPU test: Robertson with kvaerno5,
// l_stable_sdirk_4 and radau_iia_5 (the FIRK family) in double (Jacobians from dual numbers, Newton iterations per thread), and
// the sqrt decay whose backward Euler runs with a large fixed step diverge.
#include "cubie/batch/make_system.hpp"
#include "cubie/integrate/methods/newton_methods.hpp"
#include "stiff_systems.hpp"

namespace cubie::test {

std::shared_ptr<const compiled_system> robertson_dirk_gpu_system() {
  static const auto sys =
      make_system<robertson, methods::method_list<methods::kvaerno5, methods::l_stable_sdirk_4, methods::radau_iia_5>,
                  double>();
  return sys;
}

std::shared_ptr<const compiled_system> sqrt_decay_dirk_gpu_system() {
  static const auto sys = make_system<sqrt_decay, methods::method_list<methods::backwards_euler>, double>();
  return sys;
}

}  // namespace cubie::test
