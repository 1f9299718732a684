// tests/integrate/stiff_reference_checks.hpp
// The stiff reference problems every Newton family is held to, as one check each: Robertson to
// 4e4 and 1e11 (and in float32), Van der Pol mu = 1e3, HIRES, through the Solver on the CPU,
// against SciPy's Radau (stiff_references.hpp). Each prints its steps and error.
#pragma once
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "cubie/batch/solver.hpp"
#include "stiff_references.hpp"

namespace cubie::test {

inline SolveResult solve_robertson(Solver& solver, double duration) {
  solve_spec spec;
  spec.duration = duration;
  return solver.solve({{"y1", {1.0}}, {"y2", {0.0}}, {"y3", {0.0}}}, {{"k1", {0.04}}, {"k2", {3e7}}, {"k3", {1e4}}},
                      spec);
}

/// Robertson to t = 4e4 and 1e11 at rtol 1e-8 (atol 1e-14 on y2): within `bound` tolerances.
template <class System>
void expect_robertson_agrees(const System& sys, const char* method, double bound) {
  for (double T : {4e4, 1e11}) {
    const solver_settings s = cpu_settings(method, 1e-8, {1e-8, 1e-14, 1e-8});
    Solver solver(sys, s);
    const SolveResult r = solve_robertson(solver, T);
    ASSERT_EQ(r.status()[0], 0u) << method << " to " << T;
    const double e = error_in_tolerances(r, s, {"y1", "y2", "y3"}, T < 1e6 ? robertson_4e4 : robertson_1e11);
    std::printf("%-18s Robertson to %g: %u steps, %u rejected, error %.3g tolerances\n", method, T,
                r.steps_accepted()[0], r.steps_rejected()[0], e);
    EXPECT_LE(e, bound) << method << " to " << T;
  }
}

/// Robertson to 4e4 in float32 at rtol 1e-4: the Newton tolerance's floor (10 epsilons of
/// float) keeps the iteration from chasing rounding noise; within `bound` tolerances.
template <class System>
void expect_robertson_in_float(const System& sys, const char* method, double bound) {
  solver_settings s = cpu_settings(method, 1e-4, {1e-6, 1e-10, 1e-6});
  s.precision = precision::float32;
  Solver solver(sys, s);
  const SolveResult r = solve_robertson(solver, 4e4);
  ASSERT_EQ(r.status()[0], 0u) << method;
  const double e = error_in_tolerances(r, s, {"y1", "y2", "y3"}, robertson_4e4);
  std::printf("%-18s float32 Robertson to 4e4: %u steps, %u rejected, error %.3g tolerances\n", method,
              r.steps_accepted()[0], r.steps_rejected()[0], e);
  EXPECT_LE(e, bound) << method;
}

/// Van der Pol mu = 1e3 from (2, 0) to t = 3000 at tol 1e-6 and 1e-9: x within 1e-3 and 1e-6
/// of the reference, the bounds the Rosenbrock methods meet (rosenbrock_failure_test.cpp).
template <class System>
void expect_van_der_pol_stiff(const System& sys, const char* method) {
  for (double tol : {1e-6, 1e-9}) {
    const solver_settings s = cpu_settings(method, tol, {tol});
    Solver solver(sys, s);
    solve_spec spec;
    spec.duration = 3000.0;
    const SolveResult r = solver.solve({{"x", {2.0}}, {"y", {0.0}}}, {{"mu", {1e3}}}, spec);
    ASSERT_EQ(r.status()[0], 0u) << method;
    const double x = r.final_values("x")[0];
    std::printf("%-18s Van der Pol mu=1e3, tol %g: %u steps, %u rejected, x = %.10g (ref %.10g)\n", method, tol,
                r.steps_accepted()[0], r.steps_rejected()[0], x, vdp_3000[0]);
    EXPECT_NEAR(x, vdp_3000[0], tol == 1e-6 ? 1e-3 : 1e-6) << method;
  }
}

/// HIRES to t = 321.8122 at rtol 1e-8, atol 1e-10: within `bound` tolerances.
template <class System>
void expect_hires_agrees(const System& sys, const char* method, double bound) {
  const solver_settings s = cpu_settings(method, 1e-8, {1e-10});
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
  std::printf("%-18s HIRES: %u steps, %u rejected, error %.3g tolerances\n", method, r.steps_accepted()[0],
              r.steps_rejected()[0], e);
  EXPECT_LE(e, bound) << method;
}

}  // namespace cubie::test
