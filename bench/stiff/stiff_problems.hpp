// bench/stiff/stiff_problems.hpp
// POLLU and the ring modulator in C++ for the SUNDIALS CVODE side of bench/stiff: the same
// equations as examples/stiff/pollu.toml and ring_modulator.toml (the Test Set for IVP
// Solvers' problems "pollu" and "ringmod"), which cubie's side of the benchmark compiles; the
// equations themselves are tests/integrate/reuse_problems.hpp's C++ systems.
// Templates on the arithmetic, so CVODE gets the exact Jacobian from cubie's dual numbers.
#pragma once
#include <cmath>

#include "cubie/core/dual.hpp"
#include "cubie/core/math.hpp"
#include "integrate/reuse_problems.hpp"  // the systems, from tests/

namespace cubie::bench {

/// POLLU, 20 species, 25 reactions; k1 (the photolysis rate) swept. The equations are the
/// C++ system of tests/integrate/reuse_problems.hpp, written once.
template <class S>
struct pollu_problem {
  static constexpr int n = test::pollu<S>::n_states;
  static constexpr double t_end = 60.0;
  static constexpr const double* y0 = test::pollu<S>::y0;
  void rhs(double t, const S* y, double k1, S* f) const {
    const S p[1] = {S(k1)};
    test::pollu<S>{}.rhs(S(t), y, p, f);
  }
};

/// The ring modulator, 15 states (U1..U7, I1..I8); Cs (the stray capacitance) swept. The
/// equations are the C++ system of tests/integrate/reuse_problems.hpp.
template <class S>
struct ring_modulator_problem {
  static constexpr int n = test::ring_modulator<S>::n_states;
  static constexpr double t_end = 1e-3;
  static constexpr const double* y0 = test::ring_modulator<S>::y0;
  void rhs(double t, const S* y, double Cs, S* f) const {
    const S p[1] = {S(Cs)};
    test::ring_modulator<S>{}.rhs(S(t), y, p, f);
  }
};

/// f and the dense Jacobian J[i*n + j] = d f_i / d y_j of Problem at (t, y), from one
/// evaluation with dual numbers carrying n partials.
template <template <class> class Problem>
void rhs_and_jacobian(double t, const double* y, double p, double* f, double* J) {
  constexpr int n = Problem<double>::n;
  using D = dual<double, n>;
  D yd[n], fd[n];
  for (int j = 0; j < n; ++j) yd[j] = D::variable(y[j], j);
  Problem<D>{}.rhs(t, yd, p, fd);
  for (int i = 0; i < n; ++i) {
    if (f) f[i] = fd[i].v;
    for (int j = 0; j < n; ++j) J[i * n + j] = fd[i].d[j];
  }
}

}  // namespace cubie::bench
