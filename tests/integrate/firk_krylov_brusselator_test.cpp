// tests/integrate/firk_krylov_brusselator_test.cpp
// Radau IIA 5 through the matrix-free linear solvers on the 1-D Brusselator
// (brusselator_systems.hpp; cpu backend, SIMD packs, dual-number Jacobian-vector products):
// as accurate with every Krylov method as with its LU against a tight-tolerance solve (16
// states, double and float); iteration_counters count Krylov iterations; a krylov_max_iters
// too small ends a fixed-step run with status 4; and 100 states without a direct solver
// refuse linear_solver = direct and solve matrix-free by default. Gauss-Legendre 2 and 4 on
// the same Brusselator: firk_krylov_gauss_legendre_test.cpp (a translation unit of its own,
// so the two build in parallel).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "brusselator_systems.hpp"
#include "cubie/batch/make_system.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/status.hpp"
#include "cubie/integrate/methods/newton_methods.hpp"
#include "krylov_test_common.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

const std::vector<double>& alphas = brusselator_alphas;

// radau_iia_5 alone, in both precisions (the float test below uses it).
const std::shared_ptr<const compiled_system>& bruss16_system() {
  static const auto sys = make_system<bruss16, m::method_list<m::radau_iia_5>>();
  return sys;
}

SolveResult solve_bruss16(const solver_settings& s, double duration = 10.0) {
  return solve_brusselator(bruss16_system(), s, 8, duration);
}

void radau_brusselator(precision prec, double tol) {
  // The reference: radau with its LU in double at a 1e-4 times tighter tolerance.
  const SolveResult ref = solve_bruss16(settings("radau", "direct", tol * 1e-4, {tol * 1e-4}));
  const SolveResult lu = solve_bruss16(settings("radau", "direct", tol, {tol}, prec));
  const double lu_error = brusselator_difference(lu, ref, 8, tol);
  for (const char* linear : krylov_solvers) {
    const SolveResult k = solve_bruss16(settings("radau", linear, tol, {tol}, prec));
    for (std::size_t r = 0; r < alphas.size(); ++r) ASSERT_EQ(k.status()[r], 0u) << linear << " alpha " << alphas[r];
    const double e = brusselator_difference(k, ref, 8, tol);
    std::printf("radau_iia_5 %-16s Brusselator 16, %s, tol %g: error %.3g tolerances (LU %.3g), steps %u (LU %u)\n",
                linear, prec == precision::float32 ? "float32" : "float64", tol, e, lu_error, k.steps_accepted()[3],
                lu.steps_accepted()[3]);
    expect_as_accurate(e, lu_error, linear);
  }
}

TEST(FirkKrylov, BrusselatorRadauDouble) { radau_brusselator(precision::float64, 1e-6); }
TEST(FirkKrylov, BrusselatorRadauFloat) { radau_brusselator(precision::float32, 1e-4); }

// iteration_counters: matrix-free, the linear count is the Krylov iterations (at least one per
// block per Newton iteration: radau has a real and a complex block); with the LU it is one
// solve per block per iteration, exactly twice the Newton count.
TEST(FirkKrylov, IterationCountersCountKrylovIterations) {
  auto counters = [&](const char* linear) {
    solver_settings s = settings("radau", linear, 1e-6, {1e-6});
    Solver solver(bruss16_system(), s);
    solve_spec spec;
    spec.duration = 10.0;
    spec.output_types = std::vector<std::string>{"state", "iteration_counters"};
    spec.save_every = 5.0;
    const SolveResult r = solver.solve(brusselator_start(8, int(alphas.size())), {{"alpha", alphas}}, spec);
    EXPECT_TRUE(r.has_iteration_counters());
    std::vector<double> newton(alphas.size()), lin(alphas.size());
    const std::size_t runs = alphas.size(), saves = r.iteration_counters().size() / (4 * runs);
    for (std::size_t save = 0; save < saves; ++save) {
      for (std::size_t run = 0; run < runs; ++run) {
        newton[run] += r.iteration_counters()[(save * 4 + 0) * runs + run];
        lin[run] += r.iteration_counters()[(save * 4 + 1) * runs + run];
      }
    }
    return std::pair{newton, lin};
  };
  const auto [lu_newton, lu_linear] = counters("direct");
  for (std::size_t run = 0; run < alphas.size(); ++run) {
    EXPECT_GT(lu_newton[run], 0.0);
    EXPECT_EQ(lu_linear[run], 2.0 * lu_newton[run]) << "run " << run;
  }
  for (const char* linear : {"gmres", "bicgstab", "minimal_residual"}) {
    const auto [newton, lin] = counters(linear);
    for (std::size_t run = 0; run < alphas.size(); ++run) {
      std::printf("radau_iia_5 %-16s alpha %-4g: %.0f Newton, %.0f Krylov iterations (LU: %.0f Newton)\n", linear,
                  alphas[run], newton[run], lin[run], lu_newton[run]);
      EXPECT_GT(newton[run], 0.0) << linear;
      EXPECT_GE(lin[run], 2.0 * newton[run]) << linear << " run " << run;
    }
  }
}

// A stiff run whose fixed step needs more Krylov iterations than allowed ends with status 4
// (linear solver out of iterations); the solve returns.
TEST(FirkKrylov, TooFewKrylovIterationsEndWithStatus4) {
  expect_too_few_krylov_iterations_end_with_status_4(bruss16_system(), "radau_iia_5");
}

// 100 states without a sparse LU: no direct solver is built, radau refuses it by name and
// solves matrix-free by default (bicgstab); the steady state at strong diffusion is u = 1, v = 3.
TEST(FirkKrylov, LargeSystemSolvesMatrixFreeOnly) {
  static const auto sys = make_system<bruss100, m::method_list<m::radau_iia_5>, double>();
  EXPECT_FALSE(sys->info.direct_linear_solver);
  solver_settings s = settings("radau", "direct", 1e-6, {1e-6});
  try {
    Solver refused(sys, s);
    ADD_FAILURE() << "linear_solver = direct was accepted for 100 states without a sparse LU";
  } catch (const invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("linear_solver = direct"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("gmres"), std::string::npos) << e.what();
  }
  s.linear_solver.reset();
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = 10.0;
  const SolveResult r = solver.solve(brusselator_start(50, 2), {{"alpha", {0.02, 0.5}}}, spec);
  EXPECT_EQ(r.status()[0], 0u);
  EXPECT_EQ(r.status()[1], 0u);
  EXPECT_NEAR(r.final_values("u25")[1], 1.0, 1e-3);
  EXPECT_NEAR(r.final_values("v25")[1], 3.0, 1e-3);
}

}  // namespace
