// The C++ Lorenz for the CPU comparison, in a translation unit of its own (see the header).
#include "cpp_lorenz_systems.hpp"

#include "cubie/batch/make_system.hpp"
#include "cubie/systems/lorenz.hpp"

namespace cubie::bench {

namespace {

// cubie::systems::lorenz under a name of this translation unit's own. With CUDA on, the
// program also instantiates make_system<systems::lorenz, ...> in cpp_lorenz_gpu.cu; the
// two instantiations (and their CPU entries cpu::integrate_range<...>) would have the same
// mangled names, and the linker would keep one of them: possibly nvcc's host code, which
// has no -march flags and one SIMD lane (17x slower here and not bit-identical). Internal
// linkage keeps each translation unit's instantiations its own.
template <class S>
struct lorenz_cpu_tu : systems::lorenz<S> {};

}  // namespace

std::shared_ptr<const compiled_system> cpp_lorenz_cpu() {
  namespace m = methods;
  static const auto sys = make_system<lorenz_cpu_tu, m::method_list<m::classical_rk4, m::dormand_prince_54>, float>();
  return sys;
}

}  // namespace cubie::bench
