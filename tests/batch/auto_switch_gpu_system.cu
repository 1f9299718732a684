// tests/batch/auto_switch_gpu_system.cu
// The CUDA translation unit of the auto / iteration_counters GPU test: Van der Pol with
// auto_switch and rodas5p in float and double (kernels for the GPU, scalar CPU entries).
#include "cubie/batch/make_system.hpp"
#include "cubie/integrate/methods/auto_switch.hpp"
#include "stiff_systems.hpp"

namespace cubie::test {

std::shared_ptr<const compiled_system> auto_vdp_gpu_system() {
  static const auto sys =
      make_system<van_der_pol, methods::method_list<methods::auto_switch, methods::rodas5p>, float, double>();
  return sys;
}

}  // namespace cubie::test
