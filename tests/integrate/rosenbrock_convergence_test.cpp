// tests/integrate/rosenbrock_convergence_test.cpp
// Observed convergence order of every Rosenbrock method with fixed steps through the Solver
// (cpu backend, SIMD packs, Jacobians from dual numbers) on the smooth nonlinear,
// non-autonomous order problem: the slope must be within 0.3 of the classical order, which
// needs the Jacobian, df/dt and the stage times all exact.
#include "convergence_common.hpp"
#include "cubie/batch/make_system.hpp"
#include "cubie/integrate/methods/rosenbrock_methods.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

const std::shared_ptr<const compiled_system>& problem_system() {
  static const auto sys = make_system<order_problem, m::rosenbrock_methods, double>();
  return sys;
}

TEST(RosenbrockConvergence, Rosenbrock23Double) {
  check_order(problem_system(), {"rosenbrock23_sciml", 2, 2.0, {64, 128, 256, 512}}, precision::float64);
}
TEST(RosenbrockConvergence, Ros3pDouble) {
  check_order(problem_system(), {"ros3p", 3, 2.0, {32, 64, 128, 256}}, precision::float64);
}
TEST(RosenbrockConvergence, Rodas3pDouble) {
  check_order(problem_system(), {"rodas3p", 3, 2.0, {32, 64, 128, 256}}, precision::float64);
}
TEST(RosenbrockConvergence, Rodas4pDouble) {
  check_order(problem_system(), {"rodas4p", 4, 2.0, {32, 64, 128, 256}}, precision::float64);
}
TEST(RosenbrockConvergence, Rodas5pDouble) {
  check_order(problem_system(), {"rodas5p", 5, 4.0, {16, 32, 64, 128}}, precision::float64);
}

// In float the same machinery, with errors kept above float's resolution.
TEST(RosenbrockConvergence, Rodas3pFloat) {
  static const auto sys = make_system<order_problem, m::method_list<m::rodas3p>, float>();
  check_order(sys, {"rodas3p", 3, 2.0, {8, 16, 32}}, precision::float32);
}

}  // namespace
