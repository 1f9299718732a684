// The kernels whose SASS the fp64 check reads: Lorenz with classical_rk4 and
// dormand_prince_54 in float, as the Solver instantiates them.
#include "cubie/backends/cuda/integrate_kernel.cuh"
#include "cubie/integrate/methods/classical_rk4.hpp"
#include "cubie/integrate/methods/dormand_prince_54.hpp"
#include "cubie/systems/lorenz.hpp"

template __global__ void cubie::cuda::integrate_kernel<cubie::methods::classical_rk4, cubie::systems::lorenz, float>(
    const cubie::batch_args<float>);
template __global__ void cubie::cuda::integrate_kernel<cubie::methods::dormand_prince_54, cubie::systems::lorenz,
                                                       float>(const cubie::batch_args<float>);
