// tests/integrate/firk_krylov_common.hpp
// Shared by the FIRK Newton-Krylov tests (firk_krylov_test.cpp, firk_krylov_brusselator_test.cpp):
// the solver settings of a radau/Gauss-Legendre solve with a given linear solver, and the
// accuracy comparison against the LU.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "cubie/batch/solver.hpp"

namespace cubie::test {

inline const char* const krylov_solvers[] = {"gmres", "bicgstab", "minimal_residual", "steepest_descent"};

inline solver_settings settings(const char* method, const char* linear, double rtol, std::vector<double> atol,
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
inline double error_in_tolerances(const SolveResult& r, const solver_settings& s,
                                  const std::vector<std::string>& names, const double* ref, std::size_t run = 0) {
  double worst = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const double atol = s.atol.size() == 1 ? s.atol[0] : s.atol[i];
    worst = std::max(worst, std::fabs(r.final_values(names[i])[run] - ref[i]) / (atol + s.rtol[0] * std::fabs(ref[i])));
  }
  return worst;
}

/// Krylov's error may exceed the LU's by the noise of a different (equally valid) Newton
/// path: twice the LU's, or one tolerance, whichever is larger.
inline void expect_as_accurate(double krylov, double lu, const std::string& what) {
  EXPECT_LE(krylov, std::max(2.0 * lu, 1.0)) << what;
}

}  // namespace cubie::test
