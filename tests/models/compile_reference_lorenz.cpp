// The C++ Lorenz reference for compile_cpu_test.cpp, in a translation unit of its own.
// Why apart: a user's system lives in a file of its own, and what GCC makes of the core
// depends on the translation unit. With -ffp-contract=fast its fused multiply-adds follow
// its inlining, and the core's static_for lambdas are inlined only while the unit's
// inline budget (--param inline-unit-growth) lasts; a test file's unit exhausts it.
#include "compile_reference_lorenz.hpp"

#include "cubie/batch/make_system.hpp"
#include "cubie/systems/lorenz.hpp"

namespace cubie::test {

std::shared_ptr<const compiled_system> cxx_lorenz_reference() {
  namespace m = methods;
  static const auto sys =
      make_system<systems::lorenz, m::method_list<m::dormand_prince_54, m::classical_rk4>, float, double>();
  return sys;
}

}  // namespace cubie::test
