// Every kernel the GPU benchmarks launch.
#include "cubie/batch/make_system.hpp"
#include "cubie/systems/lorenz.hpp"
#include "lorenz_bench_systems.hpp"

namespace cubie::bench {

std::shared_ptr<const compiled_system> lorenz_float_system() {
  static const auto sys = make_system<
      systems::lorenz,
      methods::method_list<methods::classical_rk4, methods::dormand_prince_54, methods::cash_karp_54>, float>();
  return sys;
}

std::shared_ptr<const compiled_system> lorenz_double_system() {
  static const auto sys =
      make_system<systems::lorenz, methods::method_list<methods::dormand_prince_54>, double>();
  return sys;
}

std::shared_ptr<const compiled_system> lorenz_float_summary_system() {
  static const auto sys = make_system<systems::lorenz, methods::method_list<methods::classical_rk4>, float>(
      summary_entries<sum_bench_groups, summary_group::all>{});
  return sys;
}

std::shared_ptr<const compiled_system> lorenz_float_summary_system_bounded() {
  static const auto sys = [] {
    auto cs = std::make_shared<compiled_system>(*lorenz_float_summary_system());
    cs->gpu_summaries.clear();
    cs->gpu_summaries.emplace(
        summary_entry_key{methods::classical_rk4::name, precision::float32, sum_bench_groups},
        gpu_kernel{reinterpret_cast<const void*>(
                       &cuda::integrate_kernel_min_blocks<methods::classical_rk4, systems::lorenz, float, 8,
                                                          sum_bench_groups>),
                   "classical_rk4<float> with summaries, min_blocks 8", nullptr});
    return std::shared_ptr<const compiled_system>(cs);
  }();
  return sys;
}

}  // namespace cubie::bench
