// tests/integrate/dirk_convergence_test.cpp
// Observed order of every DIRK method (the three with four or more stages in
// dirk_convergence_high_test.cpp) with fixed steps through the Solver (cpu backend, SIMD
// packs, Jacobians from dual numbers, Newton iterations to tight tolerances). Smooth: the
// nonlinear, non-autonomous order problem, slope within 0.3 of the classical order. Stiff:
// Prothero-Robinson with L = -1e6, where stiffly accurate methods show their stage order q
// (the stage equations' error O(h^(q+1)) divided by h L): 1 for backward Euler and the
// SDIRKs, whose first stage is implicit, 2 for the ESDIRKs (their explicit first stage makes
// the stage order 2). The ESDIRKs and backward Euler show it from |h L| = 1e5 down; the
// SDIRKs' error is still in transition there (slopes 0.3-0.6 at n = 12..96) and settles from
// n = 100 (|h L| = 1e4 to 1.25e3).
#include "cubie/batch/make_system.hpp"
#include "cubie/integrate/methods/newton_methods.hpp"
#include "rosenbrock_orders.hpp"

#include <string>

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

// The methods of up to three stages; kvaerno3, l_stable_sdirk_4 and kvaerno5 are in
// dirk_convergence_high_test.cpp, a translation unit of its own so that the two build in
// parallel (each method's entry point costs build time: bench/RESULTS.md, "CI build time").
const std::shared_ptr<const compiled_system>& problem_system() {
  using low_dirks = m::method_list<m::backwards_euler, m::backwards_euler_pc, m::implicit_midpoint,
                                   m::trapezoidal_dirk, m::crank_nicolson, m::sdirk_2_2, m::l_stable_dirk_3>;
  static const auto sys = make_system<order_and_prothero_robinson, low_dirks, double>();
  return sys;
}

TEST(DirkConvergence, BackwardsEuler) {
  check_rosenbrock_order(problem_system(), "backwards_euler", 1, 1.0, {64, 128, 256, 512}, false, precision::float64, 1e-13);
  check_rosenbrock_order(problem_system(), "backwards_euler", 1, 1.0, {12, 24, 48, 96}, true, precision::float64, 1e-13);
}
TEST(DirkConvergence, BackwardsEulerPc) {
  check_rosenbrock_order(problem_system(), "backwards_euler_pc", 1, 1.0, {64, 128, 256, 512}, false, precision::float64, 1e-13);
}
TEST(DirkConvergence, ImplicitMidpoint) {
  check_rosenbrock_order(problem_system(), "implicit_midpoint", 2, 1.0, {32, 64, 128, 256}, false, precision::float64, 1e-13);
}
TEST(DirkConvergence, TrapezoidalDirk) {
  check_rosenbrock_order(problem_system(), "trapezoidal_dirk", 2, 1.0, {32, 64, 128, 256}, false, precision::float64, 1e-13);
}
TEST(DirkConvergence, CrankNicolson) {
  check_rosenbrock_order(problem_system(), "crank_nicolson", 2, 1.0, {32, 64, 128, 256}, false, precision::float64, 1e-13);
}
TEST(DirkConvergence, Sdirk22) {
  check_rosenbrock_order(problem_system(), "sdirk_2_2", 2, 1.0, {32, 64, 128, 256}, false, precision::float64, 1e-13);
  check_rosenbrock_order(problem_system(), "sdirk_2_2", 1, 1.0, {100, 200, 400, 800}, true, precision::float64, 1e-13);
}
TEST(DirkConvergence, LStableDirk3) {
  check_rosenbrock_order(problem_system(), "l_stable_dirk_3", 3, 2.0, {32, 64, 128, 256}, false, precision::float64, 1e-13);
  check_rosenbrock_order(problem_system(), "l_stable_dirk_3", 1, 1.0, {100, 200, 400, 800}, true, precision::float64, 1e-13);
}

// The tableaus themselves: nodes are row sums, weights sum to 1, the estimate weights to 0
// (both solutions consistent), and the diagonal is shared (one factorisation) except for
// crank_nicolson's backward Euler estimate.
TEST(DirkTableau, ConsistentCoefficients) {
  [&]<class... M>(m::method_list<M...>) {
    auto check = []<class Method>(Method) {
      constexpr auto t = Method::tableau;
      constexpr int S = decltype(t)::stages;
      double bsum = 0, esum = 0;
      for (int i = 0; i < S; ++i) {
        double row = 0;
        for (int j = 0; j <= i; ++j) row += t.a[i][j];
        for (int j = i + 1; j < S; ++j) EXPECT_EQ(t.a[i][j], 0.0) << Method::name << " is not lower triangular";
        EXPECT_NEAR(row, t.c[i], 1e-14) << Method::name << " stage " << i;
        bsum += t.b[i];
        esum += t.e[i];
      }
      EXPECT_NEAR(bsum, 1.0, 1e-14) << Method::name;
      EXPECT_NEAR(esum, 0.0, 1e-14) << Method::name;
      EXPECT_EQ(cubie::has_error_estimate(t), t.error_order > 0) << Method::name;
      EXPECT_EQ(cubie::several_diagonals(t), std::string(Method::name) == "crank_nicolson") << Method::name;
    };
    (check(M{}), ...);
  }(m::dirk_methods{});
}

}  // namespace
