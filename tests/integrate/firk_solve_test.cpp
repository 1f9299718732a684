// tests/integrate/firk_solve_test.cpp
// FIRK solves through the Solver (cpu backend, SIMD packs, Jacobians from dual numbers):
// Radau IIA 5 on the stiff reference problems (Robertson to 4e4 and 1e11, Van der Pol
// mu = 1e3, HIRES) against SciPy's Radau at tight tolerance (the DIRK tests' constants), with
// every Krylov linear solver as accurate as the LU on Van der Pol and Robertson; the
// Jacobian and factor reuse across steps (fewer Jacobians than steps); runs of one SIMD pack
// equal to the same runs solved alone, and a chunked batch equal to the unchunked one (each
// lane keeps or renews its own J); and the Newton failure paths: a diverging step is
// rejected and retried smaller, and with fixed steps a run whose iteration cannot converge
// ends with status 2 or 256, its neighbours untouched.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "cubie/batch/make_system.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/status.hpp"
#include "cubie/integrate/methods/newton_methods.hpp"
#include "krylov_test_common.hpp"
#include "newton_failure_checks.hpp"
#include "stiff_reference_checks.hpp"
#include "stiff_references.hpp"
#include "stiff_systems.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

using radau_only = m::method_list<m::radau_iia_5>;

TEST(FirkSolve, RobertsonAgreesWithRadau) {
  static const auto sys = make_system<robertson, radau_only, double>();
  expect_robertson_agrees(sys, "radau", 10.0);
}

// Every Krylov method (firk_krylov.hpp) as accurate as the LU against the references (GMRES
// and BiCGSTAB on Robertson: its iteration matrix is far from the positive definite ones
// minimal residual and steepest descent need).
TEST(FirkSolve, VanDerPolKrylovAsAccurateAsTheLU) {
  static const auto sys = make_system<van_der_pol, radau_only, double>();
  double lu_error = 0;
  for (const char* linear : {"direct", "gmres", "bicgstab", "minimal_residual", "steepest_descent"}) {
    const solver_settings s = settings("radau", linear, 1e-6, {1e-6});
    Solver solver(sys, s);
    solve_spec spec;
    spec.duration = 3000.0;
    const SolveResult r = solver.solve({{"x", {2.0}}, {"y", {0.0}}}, {{"mu", {1e3}}}, spec);
    ASSERT_EQ(r.status()[0], 0u) << linear;
    const double e = error_in_tolerances(r, s, {"x"}, vdp_3000);
    std::printf("radau_iia_5 %-16s Van der Pol mu=1e3, rtol 1e-6: %u steps, %u rejected, error %.3g tolerances\n",
                linear, r.steps_accepted()[0], r.steps_rejected()[0], e);
    if (std::string(linear) == "direct") lu_error = e;
    else expect_as_accurate(e, lu_error, linear);
  }
}

TEST(FirkSolve, RobertsonKrylovAsAccurateAsTheLU) {
  static const auto sys = make_system<robertson, radau_only, double>();
  double lu_error = 0;
  for (const char* linear : {"direct", "gmres", "bicgstab"}) {
    const solver_settings s = settings("radau", linear, 1e-6, {1e-8, 1e-12, 1e-8});
    Solver solver(sys, s);
    solve_spec spec;
    spec.duration = 4e4;
    const SolveResult r =
        solver.solve({{"y1", {1.0}}, {"y2", {0.0}}, {"y3", {0.0}}}, {{"k1", {0.04}}, {"k2", {3e7}}, {"k3", {1e4}}}, spec);
    ASSERT_EQ(r.status()[0], 0u) << linear;
    const double e = error_in_tolerances(r, s, {"y1", "y2", "y3"}, robertson_4e4);
    std::printf("radau_iia_5 %-16s Robertson to 4e4, rtol 1e-6: %u steps, %u rejected, error %.3g tolerances\n", linear,
                r.steps_accepted()[0], r.steps_rejected()[0], e);
    if (std::string(linear) == "direct") lu_error = e;
    else expect_as_accurate(e, lu_error, linear);
  }
}

TEST(FirkSolve, RobertsonInFloat) {
  static const auto sys = make_system<robertson, radau_only, float>();
  expect_robertson_in_float(sys, "radau_iia_5", 10.0);
}

TEST(FirkSolve, VanDerPolStiff) {
  static const auto sys = make_system<van_der_pol, radau_only, double>();
  expect_van_der_pol_stiff(sys, "radau_iia_5");
}

TEST(FirkSolve, HiresAgreesWithRadau) {
  static const auto sys = make_system<hires, radau_only, double>();
  expect_hires_agrees(sys, "radau_iia_5", 10.0);
}

TEST(FirkSolve, PackRunsEqualRunsAloneAndChunks) {
  // Lanes of one SIMD pack iterate Newton different numbers of times and renew their J at
  // different steps; each run, solved alone or in chunks of 3, gives the same bits.
  static const auto sys = make_system<van_der_pol, radau_only, double>();
  const std::vector<double> mu = {1.0, 10.0, 100.0, 1e3, 3.0, 30.0, 300.0, 0.5, 2e3};
  solver_settings s = cpu_settings("radau_iia_5", 1e-6, {1e-6});
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = 50.0;
  const SolveResult all = solver.solve({{"x", {2.0}}, {"y", {0.0}}}, {{"mu", mu}}, spec);
  solver_settings sc = s;
  sc.memory.max_chunk_runs = 3;
  Solver chunked_solver(sys, sc);
  const SolveResult chunked = chunked_solver.solve({{"x", {2.0}}, {"y", {0.0}}}, {{"mu", mu}}, spec);
  for (std::size_t r = 0; r < mu.size(); ++r) {
    const SolveResult one = solver.solve({{"x", {2.0}}, {"y", {0.0}}}, {{"mu", {mu[r]}}}, spec);
    EXPECT_EQ(all.status()[r], 0u);
    EXPECT_EQ(all.final_values("x")[r], one.final_values("x")[0]) << "mu " << mu[r];
    EXPECT_EQ(all.final_values("y")[r], one.final_values("y")[0]) << "mu " << mu[r];
    EXPECT_EQ(all.steps_accepted()[r], one.steps_accepted()[0]) << "mu " << mu[r];
    EXPECT_EQ(all.final_values("x")[r], chunked.final_values("x")[r]) << "mu " << mu[r];
    EXPECT_EQ(all.final_values("y")[r], chunked.final_values("y")[r]) << "mu " << mu[r];
  }
}

TEST(FirkFailure, DivergingStepIsRetriedSmaller) {
  // y' = -c sqrt(y) from y0 = 4 with c = 3: exact (2 - 3t/2)^2, 0.25 at t = 1. A first step
  // of 1 sends a stage below zero (a non-finite increment: divergence); the step is rejected
  // and retried smaller, and the run finishes.
  static const auto sys = make_system<sqrt_decay, radau_only, double>();
  solver_settings s = cpu_settings("radau_iia_5", 1e-9, {1e-9});
  s.dt = 1.0;
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = 1.0;
  const SolveResult r = solver.solve({{"y", {4.0}}}, {{"c", {3.0}}}, spec);
  EXPECT_EQ(r.status()[0], 0u);
  EXPECT_GE(r.steps_rejected()[0], 1u);
  EXPECT_NEAR(r.final_values("y")[0], 0.25, 1e-7);
}

// Van der Pol with a hand-written Jacobian that counts its calls (one per SIMD pack
// evaluation; the test solves one run, so one pack).
std::atomic<long> vdp_jacobians{0};
template <class S>
struct counted_van_der_pol : van_der_pol<S> {
  CUBIE_HD CUBIE_FORCEINLINE void jacobian(S /*t*/, const S* y, const S* p, S* J) const {
    vdp_jacobians.fetch_add(1, std::memory_order_relaxed);
    J[0] = S(0.0);
    J[1] = S(1.0);
    J[2] = S(-2.0) * p[0] * y[0] * y[1] - S(1.0);
    J[3] = p[0] * (S(1.0) - y[0] * y[0]);
  }
};

TEST(FirkFailure, FixedStepsEndWithTheNewtonStatus) {
  // Gauss-Legendre 2 is the midpoint stage Y = y + h/2 f(Y); the converging run's exact step:
  // sqrt(Y) = (-h c / 2 + sqrt(h^2 c^2 / 4 + 4 y)) / 2, then y_1 = 2 Y - y; twice.
  static const auto sys = make_system<sqrt_decay, m::method_list<m::firk_gauss_legendre_2>, double>();
  double y = 1.0;
  for (int i = 0; i < 2; ++i) {
    const double Y = std::pow((-0.05 + std::sqrt(0.0025 + 4 * y)) / 2, 2);
    y = 2 * Y - y;
  }
  expect_fixed_steps_end_diverged(sys, "firk", y);
}

TEST(FirkFailure, TooFewIterationsEndWithStatus2) {
  static const auto sys = make_system<van_der_pol, radau_only, double>();
  expect_one_iteration_ends_status_2(sys, "radau_iia_5");
}

TEST(FirkSolve, JacobianKeptAcrossSteps) {
  // RADAU5's reuse: J is evaluated again only after slow contraction, a rejection with an old
  // J, or an event. On the stiff Van der Pol RADAU5 itself evaluates J on about 0.6 of its
  // steps (Hairer & Wanner's VDPOL statistics at rtol 1e-6: 162 Jacobians, 280 steps); here
  // 474 of 887 (measured 2026-12-04). Bound: at most 3/4 of the steps, and the result as
  // accurate as VanDerPolStiff's.
  static const auto sys = make_system<counted_van_der_pol, radau_only, double>();
  const solver_settings s = cpu_settings("radau_iia_5", 1e-6, {1e-6});
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = 3000.0;
  vdp_jacobians = 0;
  const SolveResult r = solver.solve({{"x", {2.0}}, {"y", {0.0}}}, {{"mu", {1e3}}}, spec);
  ASSERT_EQ(r.status()[0], 0u);
  const long steps = long(r.steps_accepted()[0]) + long(r.steps_rejected()[0]);
  std::printf("radau_iia_5 Van der Pol mu=1e3: %ld Jacobians for %ld trial steps\n", vdp_jacobians.load(), steps);
  EXPECT_GT(vdp_jacobians.load(), 0);
  EXPECT_LT(vdp_jacobians.load(), 3 * steps / 4);
  EXPECT_NEAR(r.final_values("x")[0], vdp_3000[0], 1e-3);
}

TEST(FirkMethods, NamesAndFamilies) {
  EXPECT_EQ(find_method("radau").name, "radau_iia_5");
  EXPECT_EQ(find_method("firk").name, "firk_gauss_legendre_2");
  EXPECT_EQ(find_method("firk_gauss_legendre_4").family, method_family::firk);
  EXPECT_TRUE(find_method("radau_iia_5").adaptive);
  EXPECT_FALSE(find_method("firk_gauss_legendre_2").adaptive);
  EXPECT_FALSE(find_method("firk_gauss_legendre_4").adaptive);
  EXPECT_EQ(find_method("radau_iia_5").order, 5);
  EXPECT_EQ(find_method("radau_iia_5").error_order, 3);
}

}  // namespace
