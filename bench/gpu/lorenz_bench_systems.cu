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

}  // namespace cubie::bench
