// tests/integrate/rosenbrock_convergence_test.cpp
// Observed order of the lower-order Rosenbrock methods with fixed steps through the Solver
// (cpu backend, SIMD packs, Jacobians from dual numbers). Smooth: the nonlinear,
// non-autonomous order problem, slope within 0.3 of the classical order (Jacobian, df/dt and
// stage times must all be exact). Stiff: Prothero-Robinson with L = -1e6, where the observed
// order must be the one the method's stiff analysis gives (rosenbrock_tableau_test.cpp
// derives it from the coefficients): 2 for all three. (rodas4p and rodas5p:
// rosenbrock_convergence_high_test.cpp; two files so the instantiations build in parallel.)
#include "cubie/batch/make_system.hpp"
#include "cubie/integrate/methods/rosenbrock_methods.hpp"
#include "rosenbrock_orders.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

const std::shared_ptr<const compiled_system>& problem_system() {
  static const auto sys =
      make_system<order_and_prothero_robinson, m::method_list<m::rosenbrock23_sciml, m::ros3p, m::rodas3p>, double>();
  return sys;
}

TEST(RosenbrockConvergence, Rosenbrock23) {
  check_rosenbrock_order(problem_system(), "rosenbrock23_sciml", 2, 2.0, {64, 128, 256, 512}, false);
  check_rosenbrock_order(problem_system(), "rosenbrock23_sciml", 2, 1.0, {12, 24, 48, 96}, true);
}
TEST(RosenbrockConvergence, Ros3p) {
  check_rosenbrock_order(problem_system(), "ros3p", 3, 2.0, {32, 64, 128, 256}, false);
  check_rosenbrock_order(problem_system(), "ros3p", 2, 1.0, {12, 24, 48, 96}, true);
}
TEST(RosenbrockConvergence, Rodas3p) {
  check_rosenbrock_order(problem_system(), "rodas3p", 3, 2.0, {32, 64, 128, 256}, false);
  check_rosenbrock_order(problem_system(), "rodas3p", 2, 1.0, {12, 24, 48, 96}, true);
}

// In float the same machinery, with errors kept above float's resolution.
TEST(RosenbrockConvergence, Rodas3pFloat) {
  static const auto sys = make_system<order_and_prothero_robinson, m::method_list<m::rodas3p>, float>();
  check_rosenbrock_order(sys, "rodas3p", 3, 2.0, {8, 16, 32}, false, precision::float32);
}

}  // namespace
