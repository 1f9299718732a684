// bench/stiff/stiff_problems.hpp
// POLLU and the ring modulator in C++ for the SUNDIALS CVODE side of bench/stiff: the same
// equations as examples/stiff/pollu.toml and ring_modulator.toml (the Test Set for IVP
// Solvers' problems "pollu" and "ringmod"), which cubie's side of the benchmark compiles.
// Templates on the arithmetic, so CVODE gets the exact Jacobian from cubie's dual numbers.
#pragma once
#include <cmath>

#include "cubie/core/dual.hpp"
#include "cubie/core/math.hpp"

namespace cubie::bench {

/// POLLU, 20 species, 25 reactions; p[0] = k1 (the photolysis rate swept).
template <class S>
struct pollu_problem {
  static constexpr int n = 20;
  static constexpr double t_end = 60.0;
  static constexpr double y0[n] = {0, 0.2, 0, 0.04, 0, 0, 0.1, 0.3, 0.01, 0, 0, 0, 0, 0, 0, 0, 0.007, 0, 0, 0};
  void rhs(double /*t*/, const S* y, double k1, S* f) const {
    constexpr double k2 = 26.6, k3 = 1.23e4, k4 = 8.6e-4, k5 = 8.2e-4, k6 = 1.5e4, k7 = 1.3e-4, k8 = 2.4e4,
                     k9 = 1.65e4, k10 = 9.0e3, k11 = 2.2e-2, k12 = 1.2e4, k13 = 1.88, k14 = 1.63e4, k15 = 4.8e6,
                     k16 = 3.5e-4, k17 = 1.75e-2, k18 = 1.0e8, k19 = 4.44e11, k20 = 1.24e3, k21 = 2.1, k22 = 5.78,
                     k23 = 4.74e-2, k24 = 1.78e3, k25 = 3.12;
    const S r1 = k1 * y[0], r2 = k2 * y[1] * y[3], r3 = k3 * y[4] * y[1], r4 = k4 * y[6], r5 = k5 * y[6];
    const S r6 = k6 * y[6] * y[5], r7 = k7 * y[8], r8 = k8 * y[8] * y[5], r9 = k9 * y[10] * y[1];
    const S r10 = k10 * y[10] * y[0], r11 = k11 * y[12], r12 = k12 * y[9] * y[1], r13 = k13 * y[13];
    const S r14 = k14 * y[0] * y[5], r15 = k15 * y[2], r16 = k16 * y[3], r17 = k17 * y[3], r18 = k18 * y[15];
    const S r19 = k19 * y[15], r20 = k20 * y[16] * y[5], r21 = k21 * y[18], r22 = k22 * y[18];
    const S r23 = k23 * y[0] * y[3], r24 = k24 * y[18] * y[0], r25 = k25 * y[19];
    f[0] = -r1 - r10 - r14 - r23 - r24 + r2 + r3 + r9 + r11 + r12 + r22 + r25;
    f[1] = -r2 - r3 - r9 - r12 + r1 + r21;
    f[2] = -r15 + r1 + r17 + r19 + r22;
    f[3] = -r2 - r16 - r17 - r23 + r15;
    f[4] = -r3 + 2.0 * r4 + r6 + r7 + r13 + r20;
    f[5] = -r6 - r8 - r14 - r20 + r3 + 2.0 * r18;
    f[6] = -r4 - r5 - r6 + r13;
    f[7] = r4 + r5 + r6 + r7;
    f[8] = -r7 - r8;
    f[9] = -r12 + r7 + r9;
    f[10] = -r9 - r10 + r8 + r11;
    f[11] = r9;
    f[12] = -r11 + r10;
    f[13] = -r13 + r12;
    f[14] = r14;
    f[15] = -r18 - r19 + r16;
    f[16] = -r20;
    f[17] = r20;
    f[18] = -r21 - r22 - r24 + r23 + r25;
    f[19] = -r25 + r24;
  }
};

/// The ring modulator, 15 states (U1..U7, I1..I8); p[0] = Cs (the stray capacitance swept).
template <class S>
struct ring_modulator_problem {
  static constexpr int n = 15;
  static constexpr double t_end = 1e-3;
  static constexpr double y0[n] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  void rhs(double t, const S* y, double Cs, S* f) const {
    constexpr double C = 1.6e-8, Cp = 1e-8, Lh = 4.45, Ls1 = 2e-3, Ls2 = 5e-4, Ls3 = 5e-4, gamma = 40.67286402e-9,
                     R = 25e3, Rp = 50.0, Rg1 = 36.3, Rg2 = 17.3, Rg3 = 17.3, Ri = 50.0, Rc = 600.0,
                     delta = 17.7493332, w1 = 6283.185307179586, w2 = 62831.85307179586;
    const double uin1 = 0.5 * std::sin(w1 * t), uin2 = 2.0 * std::sin(w2 * t);
    const S& U1 = y[0]; const S& U2 = y[1]; const S& U3 = y[2]; const S& U4 = y[3]; const S& U5 = y[4];
    const S& U6 = y[5]; const S& U7 = y[6]; const S& I1 = y[7]; const S& I2 = y[8]; const S& I3 = y[9];
    const S& I4 = y[10]; const S& I5 = y[11]; const S& I6 = y[12]; const S& I7 = y[13]; const S& I8 = y[14];
    const S qD1 = gamma * (math::exp(delta * (U3 - U5 - U7 - uin2)) - 1.0);
    const S qD2 = gamma * (math::exp(delta * (-U4 + U6 - U7 - uin2)) - 1.0);
    const S qD3 = gamma * (math::exp(delta * (U4 + U5 + U7 + uin2)) - 1.0);
    const S qD4 = gamma * (math::exp(delta * (-U3 - U6 + U7 + uin2)) - 1.0);
    f[0] = (I1 - 0.5 * I3 + 0.5 * I4 + I7 - U1 / R) / C;
    f[1] = (I2 - 0.5 * I5 + 0.5 * I6 + I8 - U2 / R) / C;
    f[2] = (I3 - qD1 + qD4) / Cs;
    f[3] = (-I4 + qD2 - qD3) / Cs;
    f[4] = (I5 + qD1 - qD3) / Cs;
    f[5] = (-I6 - qD2 + qD4) / Cs;
    f[6] = (-U7 / Rp + qD1 + qD2 - qD3 - qD4) / Cp;
    f[7] = -U1 / Lh;
    f[8] = -U2 / Lh;
    f[9] = (0.5 * U1 - U3 - Rg2 * I3) / Ls2;
    f[10] = (-0.5 * U1 + U4 - Rg3 * I4) / Ls3;
    f[11] = (0.5 * U2 - U5 - Rg2 * I5) / Ls2;
    f[12] = (-0.5 * U2 + U6 - Rg3 * I6) / Ls3;
    f[13] = (-U1 + uin1 - (Ri + Rg1) * I7) / Ls1;
    f[14] = (-U2 - (Rc + Rg1) * I8) / Ls1;
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
