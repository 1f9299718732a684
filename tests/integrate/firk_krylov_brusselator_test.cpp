// tests/integrate/firk_krylov_brusselator_test.cpp
// The FIRK family through the matrix-free linear solvers on the 1-D Brusselator
// (brusselator_systems.hpp; cpu backend, SIMD packs, dual-number Jacobian-vector products):
// radau_iia_5 with every Krylov method as accurate as with its LU against a tight-tolerance
// solve (16 states, double and float); Gauss-Legendre 2 and 4 with fixed steps within the
// Newton tolerance of the LU's answer; iteration_counters count Krylov iterations; a
// krylov_max_iters too small ends a fixed-step run with status 4; and 100 states without a
// direct solver refuse linear_solver = direct for radau and solve matrix-free by default.
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
#include "firk_krylov_common.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

// alpha from mildly (0.02) to strongly stiff (2).
const std::vector<double> alphas = {0.02, 0.1, 0.5, 2.0};

const std::shared_ptr<const compiled_system>& bruss16_system() {
  static const auto sys = make_system<bruss16, m::firk_methods>();
  return sys;
}

SolveResult solve_bruss16(const solver_settings& s, double duration = 10.0) {
  Solver solver(bruss16_system(), s);
  solve_spec spec;
  spec.duration = duration;
  return solver.solve(brusselator_start(8, int(alphas.size())), {{"alpha", alphas}}, spec);
}

/// Largest difference of the final states, per run, in tolerances of (atol, rtol) = (tol, tol).
double largest_difference(const SolveResult& a, const SolveResult& b, double tol) {
  double worst = 0;
  for (int i = 1; i <= 8; ++i) {
    for (const char* var : {"u", "v"}) {
      const std::string name = var + std::to_string(i);
      for (std::size_t r = 0; r < alphas.size(); ++r) {
        const double x = a.final_values(name)[r], y = b.final_values(name)[r];
        worst = std::max(worst, std::fabs(x - y) / (tol + tol * std::fabs(y)));
      }
    }
  }
  return worst;
}

void radau_brusselator(precision prec, double tol) {
  // The reference: radau with its LU in double at a 1e-4 times tighter tolerance.
  const SolveResult ref = solve_bruss16(settings("radau", "direct", tol * 1e-4, {tol * 1e-4}));
  const SolveResult lu = solve_bruss16(settings("radau", "direct", tol, {tol}, prec));
  const double lu_error = largest_difference(lu, ref, tol);
  for (const char* linear : krylov_solvers) {
    const SolveResult k = solve_bruss16(settings("radau", linear, tol, {tol}, prec));
    for (std::size_t r = 0; r < alphas.size(); ++r) ASSERT_EQ(k.status()[r], 0u) << linear << " alpha " << alphas[r];
    const double e = largest_difference(k, ref, tol);
    std::printf("radau_iia_5 %-16s Brusselator 16, %s, tol %g: error %.3g tolerances (LU %.3g), steps %u (LU %u)\n",
                linear, prec == precision::float32 ? "float32" : "float64", tol, e, lu_error, k.steps_accepted()[3],
                lu.steps_accepted()[3]);
    expect_as_accurate(e, lu_error, linear);
  }
}

TEST(FirkKrylov, BrusselatorRadauDouble) { radau_brusselator(precision::float64, 1e-6); }
TEST(FirkKrylov, BrusselatorRadauFloat) { radau_brusselator(precision::float32, 1e-4); }

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
      for (std::size_t r = 0; r < alphas.size(); ++r) ASSERT_EQ(k.status()[r], 0u) << method << " " << linear;
      const double d = largest_difference(k, lu, 1e-10);
      std::printf("%-22s %-16s Brusselator 16, 128 fixed steps: difference from the LU %.3g x 1e-10\n", method,
                  linear, d);
      EXPECT_LE(d, 128.0) << method << " " << linear;
    }
  }
}

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
  for (const char* method : {"radau_iia_5", "firk_gauss_legendre_4"}) {
    for (const char* linear : {"gmres", "bicgstab", "minimal_residual"}) {
      solver_settings s = settings(method, linear, 1e-6, {1e-6});
      s.step_controller = "fixed";
      s.dt = 0.5;
      s.krylov_max_iters = 1;
      const SolveResult r = solve_bruss16(s, 2.0);
      std::printf("%-22s %-16s krylov_max_iters 1: status of alpha = 2: %u\n", method, linear, r.status()[3]);
      EXPECT_EQ(r.status()[3] & u32(status_linear_max_iters), u32(status_linear_max_iters)) << method << " " << linear;
      EXPECT_EQ(r.status()[3] & u32(status_newton_diverged), 0u) << method << " " << linear;
    }
  }
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
