// tests/integrate/firk_krylov_gauss_legendre_test.cpp
// Gauss-Legendre 2 and 4 (one real stage; one complex pair) through the matrix-free linear
// solvers on the 1-D Brusselator with 8 cells (brusselator_systems.hpp; cpu backend, SIMD
// packs, dual-number Jacobian-vector products), float64: with fixed steps every Krylov method
// lands within the Newton tolerance of the LU's answer, and a krylov_max_iters too small ends
// a run with status 4. Radau IIA 5 on the same Brusselator: firk_krylov_brusselator_test.cpp.
#include <gtest/gtest.h>

#include <cstdio>
#include <vector>

#include "brusselator_systems.hpp"
#include "cubie/batch/make_system.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/integrate/methods/newton_methods.hpp"
#include "krylov_test_common.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

// float64 only: the float path of the FIRK Krylov solves is radau's test's.
const std::shared_ptr<const compiled_system>& bruss16_system() {
  using gauss_legendre = m::method_list<m::firk_gauss_legendre_2, m::firk_gauss_legendre_4>;
  static const auto sys = make_system<bruss16, gauss_legendre, double>();
  return sys;
}

SolveResult solve_bruss16(const solver_settings& s, double duration) {
  return solve_brusselator(bruss16_system(), s, 8, duration);
}

// Gauss-Legendre with fixed steps: the same steps with either linear solver, so the answers
// differ only by the Newton iterations' errors (tolerances 1e-10 here), which add up over the
// 128 steps: at most 128 x 1e-10 (measured 11-33 x 1e-10 on 2026-12-04; a wrong linear solve
// would leave the discretisation error, 1e-4 and more, or fail Newton).
TEST(FirkKrylov, GaussLegendreFixedStepsMatchTheLU) {
  for (const char* method : {"firk_gauss_legendre_2", "firk_gauss_legendre_4"}) {
    auto fixed = [&](const char* linear) {
      solver_settings s = settings(method, linear, 1e-6, {1e-6});
      s.step_controller = "fixed";
      s.dt = 1.0 / 64;
      s.newton_atol = s.newton_rtol = 1e-10;
      s.newton_max_iters = 20;
      return solve_bruss16(s, 2.0);
    };
    const SolveResult lu = fixed("direct");
    for (const char* linear : krylov_solvers) {
      const SolveResult k = fixed(linear);
      for (std::size_t r = 0; r < brusselator_alphas.size(); ++r)
        ASSERT_EQ(k.status()[r], 0u) << method << " " << linear;
      const double d = brusselator_difference(k, lu, 8, 1e-10);
      std::printf("%-22s %-16s Brusselator 16, 128 fixed steps: difference from the LU %.3g x 1e-10\n", method,
                  linear, d);
      EXPECT_LE(d, 128.0) << method << " " << linear;
    }
  }
}

TEST(FirkKrylov, GaussLegendre4TooFewKrylovIterationsEndWithStatus4) {
  expect_too_few_krylov_iterations_end_with_status_4(bruss16_system(), "firk_gauss_legendre_4");
}

}  // namespace
