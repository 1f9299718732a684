// The C++ Lorenz for the GPU comparison: a CUDA translation unit, so make_system
// instantiates the nvcc-compiled kernels (see the header).
#include "cpp_lorenz_systems.hpp"

#include "cubie/batch/make_system.hpp"
#include "cubie/systems/lorenz.hpp"

namespace cubie::bench {

namespace {

// cubie::systems::lorenz under a name of this translation unit's own, so that these
// instantiations never merge with cpp_lorenz_cpu.cpp's at link time (see there).
template <class S>
struct lorenz_gpu_tu : systems::lorenz<S> {};

}  // namespace

std::shared_ptr<const compiled_system> cpp_lorenz_gpu() {
  namespace m = methods;
  static const auto sys = make_system<lorenz_gpu_tu, m::method_list<m::classical_rk4, m::dormand_prince_54>, float>();
  return sys;
}

}  // namespace cubie::bench
