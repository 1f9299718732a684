// tests/bit_identity/bit_identity_systems.hpp
// The compiled forced_lorenz systems of the bit-identity suite, and a merge of two
// single-precision systems into one.
#pragma once
#include <memory>

#include "cubie/execution/compiled_system.hpp"

namespace cubie::test {

std::shared_ptr<const compiled_system> simd_system_float();
std::shared_ptr<const compiled_system> simd_system_double();
std::shared_ptr<const compiled_system> cuda_system_float();
std::shared_ptr<const compiled_system> cuda_system_double();

/// One system holding the entries of both (same equations, other precisions).
inline std::shared_ptr<const compiled_system> merged(const std::shared_ptr<const compiled_system>& a,
                                                     const std::shared_ptr<const compiled_system>& b) {
  auto out = std::make_shared<compiled_system>(*a);
  out->cpu.insert(b->cpu.begin(), b->cpu.end());
  out->gpu.insert(b->gpu.begin(), b->gpu.end());
  out->cpu_simd_lanes_float = a->cpu.empty() ? b->cpu_simd_lanes_float : a->cpu_simd_lanes_float;
  out->cpu_simd_lanes_double = b->cpu_simd_lanes_double;
  return out;
}

}  // namespace cubie::test
