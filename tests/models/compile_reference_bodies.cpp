// The C++ reference of compile_cpu_test.cpp's four-body tests, in a translation unit of
// its own as a user's system would be (see compile_reference_lorenz.cpp for why).
#include "compile_reference_bodies.hpp"

#include "cubie/batch/make_system.hpp"
#include "four_bodies.hpp"

namespace cubie::test {

std::shared_ptr<const compiled_system> cxx_four_bodies_reference() {
  namespace m = methods;
  static const auto sys = [] {
    // Two method/precision pairs only: each instantiation of a 16-state system costs build time.
    auto f64 = make_system<generated_four_bodies, m::method_list<m::dormand_prince_54>, double>();
    auto f32 = make_system<generated_four_bodies, m::method_list<m::classical_rk4>, float>();
    auto both = std::make_shared<compiled_system>(*f64);
    both->cpu.insert(f32->cpu.begin(), f32->cpu.end());
    both->cpu_simd_lanes_float = f32->cpu_simd_lanes_float;
    return std::shared_ptr<const compiled_system>(both);
  }();
  return sys;
}

}  // namespace cubie::test
