// The drivers and events benchmarks' kernels (bench/signals/signals_bench_systems.hpp).
#include "cubie/batch/make_system.hpp"
#include "signals_bench_systems.hpp"

namespace cubie::bench {

signal_bench_systems signal_gpu_systems() {
  using Methods = methods::method_list<methods::classical_rk4, methods::dormand_prince_54>;
  static const signal_bench_systems s{make_system<sine_forced_oscillator, Methods, float, double>(),
                                      make_system<spline_forced_oscillator, Methods, float, double>(),
                                      make_system<bench_bouncing_ball, methods::method_list<methods::dormand_prince_54>,
                                                  float, double>()};
  return s;
}

}  // namespace cubie::bench
