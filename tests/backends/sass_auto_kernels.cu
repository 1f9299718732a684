// The kernels of algorithm = "auto" whose SASS the fp64 check reads (sass_check.py --auto):
// Van der Pol in float, the explicit first pass of two and the one kernel holding both
// methods (also the second pass), as C++ systems instantiate them (both loop paths) and as the
// NVRTC model compiler builds them (the general loop alone: auto never takes the fixed-count path). Their float steps,
// stiffness test and controller are float; only the loop's time is double.
#include "cubie/backends/cuda/integrate_kernel.cuh"
#include "cubie/integrate/methods/auto_switch.hpp"

namespace cubie::sass_test {
/// x' = y, y' = mu (1 - x^2) y - x (tests/stiff_systems.hpp's, repeated so this file needs
/// only the include directory).
template <class S>
struct van_der_pol {
  static constexpr int n_states = 2, n_parameters = 1, n_observables = 0;
  static constexpr const char* name = "van_der_pol";
  static constexpr const char* state_names = "x,y";
  static constexpr const char* parameter_names = "mu";
  static constexpr const char* observable_names = "";
  static constexpr bool autonomous = true;
  CUBIE_HD CUBIE_FORCEINLINE void rhs(S, const S* y, const S* p, S* f) const {
    f[0] = y[1];
    f[1] = p[0] * (S(1.0) - y[0] * y[0]) * y[1] - y[0];
  }
};
}  // namespace cubie::sass_test

template __global__ void cubie::cuda::integrate_kernel<cubie::methods::auto_switch_explicit_pass,
                                                       cubie::sass_test::van_der_pol, float>(
    const cubie::batch_args<float>);
template __global__ void cubie::cuda::integrate_kernel<cubie::methods::auto_switch, cubie::sass_test::van_der_pol,
                                                       float>(const cubie::batch_args<float>);
template __global__ void cubie::cuda::integrate_path_kernel<cubie::methods::auto_switch_explicit_pass,
                                                            cubie::sass_test::van_der_pol, float, 0u,
                                                            cubie::loop_paths::general>(const cubie::batch_args<float>);
template __global__ void cubie::cuda::integrate_path_kernel<cubie::methods::auto_switch, cubie::sass_test::van_der_pol,
                                                            float, 0u, cubie::loop_paths::general>(
    const cubie::batch_args<float>);
