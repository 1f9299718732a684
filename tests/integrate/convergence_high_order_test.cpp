// tests/integrate/convergence_high_order_test.cpp
// Observed convergence order of the methods of order 5 to 8 with fixed steps through the
// Solver (cpu backend) in double. Spans and steps keep the error between about 1e-5 and
// 1e-12: asymptotic, yet far above rounding (which would flatten the slope).
#include "convergence_common.hpp"
#include "cubie/batch/make_system.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

using high_methods =
    m::method_list<m::fehlberg_45, m::cash_karp_54, m::dormand_prince_54, m::tsit5, m::vern7, m::dormand_prince_853>;

const std::shared_ptr<const compiled_system>& problem_system() {
  static const auto sys = make_system<order_problem, high_methods, double>();
  return sys;
}

TEST(ConvergenceOrder, Fehlberg45Double) {
  check_order(problem_system(), {"fehlberg_45", 5, 4.0, {16, 32, 64, 128}}, precision::float64);
}
TEST(ConvergenceOrder, CashKarp54Double) {
  check_order(problem_system(), {"cash_karp_54", 5, 4.0, {16, 32, 64, 128}}, precision::float64);
}
TEST(ConvergenceOrder, DormandPrince54Double) {
  check_order(problem_system(), {"dormand_prince_54", 5, 4.0, {16, 32, 64, 128}}, precision::float64);
}
TEST(ConvergenceOrder, Tsit5Double) {
  check_order(problem_system(), {"tsit5", 5, 4.0, {16, 32, 64, 128}}, precision::float64);
}
// Verner's "most efficient" pair has very small principal (order-8) error coefficients: on
// the nonlinear rigid body its error falls like h^8 down to rounding (about 1e-13), so the
// nominal order shows only where the h^8 terms stay small beside the h^7 ones: on the
// non-autonomous v' = v cos(t) over a long span. The nonlinear study is still run, and its
// order must be at least nominal.
TEST(ConvergenceOrder, Vern7Double) {
  check_order(problem_system(), {"vern7", 7, 60.0, {256, 512, 1024}, exp_sin}, precision::float64);
}
TEST(ConvergenceOrder, Vern7NonlinearAtLeastNominal) {
  const double slope = check_order(problem_system(), {"vern7", 7, 8.0, {16, 32, 64}}, precision::float64, false);
  EXPECT_GE(slope, 7 - 0.3);
}
TEST(ConvergenceOrder, DormandPrince853Double) {
  check_order(problem_system(), {"dormand_prince_853", 8, 8.0, {16, 24, 32, 48}}, precision::float64);
}

}  // namespace
