// tests/integrate/krylov_solve_test.cpp
// Newton-Krylov through the Solver (cpu backend, SIMD packs, C++ systems whose Jacobian-vector
// products come from dual numbers): on the 1-D Brusselator with 8 cells (16 states, small
// enough for the direct LU too) every Krylov method gives the direct path's answer within
// the tolerances, in double and float; with 25 cells (50 states) no direct solver is built,
// linear_solver = direct is refused with the allowed names and the default solves matrix-free;
// unknown names are refused with the list; a run whose Jacobian is infinite ends with status
// 128 (BiCGSTAB breakdown) or 4 (minimal residual out of iterations), its neighbour untouched.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "cubie/batch/make_system.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/math.hpp"
#include "cubie/core/status.hpp"
#include "cubie/integrate/methods/kvaerno5.hpp"
#include "cubie/integrate/methods/l_stable_sdirk_4.hpp"
#include "brusselator_systems.hpp"

namespace {

using namespace cubie;
namespace m = cubie::methods;

template <class S>
struct brusselator8 : test::brusselator_cells<S, 8> {
  static constexpr const char* name = "brusselator8";
  static constexpr const char* state_names = "u1,v1,u2,v2,u3,v3,u4,v4,u5,v5,u6,v6,u7,v7,u8,v8";
};

template <class S>
struct brusselator25 : test::brusselator_cells<S, 25> {
  static constexpr const char* name = "brusselator25";
  static constexpr const char* state_names =
      "u1,v1,u2,v2,u3,v3,u4,v4,u5,v5,u6,v6,u7,v7,u8,v8,u9,v9,u10,v10,u11,v11,u12,v12,u13,v13,u14,v14,u15,v15,"
      "u16,v16,u17,v17,u18,v18,u19,v19,u20,v20,u21,v21,u22,v22,u23,v23,u24,v24,u25,v25";
};

/// y' = p - sqrt(y): finite f, infinite df/dy at y = 0 (every Krylov product is non-finite
/// there); from y = 1 with p = 1 it rests at its equilibrium (f = 0 exactly, so its linear
/// solves are done before any product).
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

template <int Cells>
named_arrays initial_values(int runs) {
  named_arrays y;
  for (int i = 1; i <= Cells; ++i) {
    const double x = double(i) / (Cells + 1);
    y.push_back({"u" + std::to_string(i), std::vector<double>(runs, 1.0 + std::sin(2.0 * M_PI * x))});
    y.push_back({"v" + std::to_string(i), std::vector<double>(runs, 3.0)});
  }
  return y;
}

// alpha from mildly (0.02: h |lambda| ~ 3e2 at the largest steps) to strongly stiff (2).
const std::vector<double> alphas = {0.02, 0.1, 0.5, 2.0};

SolveResult solve_bruss8(precision prec, const char* method, const std::string& linear, double tol) {
  static const auto sys = make_system<brusselator8, m::method_list<m::kvaerno5, m::l_stable_sdirk_4>>();
  solver_settings s;
  s.algorithm = method;
  s.backend = "cpu";
  s.precision = prec;
  s.atol = {tol};
  s.rtol = {tol};
  s.linear_solver = linear;
  if (linear == "steepest_descent") s.krylov_max_iters = 400;
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = 10.0;
  return solver.solve(initial_values<8>(int(alphas.size())), {{"alpha", alphas}}, spec);
}

void krylov_matches_direct(precision prec, double tol) {
  for (const char* method : {"kvaerno5", "l_stable_sdirk_4"}) {
    const SolveResult direct = solve_bruss8(prec, method, "direct", tol);
    for (const char* linear : {"minimal_residual", "steepest_descent", "bicgstab", "gmres"}) {
      const SolveResult k = solve_bruss8(prec, method, linear, tol);
      double worst = 0.0;
      for (std::size_t r = 0; r < alphas.size(); ++r) {
        ASSERT_EQ(direct.status()[r], 0u) << method << " direct, alpha " << alphas[r];
        ASSERT_EQ(k.status()[r], 0u) << method << " " << linear << ", alpha " << alphas[r];
        for (int i = 1; i <= 8; ++i) {
          for (const char* var : {"u", "v"}) {
            const std::string name = var + std::to_string(i);
            const double a = direct.final_values(name)[r], b = k.final_values(name)[r];
            worst = std::max(worst, std::fabs(a - b) / (tol + tol * std::fabs(a)));
          }
        }
      }
      std::printf("%-16s %-16s %s: steps %u (direct %u) at alpha 2, largest difference %.3f tolerances\n", method,
                  linear, prec == precision::float32 ? "float32" : "float64", k.steps_accepted()[3],
                  direct.steps_accepted()[3], worst);
      // Both solve to the tolerance; their answers differ by about as much.
      EXPECT_LE(worst, 10.0) << method << " " << linear;
    }
  }
}

TEST(KrylovSolve, EveryKrylovMethodMatchesTheDirectPathDouble) { krylov_matches_direct(precision::float64, 1e-7); }
TEST(KrylovSolve, EveryKrylovMethodMatchesTheDirectPathFloat) { krylov_matches_direct(precision::float32, 1e-4); }

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
  const SolveResult r = solver.solve(initial_values<25>(2), {{"alpha", {0.02, 0.5}}}, spec);
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
      solver_settings s;
      s.algorithm = "kvaerno5";
      s.backend = "cpu";
      s.precision = prec;
      s.linear_solver = linear;
      // Tolerances no product-free answer meets above dt_min: from y = 0 the stage residual
      // shrinks as h^1.5, and every retry must need the (non-finite) products.
      s.krylov_atol = s.krylov_rtol = prec == precision::float64 ? 1e-300 : 1e-38;
      Solver solver(sys, s);
      solve_spec spec;
      spec.duration = 1.0;
      // Run 1 starts where df/dy is infinite; runs 0 and 2 rest at y = 1.
      const SolveResult r = solver.solve({{"y", {1.0, 0.0, 1.0}}}, {{"p", {1.0, 1.0, 1.0}}}, spec);
      const u32 expected = std::string(linear) == "bicgstab" ? u32(status_linear_breakdown) : u32(status_linear_max_iters);
      EXPECT_EQ(r.status()[1], expected) << linear;
      EXPECT_EQ(r.status()[0], 0u) << linear;
      EXPECT_EQ(r.status()[2], 0u) << linear;
      EXPECT_NEAR(r.final_values("y")[0], 1.0, 1e-6) << linear;
      EXPECT_NEAR(r.final_values("y")[2], 1.0, 1e-6) << linear;
    }
  }
}

}  // namespace
