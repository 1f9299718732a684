// bench/stiff/krylov_cxx/bench_systems.hpp
// The compiled Brusselator systems of krylov_cxx_bench, one per (cells, method, precision,
// compiler), each registered by its own translation unit (system_instance.hpp) so the build
// spreads them over the cores; main() finds them here.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "cubie/execution/compiled_system.hpp"

namespace cubie::bench {

struct bench_system {
  int cells = 0;
  std::string method;
  precision prec = precision::float64;
  bool nvcc = false;  // compiled by nvcc: GPU kernels and scalar CPU entries; else g++: SIMD packs
  std::string variant;  // "": the build's own switches; else a set of the large-system switches (CMake)
  std::function<std::shared_ptr<const compiled_system>()> make;
};

inline std::vector<bench_system>& bench_systems() {
  static std::vector<bench_system> all;
  return all;
}

struct register_bench_system {
  explicit register_bench_system(bench_system s) { bench_systems().push_back(std::move(s)); }
};

}  // namespace cubie::bench
