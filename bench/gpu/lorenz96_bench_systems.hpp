// bench/gpu/lorenz96_bench_systems.hpp
// Lorenz-96 with 40 states, the GPU benchmarks' large system (issue 3 item 1: per-run state in
// registers or in local memory?): the same kernels built with the default launch bounds and
// with the register cap of __launch_bounds__(128, MinBlocks).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "cubie/execution/compiled_system.hpp"

namespace cubie::bench {

/// One build of the Lorenz-96 kernels (classical_rk4 and dormand_prince_54, float32).
struct lorenz96_variant {
  std::string label;       ///< "default", or "lb(128,N)" for __launch_bounds__(128, N)
  int min_blocks = 0;      ///< the __launch_bounds__ minimum blocks per SM; 0 = none given
  std::shared_ptr<const compiled_system> system;
};

/// The default build first, then min_blocks 4 (<= 128 registers) and 8 (<= 64 registers).
[[nodiscard]] std::vector<lorenz96_variant> lorenz96_variants();

}  // namespace cubie::bench
