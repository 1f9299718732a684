// tests/integrate/krylov_solve_test.cpp
// Newton-Krylov through the Solver (cpu backend, SIMD packs, C++ systems whose Jacobian-vector
// products come from dual numbers): on the 1-D Brusselator with 8 cells (16 states, small
// enough for the direct LU too) every Krylov method gives the direct path's answer within
// the tolerances, in double (kvaerno5, l_stable_sdirk_4) and float (kvaerno5); with 25 cells
// (50 states) no direct solver is built, linear_solver = direct is refused with the allowed
// names and the default solves matrix-free;
// unknown names are refused with the list; a run whose Jacobian is infinite ends with status
// 128 (BiCGSTAB breakdown) or 4 (minimal residual out of iterations), its neighbour untouched.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "cubie/batch/make_system.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/integrate/methods/kvaerno5.hpp"
#include "cubie/integrate/methods/l_stable_sdirk_4.hpp"
#include "brusselator_systems.hpp"
#include "krylov_test_common.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

template <class S>
struct brusselator25 : test::brusselator_cells<S, 25> {
  static constexpr const char* name = "brusselator25";
  static constexpr const char* state_names =
      "u1,v1,u2,v2,u3,v3,u4,v4,u5,v5,u6,v6,u7,v7,u8,v8,u9,v9,u10,v10,u11,v11,u12,v12,u13,v13,u14,v14,u15,v15,"
      "u16,v16,u17,v17,u18,v18,u19,v19,u20,v20,u21,v21,u22,v22,u23,v23,u24,v24,u25,v25";
};

const std::vector<double>& alphas = brusselator_alphas;

// Both methods in float64; in float32 kvaerno5 alone: the two share the DIRK stepper and its
// Krylov solves (they differ in the tableau, which the float64 cases cover), and each method
// and precision pair is a build-time cost (bench/RESULTS.md, "CI build time").
SolveResult solve_bruss8(precision prec, const char* method, const char* linear, double tol) {
  static const auto f64 = make_system<bruss16, m::method_list<m::kvaerno5, m::l_stable_sdirk_4>, double>();
  static const auto f32 = make_system<bruss16, m::method_list<m::kvaerno5>, float>();
  const solver_settings s = settings(method, linear, tol, {tol}, prec);
  return solve_brusselator(prec == precision::float64 ? f64 : f32, s, 8, 10.0);
}

void krylov_matches_direct(precision prec, double tol, std::vector<const char*> methods) {
  for (const char* method : methods) {
    const SolveResult direct = solve_bruss8(prec, method, "direct", tol);
    for (const char* linear : krylov_solvers) {
      const SolveResult k = solve_bruss8(prec, method, linear, tol);
      for (std::size_t r = 0; r < alphas.size(); ++r) {
        ASSERT_EQ(direct.status()[r], 0u) << method << " direct, alpha " << alphas[r];
        ASSERT_EQ(k.status()[r], 0u) << method << " " << linear << ", alpha " << alphas[r];
      }
      const double worst = brusselator_difference(k, direct, 8, tol);
      std::printf("%-16s %-16s %s: steps %u (direct %u) at alpha 2, largest difference %.3f tolerances\n", method,
                  linear, prec == precision::float32 ? "float32" : "float64", k.steps_accepted()[3],
                  direct.steps_accepted()[3], worst);
      // Both solve to the tolerance; their answers differ by about as much.
      EXPECT_LE(worst, 10.0) << method << " " << linear;
    }
  }
}

TEST(KrylovSolve, EveryKrylovMethodMatchesTheDirectPathDouble) {
  krylov_matches_direct(precision::float64, 1e-7, {"kvaerno5", "l_stable_sdirk_4"});
}
TEST(KrylovSolve, EveryKrylovMethodMatchesTheDirectPathFloat) {
  krylov_matches_direct(precision::float32, 1e-4, {"kvaerno5"});
}

TEST(KrylovSolve, LargeSystemSolvesMatrixFreeOnly) {
  static const auto sys = make_system<brusselator25, m::method_list<m::kvaerno5>, double>();
  EXPECT_FALSE(sys->info.direct_linear_solver);
  solver_settings s;
  s.algorithm = "kvaerno5";
  s.backend = "cpu";
  s.atol = s.rtol = {1e-6};
  s.linear_solver = "direct";
  try {
    Solver refused(sys, s);
    ADD_FAILURE() << "linear_solver = direct was accepted for 50 states without a sparse LU";
  } catch (const invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("linear_solver = direct"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("bicgstab"), std::string::npos) << e.what();
  }
  s.linear_solver.reset();  // the default: matrix-free here
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = 10.0;
  const SolveResult r = solver.solve(brusselator_start(25, 2), {{"alpha", {0.02, 0.5}}}, spec);
  EXPECT_EQ(r.status()[0], 0u);
  EXPECT_EQ(r.status()[1], 0u);
  // The solution settles on the steady state u = 1, v = 3 at strong diffusion.
  EXPECT_NEAR(r.final_values("u13")[1], 1.0, 1e-3);
}

TEST(KrylovSolve, UnknownNamesAreRefusedWithTheList) {
  static const auto sys = make_system<infinite_slope, m::method_list<m::kvaerno5>, double>();
  solver_settings s;
  s.algorithm = "kvaerno5";
  s.backend = "cpu";
  s.linear_solver = "cg";
  try {
    Solver solver(sys, s);
    ADD_FAILURE() << "linear_solver = cg accepted";
  } catch (const invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("linear_solver: unknown value 'cg'; valid values are direct, "
                                         "minimal_residual, steepest_descent, bicgstab, gmres"),
              std::string::npos)
        << e.what();
  }
  s.linear_solver = "gmres";
  s.preconditioner_type = "ilu";
  EXPECT_THROW((Solver{sys, s}), invalid_argument);
  s.preconditioner_type = "neumann";
  s.krylov_max_iters = 0;
  EXPECT_THROW((Solver{sys, s}), invalid_argument);
}

TEST(KrylovSolve, FailedLinearSolvesEndTheirRunOnly) {
  static const auto sys = make_system<infinite_slope, m::method_list<m::kvaerno5>>();
  for (precision prec : {precision::float64, precision::float32}) {
    for (const char* linear : {"bicgstab", "minimal_residual"}) {
      solver_settings s = settings("kvaerno5", linear, 1e-6, {1e-6}, prec);
      // Tolerances no product-free answer meets above dt_min: from y = 0 the stage residual
      // shrinks as h^1.5, and every retry must need the (non-finite) products.
      s.krylov_atol = s.krylov_rtol = prec == precision::float64 ? 1e-300 : 1e-38;
      (void)expect_only_the_infinite_run_fails(sys, s);
    }
  }
}

}  // namespace
