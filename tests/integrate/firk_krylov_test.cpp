// tests/integrate/firk_krylov_test.cpp
// The FIRK family (Radau IIA 5, Gauss-Legendre 2 and 4) through the matrix-free linear
// solvers (firk_krylov.hpp; cpu backend, SIMD packs, Jacobian-vector products from dual
// numbers), on small systems: every Krylov method reaches the LU's accuracy against SciPy's
// Radau at tight tolerance on Van der Pol mu = 1e3 and Robertson (GMRES and BiCGSTAB there:
// its iteration matrix is far from the positive definite ones minimal residual and steepest
// descent need); the observed orders on the smooth order problem are the LU's; a run whose
// Jacobian-vector products are non-finite ends with status 128 or 4, its neighbours
// untouched. The Brusselator cases are in firk_krylov_brusselator_test.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "cubie/batch/make_system.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/math.hpp"
#include "cubie/core/status.hpp"
#include "cubie/integrate/methods/newton_methods.hpp"
#include "firk_krylov_common.hpp"
#include "rosenbrock_orders.hpp"
#include "stiff_systems.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

// SciPy 1.17 Radau at tight tolerance (firk_solve_test.cpp, dirk_solve_test.cpp).
constexpr double robertson_4e4[3] = {0.03898337708548342, 1.6217683159097076e-07, 0.9610164607376847};
constexpr double vdp_3000_x = -1.5106069367599528;

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

}  // namespace
