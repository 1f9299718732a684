// Lorenz-96 (40 states, forcing F per run) for the GPU benchmarks, in its own CUDA translation
// unit so that it builds beside the Lorenz kernels.
//   dx_i/dt = (x_{i+1} - x_{i-2}) x_{i-1} - x_i + F,  indices mod 40.
#include "cubie/batch/make_system.hpp"
#include "lorenz96_bench_systems.hpp"

namespace cubie::bench {

template <class S>
struct lorenz96 {
  static constexpr int n_states = 40;
  static constexpr int n_parameters = 1;
  static constexpr int n_observables = 0;
  static constexpr const char* name = "lorenz96";
  static constexpr const char* state_names = "x0,x1,x2,x3,x4,x5,x6,x7,x8,x9,x10,x11,x12,x13,x14,x15,x16,x17,x18,x19,x20,x21,x22,x23,x24,x25,x26,x27,x28,x29,x30,x31,x32,x33,x34,x35,x36,x37,x38,x39";
  static constexpr const char* parameter_names = "F";
  static constexpr const char* observable_names = "";

  CUBIE_HD CUBIE_FORCEINLINE void rhs(S /*t*/, const S* y, const S* p, S* dydt) const {
    CUBIE_UNROLL
    for (int i = 0; i < n_states; ++i) {
      dydt[i] = (y[(i + 1) % n_states] - y[(i + n_states - 2) % n_states]) * y[(i + n_states - 1) % n_states] - y[i] + p[0];
    }
  }
};

namespace {

using lorenz96_methods = methods::method_list<methods::classical_rk4, methods::dormand_prince_54>;

template <int MinBlocks, class Method>
gpu_kernel bounded_kernel() {
  return gpu_kernel{reinterpret_cast<const void*>(&cuda::integrate_kernel_min_blocks<Method, lorenz96, float, MinBlocks>),
                    std::string(Method::name) + "<float> min_blocks " + std::to_string(MinBlocks), nullptr};
}

// The default build's names and CPU entries with the kernels of __launch_bounds__(128, MinBlocks).
template <int MinBlocks>
std::shared_ptr<const compiled_system> bounded(const compiled_system& base) {
  auto cs = std::make_shared<compiled_system>(base);
  cs->gpu.clear();
  cs->gpu.emplace(entry_key{methods::classical_rk4::name, precision::float32}, bounded_kernel<MinBlocks, methods::classical_rk4>());
  cs->gpu.emplace(entry_key{methods::dormand_prince_54::name, precision::float32},
                  bounded_kernel<MinBlocks, methods::dormand_prince_54>());
  return cs;
}

}  // namespace

std::vector<lorenz96_variant> lorenz96_variants() {
  static const std::vector<lorenz96_variant> variants = [] {
    const auto base = make_system<lorenz96, lorenz96_methods, float>();
    return std::vector<lorenz96_variant>{{"default", 0, base},
                                         {"lb(128,4)", 4, bounded<4>(*base)},
                                         {"lb(128,8)", 8, bounded<8>(*base)}};
  }();
  return variants;
}

}  // namespace cubie::bench
