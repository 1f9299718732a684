// The only CUDA translation unit of the backend tests: every kernel they launch.
#include "cubie/batch/make_system.hpp"
#include "cubie/systems/lorenz.hpp"
#include "lorenz_systems.hpp"

namespace cubie::test {

namespace {

// Writes through a null pointer: cudaErrorIllegalAddress, which loses the context.
__global__ void faulting_kernel(const batch_args<float> a) {
  if (blockIdx.x == 0 && threadIdx.x == 0) {
    volatile u32* nowhere = nullptr;
    *nowhere = a.outputs[0] == nullptr ? 1u : 2u;
  }
}

}  // namespace

std::shared_ptr<const compiled_system> lorenz_gpu_system() {
  static const auto sys =
      make_system<systems::lorenz, methods::method_list<methods::classical_rk4, methods::dormand_prince_54>, float,
                  double>();
  return sys;
}

std::shared_ptr<const compiled_system> lorenz_faulting_system() {
  auto sys = std::make_shared<compiled_system>(*lorenz_gpu_system());
  sys->gpu[{"classical_rk4", precision::float32}] =
      gpu_kernel{reinterpret_cast<const void*>(&faulting_kernel), "faulting_kernel<float>", nullptr};
  return sys;
}

}  // namespace cubie::test
