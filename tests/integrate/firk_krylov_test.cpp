// tests/integrate/firk_krylov_test.cpp
// The FIRK family (Radau IIA 5, Gauss-Legendre 2 and 4) through the matrix-free linear
// solvers (firk_krylov.hpp; cpu backend, SIMD packs, Jacobian-vector products from dual
// numbers): every Krylov method reaches the LU's accuracy against SciPy's Radau at tight
// tolerance on Van der Pol mu = 1e3 and Robertson, and against a tight-tolerance solve on the
// 16-state Brusselator (double and float); the observed orders on the smooth order problem
// are the LU's; iteration_counters count Krylov iterations; a krylov_max_iters too small
// ends a fixed-step run with status 4 and a breakdown with 128, neighbours untouched; and a
// 100-state system without a direct solver refuses linear_solver = direct for radau and
// solves matrix-free by default.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "brusselator_systems.hpp"
#include "cubie/batch/make_system.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/math.hpp"
#include "cubie/core/status.hpp"
#include "cubie/integrate/methods/newton_methods.hpp"
#include "rosenbrock_orders.hpp"
#include "stiff_systems.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

const char* const krylov_solvers[] = {"gmres", "bicgstab", "minimal_residual", "steepest_descent"};

// SciPy 1.17 Radau at tight tolerance (firk_solve_test.cpp, dirk_solve_test.cpp).
constexpr double robertson_4e4[3] = {0.03898337708548342, 1.6217683159097076e-07, 0.9610164607376847};
constexpr double vdp_3000_x = -1.5106069367599528;

solver_settings settings(const char* method, const char* linear, double rtol, std::vector<double> atol,
                         precision prec = precision::float64) {
  solver_settings s;
  s.algorithm = method;
  s.backend = "cpu";
  s.precision = prec;
  s.rtol = {rtol};
  s.atol = std::move(atol);
  s.linear_solver = linear;
  // Steepest descent is meant for symmetric positive definite systems: it converges on these
  // (the symmetric part of I - s J is positive definite where the steps are small enough)
  // but slowly.
  if (std::string(linear) == "steepest_descent") s.krylov_max_iters = 400;
  return s;
}

/// Largest |y - ref| / (atol + rtol |ref|) over the states.
double error_in_tolerances(const SolveResult& r, const solver_settings& s, const std::vector<std::string>& names,
                           const double* ref, std::size_t run = 0) {
  double worst = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const double atol = s.atol.size() == 1 ? s.atol[0] : s.atol[i];
    worst = std::max(worst, std::fabs(r.final_values(names[i])[run] - ref[i]) / (atol + s.rtol[0] * std::fabs(ref[i])));
  }
  return worst;
}

/// Krylov's error may exceed the LU's by the noise of a different (equally valid) Newton
/// path: twice the LU's, or one tolerance, whichever is larger.
void expect_as_accurate(double krylov, double lu, const std::string& what) {
  EXPECT_LE(krylov, std::max(2.0 * lu, 1.0)) << what;
}

TEST(FirkKrylov, VanDerPolAsAccurateAsTheLU) {
  static const auto sys = make_system<van_der_pol, m::method_list<m::radau_iia_5>, double>();
  const double x_ref[1] = {vdp_3000_x};
  double lu_error = 0;
  for (const char* linear : {"direct", "gmres", "bicgstab", "minimal_residual", "steepest_descent"}) {
    const solver_settings s = settings("radau", linear, 1e-6, {1e-6});
    Solver solver(sys, s);
    solve_spec spec;
    spec.duration = 3000.0;
    const SolveResult r = solver.solve({{"x", {2.0}}, {"y", {0.0}}}, {{"mu", {1e3}}}, spec);
    ASSERT_EQ(r.status()[0], 0u) << linear;
    const double e = error_in_tolerances(r, s, {"x"}, x_ref);
    std::printf("radau_iia_5 %-16s Van der Pol mu=1e3, rtol 1e-6: %u steps, %u rejected, error %.3g tolerances\n",
                linear, r.steps_accepted()[0], r.steps_rejected()[0], e);
    if (std::string(linear) == "direct") lu_error = e;
    else expect_as_accurate(e, lu_error, linear);
  }
}

TEST(FirkKrylov, RobertsonAsAccurateAsTheLU) {
  static const auto sys = make_system<robertson, m::method_list<m::radau_iia_5>, double>();
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
// differ only by the Newton iterations' error (tolerances 1e-10 here).
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
      EXPECT_LE(d, 10.0) << method << " " << linear;
    }
  }
}

// Classical orders on the smooth order problem (fixed steps), as firk_convergence_test with
// the LU.
const std::shared_ptr<const compiled_system>& order_system() {
  static const auto sys = make_system<order_and_prothero_robinson, m::firk_methods, double>();
  return sys;
}

TEST(FirkKrylov, ObservedOrdersAreTheLUs) {
  for (const char* linear : {"gmres", "bicgstab"}) {
    check_rosenbrock_order(order_system(), "firk_gauss_legendre_2", 2, 1.0, {32, 64, 128, 256}, false,
                           precision::float64, 1e-13, linear);
    check_rosenbrock_order(order_system(), "firk_gauss_legendre_4", 4, 1.0, {8, 16, 32, 64}, false,
                           precision::float64, 1e-13, linear);
    check_rosenbrock_order(order_system(), "radau_iia_5", 5, 2.0, {8, 16, 32, 64}, false, precision::float64, 1e-15,
                           linear);
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

/// y' = p - sqrt(y): finite f, infinite df/dy at y = 0 (every product is non-finite there);
/// from y = 1 with p = 1 it rests at its equilibrium (f = 0: its solves are done before any
/// product), as in krylov_solve_test.cpp.
template <class S>
struct infinite_slope {
  static constexpr int n_states = 1;
  static constexpr int n_parameters = 1;
  static constexpr int n_observables = 0;
  static constexpr const char* name = "infinite_slope";
  static constexpr const char* state_names = "y";
  static constexpr const char* parameter_names = "p";
  static constexpr const char* observable_names = "";
  static constexpr bool autonomous = true;
  CUBIE_HD CUBIE_FORCEINLINE void rhs(S /*t*/, const S* y, const S* p, S* f) const { f[0] = p[0] - math::sqrt(y[0]); }
};

// A run whose Jacobian-vector products are non-finite ends with 128 (BiCGSTAB breaks down) or
// 4 (minimal residual runs out), its neighbours at rest untouched.
TEST(FirkKrylov, FailedLinearSolvesEndTheirRunOnly) {
  static const auto sys = make_system<infinite_slope, m::method_list<m::radau_iia_5>, double>();
  for (const char* linear : {"bicgstab", "minimal_residual"}) {
    solver_settings s = settings("radau", linear, 1e-6, {1e-6});
    s.krylov_atol = s.krylov_rtol = 1e-300;  // no answer without the (non-finite) products
    Solver solver(sys, s);
    solve_spec spec;
    spec.duration = 1.0;
    const SolveResult r = solver.solve({{"y", {1.0, 0.0, 1.0}}}, {{"p", {1.0, 1.0, 1.0}}}, spec);
    const u32 expected = std::string(linear) == "bicgstab" ? u32(status_linear_breakdown) : u32(status_linear_max_iters);
    std::printf("radau_iia_5 %-16s sqrt decay from 0: status %u\n", linear, r.status()[1]);
    EXPECT_EQ(r.status()[1], expected) << linear;
    EXPECT_EQ(r.status()[0], 0u) << linear;
    EXPECT_EQ(r.status()[2], 0u) << linear;
    EXPECT_NEAR(r.final_values("y")[0], 1.0, 1e-6) << linear;
    EXPECT_NEAR(r.final_values("y")[2], 1.0, 1e-6) << linear;
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
