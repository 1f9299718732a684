// The kernels whose SASS the fp64 check reads: Lorenz, and an oscillator driven by an
// interpolated signal, with classical_rk4 and dormand_prince_54 in float, as the Solver
// instantiates them; and classical_rk4's one-path kernels (integrate_path_kernel), as the
// model compiler builds them through NVRTC.
#include "cubie/backends/cuda/integrate_kernel.cuh"
#include "cubie/integrate/methods/classical_rk4.hpp"
#include "cubie/integrate/methods/dormand_prince_54.hpp"
#include "cubie/systems/lorenz.hpp"

template __global__ void cubie::cuda::integrate_kernel<cubie::methods::classical_rk4, cubie::systems::lorenz, float>(
    const cubie::batch_args<float>);
template __global__ void cubie::cuda::integrate_kernel<cubie::methods::dormand_prince_54, cubie::systems::lorenz,
                                                       float>(const cubie::batch_args<float>);

// A driven system (issue 10): x'' + 0.1 x' + x = A u(t), u an interpolated driver. Its float
// kernels must evaluate the driver in float: per stage a float position, piece and
// polynomial (the double-precision time stays the loop's alone).
namespace cubie::sass_test {
template <class S>
struct driven_oscillator {
  static constexpr int n_states = 2, n_parameters = 1, n_observables = 0, n_drivers = 1;
  static constexpr const char* name = "driven_oscillator";
  static constexpr const char* state_names = "x,v";
  static constexpr const char* parameter_names = "A";
  static constexpr const char* observable_names = "";
  static constexpr const char* driver_names = "u";
  CUBIE_HD void rhs(S, const S* y, const S* p, const S* u, S* dydt) const {
    dydt[0] = y[1];
    dydt[1] = p[0] * u[0] - S(0.1) * y[1] - y[0];
  }
};
}  // namespace cubie::sass_test

template __global__ void cubie::cuda::integrate_kernel<cubie::methods::classical_rk4,
                                                       cubie::sass_test::driven_oscillator, float>(
    const cubie::batch_args<float>);
template __global__ void cubie::cuda::integrate_kernel<cubie::methods::dormand_prince_54,
                                                       cubie::sass_test::driven_oscillator, float>(
    const cubie::batch_args<float>);

// The one-path kernels of model files (NVRTC builds the general loop and the fixed-count path
// as separate programs for right-hand sides that read neither t nor drivers; the others keep
// both paths in one kernel: compiled alone, the driven oscillator's fixed-count path kept 3
// loop-invariant fp64 conversions in its loop): each path keeps to the same bounds on its own.
template __global__ void cubie::cuda::integrate_path_kernel<cubie::methods::classical_rk4, cubie::systems::lorenz, float,
                                                            0u, cubie::loop_paths::general>(const cubie::batch_args<float>);
template __global__ void cubie::cuda::integrate_path_kernel<cubie::methods::classical_rk4, cubie::systems::lorenz, float,
                                                            0u, cubie::loop_paths::fixed_count>(
    const cubie::batch_args<float>);
