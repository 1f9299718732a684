// tests/batch/summary_gpu_system.cu: the summary GPU test's kernels (see summary_gpu_test.cpp):
// Lorenz with dormand_prince_54 and classical_rk4 in float and double, summary kernels for
// every group and for [max, mean, peaks[n]].
#include "cubie/batch/make_system.hpp"
#include "cubie/systems/lorenz.hpp"
#include "summary_test_system.hpp"

namespace cubie::test {

const std::shared_ptr<const compiled_system>& lorenz_summary_gpu_system() {
  static const auto sys =
      make_system<systems::lorenz, methods::method_list<methods::dormand_prince_54, methods::classical_rk4>, float,
                  double>(summary_entries<summary_group::all, max_mean_peaks_groups>{});
  return sys;
}

}  // namespace cubie::test
