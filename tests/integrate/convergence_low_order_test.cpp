// tests/integrate/convergence_low_order_test.cpp
// Observed convergence order of the methods of order 1 to 4 with fixed steps through the
// Solver (cpu backend), in double and, where float resolution leaves room, in float.
#include "convergence_common.hpp"
#include "cubie/batch/make_system.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

using low_methods = m::method_list<m::euler, m::heun_21, m::ralston_33, m::bogacki_shampine_32, m::classical_rk4>;

const std::shared_ptr<const compiled_system>& problem_system() {
  static const auto sys = make_system<order_problem, low_methods, float, double>();
  return sys;
}

// bogacki_shampine_32 propagates exactly Ralston's third-order method (its fourth stage only
// serves the estimate), so the two show the same errors.
TEST(ConvergenceOrder, EulerDouble) {
  check_order(problem_system(), {"euler", 1, 2.0, {256, 512, 1024, 2048}}, precision::float64);
}
TEST(ConvergenceOrder, Heun21Double) {
  check_order(problem_system(), {"heun_21", 2, 2.0, {64, 128, 256, 512}}, precision::float64);
}
TEST(ConvergenceOrder, Ralston33Double) {
  check_order(problem_system(), {"ralston_33", 3, 2.0, {32, 64, 128, 256}}, precision::float64);
}
TEST(ConvergenceOrder, BogackiShampine32Double) {
  check_order(problem_system(), {"bogacki_shampine_32", 3, 2.0, {32, 64, 128, 256}}, precision::float64);
}
TEST(ConvergenceOrder, ClassicalRk4Double) {
  check_order(problem_system(), {"classical_rk4", 4, 2.0, {16, 32, 64, 128}}, precision::float64);
}

TEST(ConvergenceOrder, EulerFloat) {
  check_order(problem_system(), {"euler", 1, 2.0, {32, 64, 128, 256}}, precision::float32);
}
TEST(ConvergenceOrder, Heun21Float) {
  check_order(problem_system(), {"heun_21", 2, 2.0, {16, 32, 64, 128}}, precision::float32);
}
TEST(ConvergenceOrder, Ralston33Float) {
  check_order(problem_system(), {"ralston_33", 3, 2.0, {8, 16, 32}}, precision::float32);
}
TEST(ConvergenceOrder, BogackiShampine32Float) {
  check_order(problem_system(), {"bogacki_shampine_32", 3, 2.0, {8, 16, 32}}, precision::float32);
}
TEST(ConvergenceOrder, ClassicalRk4Float) {
  check_order(problem_system(), {"classical_rk4", 4, 2.0, {4, 8, 16}}, precision::float32);
}

}  // namespace
