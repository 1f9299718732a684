// tests/integrate/dirk_solve_test.cpp
// DIRK solves through the Solver (cpu backend, SIMD packs, Jacobians from dual numbers):
// the stiff reference problems (Robertson to 4e4 and 1e11, Van der Pol mu = 1e3, HIRES)
// against SciPy's Radau at tight tolerance (make_newton_references.py and the Rosenbrock
// tests' constants); runs of one SIMD pack equal to the same runs solved alone; and the
// Newton failure paths: a step whose iteration diverges is rejected and retried smaller,
// and a run whose iteration cannot converge ends with status 2 or 256, its neighbours
// untouched.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "cubie/batch/make_system.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/status.hpp"
#include "cubie/integrate/methods/newton_methods.hpp"
#include "stiff_systems.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

// Each (system, method, precision) entry point costs build time: the systems solved with the
// stiff methods alone are built with those alone (bench/RESULTS.md, "CI build time").
using stiff_dirks = m::method_list<m::kvaerno3, m::l_stable_sdirk_4, m::kvaerno5>;
using adaptive_dirks = m::method_list<m::crank_nicolson, m::kvaerno3, m::l_stable_sdirk_4, m::kvaerno5>;
const char* const stiff_methods[] = {"kvaerno3", "l_stable_sdirk_4", "kvaerno5"};

// SciPy 1.17 solve_ivp(method="Radau", rtol=1e-12, atol=1e-22, exact Jacobian) from (1, 0, 0)
// with k = (0.04, 3e7, 1e4) (as in rosenbrock_solve_test.cpp).
constexpr double robertson_4e4[3] = {0.03898337708548342, 1.6217683159097076e-07, 0.9610164607376847};
constexpr double robertson_1e11[3] = {2.0833401496992076e-08, 8.333360770326412e-14, 0.9999999791665182};
// SciPy 1.17.1 Radau, rtol 1e-12, atol 1e-16, exact Jacobian (make_newton_references.py).
constexpr double hires_321[8] = {0.0007371312573325603, 0.0001442485726316172, 5.88872974096746e-05,
                                 0.0011756513432831367, 0.002386356198831157,  0.006238968252742271,
                                 0.00284999839518564,   0.0028500016048143497};
// SciPy 1.17 Radau, rtol = atol = 1e-12, from (2, 0) to t = 3000 (rosenbrock_failure_test.cpp).
constexpr double vdp_3000_x = -1.5106069367599528;

solver_settings settings_for(const char* method, double rtol, std::vector<double> atol) {
  solver_settings s;
  s.algorithm = method;
  s.backend = "cpu";
  s.rtol = {rtol};
  s.atol = std::move(atol);
  return s;
}

/// Largest error over the states in units of atol_i + rtol |ref_i|.
double error_in_tolerances(const SolveResult& r, const solver_settings& s, const std::vector<std::string>& names,
                           const double* ref, std::size_t run = 0) {
  double worst = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const double atol = s.atol.size() == 1 ? s.atol[0] : s.atol[i];
    const double scale = atol + s.rtol[0] * std::fabs(ref[i]);
    worst = std::max(worst, std::fabs(r.final_values(names[i])[run] - ref[i]) / scale);
  }
  return worst;
}

TEST(DirkSolve, RobertsonAgreesWithRadau) {
  static const auto sys = make_system<robertson, stiff_dirks, double>();
  for (const char* method : stiff_methods) {
    for (double T : {4e4, 1e11}) {
      const solver_settings s = settings_for(method, 1e-8, {1e-8, 1e-14, 1e-8});
      Solver solver(sys, s);
      solve_spec spec;
      spec.duration = T;
      const SolveResult r =
          solver.solve({{"y1", {1.0}}, {"y2", {0.0}}, {"y3", {0.0}}}, {{"k1", {0.04}}, {"k2", {3e7}}, {"k3", {1e4}}}, spec);
      ASSERT_EQ(r.status()[0], 0u) << method << " to " << T;
      const double e = error_in_tolerances(r, s, {"y1", "y2", "y3"}, T < 1e6 ? robertson_4e4 : robertson_1e11);
      std::printf("%-18s Robertson to %g: %u steps, %u rejected, error %.2f tolerances\n", method, T,
                  r.steps_accepted()[0], r.steps_rejected()[0], e);
      EXPECT_LE(e, 10.0) << method << " to " << T;
    }
  }
}

TEST(DirkSolve, RobertsonInFloat) {
  // float32: the Newton tolerance's floor (10 epsilons of float) keeps the iteration from
  // chasing rounding noise; the result within the tolerance's order of the reference.
  static const auto sys = make_system<robertson, m::method_list<m::kvaerno5>, float>();
  solver_settings s = settings_for("kvaerno5", 1e-4, {1e-6, 1e-10, 1e-6});
  s.precision = precision::float32;
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = 4e4;
  const SolveResult r =
      solver.solve({{"y1", {1.0}}, {"y2", {0.0}}, {"y3", {0.0}}}, {{"k1", {0.04}}, {"k2", {3e7}}, {"k3", {1e4}}}, spec);
  ASSERT_EQ(r.status()[0], 0u);
  const double e = error_in_tolerances(r, s, {"y1", "y2", "y3"}, robertson_4e4);
  std::printf("kvaerno5 float32   Robertson to 4e4: %u steps, %u rejected, error %.2f tolerances\n",
              r.steps_accepted()[0], r.steps_rejected()[0], e);
  EXPECT_LE(e, 10.0);
}

TEST(DirkSolve, VanDerPolStiff) {
  static const auto sys = make_system<van_der_pol, adaptive_dirks, double>();
  for (const char* method : stiff_methods) {
    for (double tol : {1e-6, 1e-9}) {
      const solver_settings s = settings_for(method, tol, {tol});
      Solver solver(sys, s);
      solve_spec spec;
      spec.duration = 3000.0;
      const SolveResult r = solver.solve({{"x", {2.0}}, {"y", {0.0}}}, {{"mu", {1e3}}}, spec);
      ASSERT_EQ(r.status()[0], 0u) << method;
      const double x = r.final_values("x")[0];
      std::printf("%-18s Van der Pol mu=1e3, tol %g: %u steps, %u rejected, x = %.10g (ref %.10g)\n", method, tol,
                  r.steps_accepted()[0], r.steps_rejected()[0], x, vdp_3000_x);
      // The same bounds as the Rosenbrock methods meet (rosenbrock_failure_test.cpp).
      EXPECT_NEAR(x, vdp_3000_x, tol == 1e-6 ? 1e-3 : 1e-6) << method;
    }
  }
}

TEST(DirkSolve, HiresAgreesWithRadau) {
  static const auto sys = make_system<hires, stiff_dirks, double>();
  for (const char* method : stiff_methods) {
    const solver_settings s = settings_for(method, 1e-8, {1e-10});
    Solver solver(sys, s);
    solve_spec spec;
    spec.duration = 321.8122;
    named_arrays inits;
    const double y0[8] = {1, 0, 0, 0, 0, 0, 0, 0.0057};
    std::vector<std::string> names;
    for (int i = 0; i < 8; ++i) {
      names.push_back(solver.system().states[i]);
      inits.push_back({names.back(), {y0[i]}});
    }
    const SolveResult r = solver.solve(inits, {}, spec);
    ASSERT_EQ(r.status()[0], 0u) << method;
    const double e = error_in_tolerances(r, s, names, hires_321);
    std::printf("%-18s HIRES: %u steps, %u rejected, error %.2f tolerances\n", method, r.steps_accepted()[0],
                r.steps_rejected()[0], e);
    EXPECT_LE(e, 50.0) << method;
  }
}

TEST(DirkSolve, CrankNicolsonMildlyStiff) {
  // Crank-Nicolson is A-stable but not L-stable: fine on a mildly stiff oscillator
  // (Van der Pol, mu = 10), where its backward Euler estimate drives the steps.
  static const auto sys = make_system<van_der_pol, adaptive_dirks, double>();
  const solver_settings s = settings_for("crank_nicolson", 1e-7, {1e-7});
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = 20.0;
  const SolveResult r = solver.solve({{"x", {2.0}}, {"y", {0.0}}}, {{"mu", {10.0}}}, spec);
  ASSERT_EQ(r.status()[0], 0u);
  const solver_settings ref_s = settings_for("kvaerno5", 1e-12, {1e-12});
  Solver ref_solver(sys, ref_s);
  const SolveResult ref = ref_solver.solve({{"x", {2.0}}, {"y", {0.0}}}, {{"mu", {10.0}}}, spec);
  std::printf("crank_nicolson     Van der Pol mu=10: %u steps, x = %.10g (kvaerno5 at 1e-12: %.10g)\n",
              r.steps_accepted()[0], r.final_values("x")[0], ref.final_values("x")[0]);
  EXPECT_NEAR(r.final_values("x")[0], ref.final_values("x")[0], 1e-3);
}

TEST(DirkSolve, PackRunsEqualRunsAlone) {
  // Lanes of one SIMD pack iterate Newton different numbers of times; a lane that has
  // converged must not move while its neighbours go on. Each run, solved alone, gives the
  // same bits.
  static const auto sys = make_system<van_der_pol, adaptive_dirks, double>();
  const std::vector<double> mu = {1.0, 10.0, 100.0, 1e3, 3.0, 30.0, 300.0, 0.5, 2e3};
  for (const char* method : {"kvaerno5", "l_stable_sdirk_4"}) {
    const solver_settings s = settings_for(method, 1e-6, {1e-6});
    Solver solver(sys, s);
    solve_spec spec;
    spec.duration = 50.0;
    const SolveResult all = solver.solve({{"x", {2.0}}, {"y", {0.0}}}, {{"mu", mu}}, spec);
    for (std::size_t r = 0; r < mu.size(); ++r) {
      const SolveResult one = solver.solve({{"x", {2.0}}, {"y", {0.0}}}, {{"mu", {mu[r]}}}, spec);
      EXPECT_EQ(all.status()[r], 0u);
      EXPECT_EQ(all.final_values("x")[r], one.final_values("x")[0]) << method << " mu " << mu[r];
      EXPECT_EQ(all.final_values("y")[r], one.final_values("y")[0]) << method << " mu " << mu[r];
      EXPECT_EQ(all.steps_accepted()[r], one.steps_accepted()[0]) << method << " mu " << mu[r];
    }
  }
}

TEST(DirkFailure, DivergingStepIsRetriedSmaller) {
  // y' = -c sqrt(y) from y0 = 4 with c = 3: exact (2 - 3t/2)^2, 0.25 at t = 1. A first step
  // of 1 sends the Newton iterate below zero (sqrt of a negative: a non-finite increment,
  // divergence); the step is rejected and retried smaller, and the run finishes.
  static const auto sys = make_system<sqrt_decay, stiff_dirks, double>();
  for (const char* method : stiff_methods) {
    solver_settings s = settings_for(method, 1e-9, {1e-9});
    s.dt = 1.0;
    Solver solver(sys, s);
    solve_spec spec;
    spec.duration = 1.0;
    const SolveResult r = solver.solve({{"y", {4.0}}}, {{"c", {3.0}}}, spec);
    EXPECT_EQ(r.status()[0], 0u) << method;
    EXPECT_GE(r.steps_rejected()[0], 1u) << method;
    EXPECT_NEAR(r.final_values("y")[0], 0.25, 1e-7) << method;
  }
}

TEST(DirkFailure, FixedStepsEndWithTheNewtonStatus) {
  // With fixed steps a failed Newton iteration cannot retry: the run ends with its reason.
  // Backward Euler from y0 = 1 with h = 1: for c = 10 the first Newton increment leaves
  // y + Z < 0 and the next f is NaN (256, diverged); c = 0.1 converges (the neighbour keeps
  // its value, equal to its solve alone).
  static const auto sys = make_system<sqrt_decay, m::method_list<m::backwards_euler>, double>();
  solver_settings s;
  s.algorithm = "backwards_euler";
  s.backend = "cpu";
  s.step_controller = "fixed";
  s.dt = 1.0;
  s.newton_atol = s.newton_rtol = 1e-14;
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = 2.0;
  for (bool with_saves : {false, true}) {  // the fixed-count path and the loop with saves
    if (with_saves) spec.save_every = 1.0;
    const SolveResult r = solver.solve({{"y", {1.0, 1.0, 1.0}}}, {{"c", {0.1, 10.0, 0.2}}}, spec);
    const SolveResult alone = solver.solve({{"y", {1.0, 1.0}}}, {{"c", {0.1, 0.2}}}, spec);
    EXPECT_EQ(r.status()[0], 0u);
    EXPECT_EQ(r.status()[1], u32(status_newton_diverged)) << "with saves: " << with_saves;
    EXPECT_EQ(r.status()[2], 0u);
    EXPECT_TRUE(std::isnan(r.final_values("y")[1]));
    EXPECT_EQ(r.final_values("y")[0], alone.final_values("y")[0]);
    EXPECT_EQ(r.final_values("y")[2], alone.final_values("y")[1]);
    // Backward Euler's exact step: sqrt(w) = (-h c + sqrt(h^2 c^2 + 4 y)) / 2, twice.
    double y = 1.0;
    for (int i = 0; i < 2; ++i) y = std::pow((-0.1 + std::sqrt(0.01 + 4 * y)) / 2, 2);
    EXPECT_NEAR(r.final_values("y")[0], y, 1e-12);
  }
}

TEST(DirkFailure, TooFewIterationsEndWithStatus2) {
  // One Newton iteration allowed and a first rate estimate of 1: a run converges only where
  // the first increment is already within the Newton tolerance. Van der Pol at rest (0, 0)
  // stays there; from (2, 0) the iteration cannot finish, and with fixed steps the run ends
  // with status 2; the resting neighbour is untouched.
  static const auto sys = make_system<van_der_pol, m::method_list<m::l_stable_dirk_3>, double>();
  solver_settings s;
  s.algorithm = "l_stable_dirk_3";
  s.backend = "cpu";
  s.step_controller = "fixed";
  s.dt = 0.1;
  s.newton_max_iters = 1;
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = 1.0;
  const SolveResult r = solver.solve({{"x", {0.0, 2.0, 0.0}}, {"y", {0.0, 0.0, 0.0}}}, {{"mu", {5.0}}}, spec);
  EXPECT_EQ(r.status()[0], 0u);
  EXPECT_EQ(r.status()[1], u32(status_newton_max_iters));
  EXPECT_EQ(r.status()[2], 0u);
  EXPECT_EQ(r.final_values("x")[0], 0.0);
  EXPECT_EQ(r.final_values("x")[2], 0.0);
}

TEST(DirkFailure, NewtonSettingsAreValidated) {
  static const auto sys = make_system<van_der_pol, m::method_list<m::l_stable_dirk_3>, double>();
  auto message = [&](auto edit) {
    solver_settings s;
    s.algorithm = "l_stable_dirk_3";
    s.backend = "cpu";
    edit(s);
    try {
      Solver solver(sys, s);
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(message([](solver_settings& s) { s.newton_max_iters = 0; }).find("newton_max_iters = 0"), std::string::npos);
  EXPECT_NE(message([](solver_settings& s) { s.newton_atol = -1.0; }).find("newton_atol = -1"), std::string::npos);
  EXPECT_NE(message([](solver_settings& s) { s.newton_target_iters = 20; }).find("newton_target_iters = 20"),
            std::string::npos);
  EXPECT_EQ(message([](solver_settings& s) { s.newton_max_iters = 3; }), "");
}

}  // namespace
