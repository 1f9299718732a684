// tests/integrate/stiff_references.hpp
// What the stiff-method tests (Rosenbrock, DIRK, FIRK, Krylov) compare against: SciPy's Radau
// at tight tolerance on Robertson, HIRES and Van der Pol, the settings of a CPU solve, and the
// error measured in tolerances. One copy, so every family is held to the same numbers.
#pragma once
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "cubie/batch/solver.hpp"

namespace cubie::test {

// SciPy 1.17 solve_ivp(method="Radau", rtol=1e-12, atol=1e-22, exact Jacobian) from (1, 0, 0)
// with k = (0.04, 3e7, 1e4), at t = 4e4 and t = 1e11.
constexpr double robertson_4e4[3] = {0.03898337708548342, 1.6217683159097076e-07, 0.9610164607376847};
constexpr double robertson_1e11[3] = {2.0833401496992076e-08, 8.333360770326412e-14, 0.9999999791665182};
// SciPy 1.17.1 Radau, rtol 1e-12, atol 1e-16, exact Jacobian, HIRES at t = 321.8122
// (make_newton_references.py).
constexpr double hires_321[8] = {0.0007371312573325603, 0.0001442485726316172, 5.88872974096746e-05,
                                 0.0011756513432831367, 0.002386356198831157,  0.006238968252742271,
                                 0.00284999839518564,   0.0028500016048143497};
// SciPy 1.17 Radau, rtol = atol = 1e-12 (1e-13 agrees to 1e-11): Van der Pol mu = 1e3 from
// (2, 0) to t = 3000, almost two relaxation periods; (x, y).
constexpr double vdp_3000[2] = {-1.5106069367599528, 0.0011783800006902542};

/// A CPU solve with `method` and scalar rtol; atol one value or one per state.
inline solver_settings cpu_settings(const char* method, double rtol, std::vector<double> atol) {
  solver_settings s;
  s.algorithm = method;
  s.backend = "cpu";
  s.rtol = {rtol};
  s.atol = std::move(atol);
  return s;
}

/// Largest |y - ref| / (atol_i + rtol |ref_i|) over the named states of one run.
inline double error_in_tolerances(const SolveResult& r, const solver_settings& s,
                                  const std::vector<std::string>& names, const double* ref, std::size_t run = 0) {
  double worst = 0;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const double atol = s.atol.size() == 1 ? s.atol[0] : s.atol[i];
    worst = std::max(worst, std::fabs(r.final_values(names[i])[run] - ref[i]) / (atol + s.rtol[0] * std::fabs(ref[i])));
  }
  return worst;
}

}  // namespace cubie::test
