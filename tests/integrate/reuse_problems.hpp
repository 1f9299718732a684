// tests/integrate/reuse_problems.hpp
// POLLU and the ring modulator as C++ systems (the equations of examples/stiff/pollu.toml and
// ring_modulator.toml, the Test Set for IVP Solvers' "pollu" and "ringmod"), for the tests that
// drive a Newton stepper directly and count its Jacobians and factorisations.
#pragma once
#include "cubie/core/math.hpp"

namespace cubie::test {

/// POLLU, 20 species, 25 reactions; p[0] = k1. From y0 below to t = 60.
template <class S>
struct pollu {
  static constexpr int n_states = 20;
  static constexpr int n_parameters = 1;
  static constexpr int n_observables = 0;
  static constexpr const char* name = "pollu";
  static constexpr const char* state_names = "y1,y2,y3,y4,y5,y6,y7,y8,y9,y10,y11,y12,y13,y14,y15,y16,y17,y18,y19,y20";
  static constexpr const char* parameter_names = "k1";
  static constexpr const char* observable_names = "";
  static constexpr bool autonomous = true;
  static constexpr double y0[20] = {0, 0.2, 0, 0.04, 0, 0, 0.1, 0.3, 0.01, 0, 0, 0, 0, 0, 0, 0, 0.007, 0, 0, 0};

  CUBIE_HD CUBIE_FORCEINLINE void rhs(S /*t*/, const S* y, const S* p, S* f) const {
    const double k2 = 26.6, k3 = 1.23e4, k4 = 8.6e-4, k5 = 8.2e-4, k6 = 1.5e4, k7 = 1.3e-4, k8 = 2.4e4,
                 k9 = 1.65e4, k10 = 9.0e3, k11 = 2.2e-2, k12 = 1.2e4, k13 = 1.88, k14 = 1.63e4, k15 = 4.8e6,
                 k16 = 3.5e-4, k17 = 1.75e-2, k18 = 1.0e8, k19 = 4.44e11, k20 = 1.24e3, k21 = 2.1, k22 = 5.78,
                 k23 = 4.74e-2, k24 = 1.78e3, k25 = 3.12;
    const S r1 = p[0] * y[0], r2 = S(k2) * y[1] * y[3], r3 = S(k3) * y[4] * y[1], r4 = S(k4) * y[6];
    const S r5 = S(k5) * y[6], r6 = S(k6) * y[6] * y[5], r7 = S(k7) * y[8], r8 = S(k8) * y[8] * y[5];
    const S r9 = S(k9) * y[10] * y[1], r10 = S(k10) * y[10] * y[0], r11 = S(k11) * y[12];
    const S r12 = S(k12) * y[9] * y[1], r13 = S(k13) * y[13], r14 = S(k14) * y[0] * y[5], r15 = S(k15) * y[2];
    const S r16 = S(k16) * y[3], r17 = S(k17) * y[3], r18 = S(k18) * y[15], r19 = S(k19) * y[15];
    const S r20 = S(k20) * y[16] * y[5], r21 = S(k21) * y[18], r22 = S(k22) * y[18], r23 = S(k23) * y[0] * y[3];
    const S r24 = S(k24) * y[18] * y[0], r25 = S(k25) * y[19];
    f[0] = -r1 - r10 - r14 - r23 - r24 + r2 + r3 + r9 + r11 + r12 + r22 + r25;
    f[1] = -r2 - r3 - r9 - r12 + r1 + r21;
    f[2] = -r15 + r1 + r17 + r19 + r22;
    f[3] = -r2 - r16 - r17 - r23 + r15;
    f[4] = -r3 + S(2.0) * r4 + r6 + r7 + r13 + r20;
    f[5] = -r6 - r8 - r14 - r20 + r3 + S(2.0) * r18;
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

/// The ring modulator, 15 states (U1..U7, I1..I8), from rest to t = 1e-3; p[0] = Cs.
template <class S>
struct ring_modulator {
  static constexpr int n_states = 15;
  static constexpr int n_parameters = 1;
  static constexpr int n_observables = 0;
  static constexpr const char* name = "ring_modulator";
  static constexpr const char* state_names = "U1,U2,U3,U4,U5,U6,U7,I1,I2,I3,I4,I5,I6,I7,I8";
  static constexpr const char* parameter_names = "Cs";
  static constexpr const char* observable_names = "";
  static constexpr double y0[15] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

  CUBIE_HD CUBIE_FORCEINLINE void rhs(S t, const S* y, const S* p, S* f) const {
    const double C = 1.6e-8, Cp = 1e-8, Lh = 4.45, Ls1 = 2e-3, Ls2 = 5e-4, Ls3 = 5e-4, gamma = 40.67286402e-9,
                 R = 25e3, Rp = 50.0, Rg1 = 36.3, Rg2 = 17.3, Rg3 = 17.3, Ri = 50.0, Rc = 600.0,
                 delta = 17.7493332, w1 = 6283.185307179586, w2 = 62831.85307179586;
    const S uin1 = S(0.5) * math::sin(S(w1) * t), uin2 = S(2.0) * math::sin(S(w2) * t);
    const S U1 = y[0], U2 = y[1], U3 = y[2], U4 = y[3], U5 = y[4], U6 = y[5], U7 = y[6];
    const S I1 = y[7], I2 = y[8], I3 = y[9], I4 = y[10], I5 = y[11], I6 = y[12], I7 = y[13], I8 = y[14];
    const S Cs = p[0];
    const S qD1 = S(gamma) * (math::exp(S(delta) * (U3 - U5 - U7 - uin2)) - S(1.0));
    const S qD2 = S(gamma) * (math::exp(S(delta) * (-U4 + U6 - U7 - uin2)) - S(1.0));
    const S qD3 = S(gamma) * (math::exp(S(delta) * (U4 + U5 + U7 + uin2)) - S(1.0));
    const S qD4 = S(gamma) * (math::exp(S(delta) * (-U3 - U6 + U7 + uin2)) - S(1.0));
    f[0] = (I1 - S(0.5) * I3 + S(0.5) * I4 + I7 - U1 / S(R)) / S(C);
    f[1] = (I2 - S(0.5) * I5 + S(0.5) * I6 + I8 - U2 / S(R)) / S(C);
    f[2] = (I3 - qD1 + qD4) / Cs;
    f[3] = (-I4 + qD2 - qD3) / Cs;
    f[4] = (I5 + qD1 - qD3) / Cs;
    f[5] = (-I6 - qD2 + qD4) / Cs;
    f[6] = (-U7 / S(Rp) + qD1 + qD2 - qD3 - qD4) / S(Cp);
    f[7] = -U1 / S(Lh);
    f[8] = -U2 / S(Lh);
    f[9] = (S(0.5) * U1 - U3 - S(Rg2) * I3) / S(Ls2);
    f[10] = (S(-0.5) * U1 + U4 - S(Rg3) * I4) / S(Ls3);
    f[11] = (S(0.5) * U2 - U5 - S(Rg2) * I5) / S(Ls2);
    f[12] = (S(-0.5) * U2 + U6 - S(Rg3) * I6) / S(Ls3);
    f[13] = (-U1 + uin1 - S(Ri + Rg1) * I7) / S(Ls1);
    f[14] = (-U2 - S(Rc + Rg1) * I8) / S(Ls1);
  }
};

}  // namespace cubie::test
