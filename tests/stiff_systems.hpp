// tests/stiff_systems.hpp
// Stiff test systems for the implicit methods, written as C++ system templates (the same
// functors run as float, double, SIMD packs and dual numbers): Robertson's kinetics, Van der
// Pol, Prothero-Robinson, and variants that supply their own Jacobian.
#pragma once
#include "cubie/core/math.hpp"
#include "cubie/integrate/system.hpp"

namespace cubie::test {

/// Robertson's chemical kinetics (Hairer & Wanner II, IV.1): rate constants as parameters.
template <class S>
struct robertson {
  static constexpr int n_states = 3;
  static constexpr int n_parameters = 3;
  static constexpr int n_observables = 0;
  static constexpr const char* name = "robertson";
  static constexpr const char* state_names = "y1,y2,y3";
  static constexpr const char* parameter_names = "k1,k2,k3";
  static constexpr const char* observable_names = "";
  static constexpr bool autonomous = true;

  CUBIE_HD CUBIE_FORCEINLINE void rhs(S /*t*/, const S* y, const S* p, S* f) const {
    f[0] = -p[0] * y[0] + p[2] * y[1] * y[2];
    f[1] = p[0] * y[0] - p[2] * y[1] * y[2] - p[1] * y[1] * y[1];
    f[2] = p[1] * y[1] * y[1];
  }
};

/// Robertson with its Jacobian written by hand (the dense_user path).
template <class S>
struct robertson_with_jacobian : robertson<S> {
  CUBIE_HD CUBIE_FORCEINLINE void jacobian(S /*t*/, const S* y, const S* p, S* J) const {
    J[0] = -p[0];
    J[1] = p[2] * y[2];
    J[2] = p[2] * y[1];
    J[3] = p[0];
    J[4] = -p[2] * y[2] - S(2.0) * p[1] * y[1];
    J[5] = -p[2] * y[1];
    J[6] = S(0.0);
    J[7] = S(2.0) * p[1] * y[1];
    J[8] = S(0.0);
  }
};

/// Van der Pol in Lienard-free form with stiffness mu: x' = y, y' = mu (1 - x^2) y - x.
template <class S>
struct van_der_pol {
  static constexpr int n_states = 2;
  static constexpr int n_parameters = 1;
  static constexpr int n_observables = 0;
  static constexpr const char* name = "van_der_pol";
  static constexpr const char* state_names = "x,y";
  static constexpr const char* parameter_names = "mu";
  static constexpr const char* observable_names = "";
  static constexpr bool autonomous = true;

  CUBIE_HD CUBIE_FORCEINLINE void rhs(S /*t*/, const S* y, const S* p, S* f) const {
    f[0] = y[1];
    f[1] = p[0] * (S(1.0) - y[0] * y[0]) * y[1] - y[0];
  }
};

/// Prothero & Robinson's test: y' = L (y - g(t)) + g'(t), g(t) = sin(t) + cos(2t); y = g for
/// y(0) = g(0) = 1. Non-autonomous: the stage times and df/dt enter the error.
template <class S>
struct prothero_robinson {
  static constexpr int n_states = 1;
  static constexpr int n_parameters = 1;
  static constexpr int n_observables = 0;
  static constexpr const char* name = "prothero_robinson";
  static constexpr const char* state_names = "y";
  static constexpr const char* parameter_names = "L";
  static constexpr const char* observable_names = "";

  CUBIE_HD CUBIE_FORCEINLINE void rhs(S t, const S* y, const S* p, S* f) const {
    const S g = math::sin(t) + math::cos(S(2.0) * t);
    const S dg = math::cos(t) - S(2.0) * math::sin(S(2.0) * t);
    f[0] = p[0] * (y[0] - g) + dg;
  }
};

/// y' = -c sqrt(y): f is finite at y = 0 but its derivative is not, so the iteration matrix
/// of a run starting there is not finite (status_singular_matrix); other runs are smooth.
template <class S>
struct sqrt_decay {
  static constexpr int n_states = 1;
  static constexpr int n_parameters = 1;
  static constexpr int n_observables = 0;
  static constexpr const char* name = "sqrt_decay";
  static constexpr const char* state_names = "y";
  static constexpr const char* parameter_names = "c";
  static constexpr const char* observable_names = "";
  static constexpr bool autonomous = true;

  CUBIE_HD CUBIE_FORCEINLINE void rhs(S /*t*/, const S* y, const S* p, S* f) const {
    f[0] = -p[0] * math::sqrt(y[0]);
  }
};

}  // namespace cubie::test

namespace cubie::test {

/// Robertson with the contract's sparse interface written by hand, as the code generator
/// would emit it: the pattern of J plus the diagonal, in natural elimination order without
/// fill (row 3 has no entry in column 1), stored [a00 a01 a02 a10 a11 a12 a21 a22].
template <class S>
struct robertson_sparse : robertson<S> {
  static constexpr int sparse_nnz = 8;

  CUBIE_HD CUBIE_FORCEINLINE void jacobian_sparse(S /*t*/, const S* y, const S* p, S* jv) const {
    jv[0] = -p[0];
    jv[1] = p[2] * y[2];
    jv[2] = p[2] * y[1];
    jv[3] = p[0];
    jv[4] = -p[2] * y[2] - S(2.0) * p[1] * y[1];
    jv[5] = -p[2] * y[1];
    jv[6] = S(2.0) * p[1] * y[1];
    jv[7] = S(0.0);
  }
  /// jv <- LU of c I - J in place (multipliers where the eliminated entries were).
  CUBIE_HD CUBIE_FORCEINLINE auto factor_shifted(S c, S* jv) const {
    for (int k = 0; k < 8; ++k) jv[k] = -jv[k];
    jv[0] = jv[0] + c;
    jv[4] = jv[4] + c;
    jv[7] = jv[7] + c;
    jv[3] = jv[3] / jv[0];
    jv[4] = jv[4] - jv[3] * jv[1];
    jv[5] = jv[5] - jv[3] * jv[2];
    jv[6] = jv[6] / jv[4];
    jv[7] = jv[7] - jv[6] * jv[5];
    return math::mask_and(math::mask_and(math::is_finite(S(1.0) / jv[0]), math::is_finite(S(1.0) / jv[4])),
                          math::mask_and(math::is_finite(S(1.0) / jv[7]),
                                         math::mask_and(math::is_finite(jv[0]),
                                                        math::mask_and(math::is_finite(jv[4]), math::is_finite(jv[7])))));
  }
  CUBIE_HD CUBIE_FORCEINLINE void solve_factored(const S* lu, S* x) const {
    x[1] = x[1] - lu[3] * x[0];
    x[2] = x[2] - lu[6] * x[1];
    x[2] = x[2] / lu[7];
    x[1] = (x[1] - lu[5] * x[2]) / lu[4];
    x[0] = (x[0] - lu[1] * x[1] - lu[2] * x[2]) / lu[0];
  }
};

}  // namespace cubie::test

namespace cubie::test {

/// The Oregonator (Field & Noyes; Hairer & Wanner II, OREGO): from (1, 2, 3) over [0, 360].
template <class S>
struct orego {
  static constexpr int n_states = 3;
  static constexpr int n_parameters = 0;
  static constexpr int n_observables = 0;
  static constexpr const char* name = "orego";
  static constexpr const char* state_names = "y1,y2,y3";
  static constexpr const char* parameter_names = "";
  static constexpr const char* observable_names = "";
  static constexpr bool autonomous = true;

  CUBIE_HD CUBIE_FORCEINLINE void rhs(S /*t*/, const S* y, const S* /*p*/, S* f) const {
    f[0] = S(77.27) * (y[1] + y[0] * (S(1.0) - S(8.375e-6) * y[0] - y[1]));
    f[1] = (y[2] - (S(1.0) + y[0]) * y[1]) / S(77.27);
    f[2] = S(0.161) * (y[0] - y[2]);
  }
};

/// HIRES, plant physiology (Schaefer 1975; Hairer & Wanner II): 8 states over [0, 321.8122]
/// from (1, 0, 0, 0, 0, 0, 0, 0.0057).
template <class S>
struct hires {
  static constexpr int n_states = 8;
  static constexpr int n_parameters = 0;
  static constexpr int n_observables = 0;
  static constexpr const char* name = "hires";
  static constexpr const char* state_names = "y1,y2,y3,y4,y5,y6,y7,y8";
  static constexpr const char* parameter_names = "";
  static constexpr const char* observable_names = "";
  static constexpr bool autonomous = true;

  CUBIE_HD CUBIE_FORCEINLINE void rhs(S /*t*/, const S* y, const S* /*p*/, S* f) const {
    const S r = S(280.0) * y[5] * y[7];
    f[0] = S(-1.71) * y[0] + S(0.43) * y[1] + S(8.32) * y[2] + S(0.0007);
    f[1] = S(1.71) * y[0] - S(8.75) * y[1];
    f[2] = S(-10.03) * y[2] + S(0.43) * y[3] + S(0.035) * y[4];
    f[3] = S(8.32) * y[1] + S(1.71) * y[2] - S(1.12) * y[3];
    f[4] = S(-1.745) * y[4] + S(0.43) * y[5] + S(0.43) * y[6];
    f[5] = -r + S(0.69) * y[3] + S(1.71) * y[4] - S(0.43) * y[5] + S(0.69) * y[6];
    f[6] = r - S(1.81) * y[6];
    f[7] = -r + S(1.81) * y[6];
  }
};

}  // namespace cubie::test

namespace cubie::test {

/// The convergence-order problem (test_systems.hpp: rigid body, u' = -2 t u^2, v' = v cos t)
/// beside Prothero-Robinson's w' = L (w - g(t)) + g'(t): one system serves the classical and
/// the stiff order studies (zero initial values switch order_problem's parts off; L = 0 makes
/// w a smooth quadrature), so each Rosenbrock method is compiled once for both.
template <class S>
struct order_and_prothero_robinson {
  static constexpr int n_states = 6;
  static constexpr int n_parameters = 2;
  static constexpr int n_observables = 0;
  static constexpr const char* name = "order_and_prothero_robinson";
  static constexpr const char* state_names = "y1,y2,y3,u,v,w";
  static constexpr const char* parameter_names = "k2,L";
  static constexpr const char* observable_names = "";

  CUBIE_HD CUBIE_FORCEINLINE void rhs(S t, const S* y, const S* p, S* f) const {
    f[0] = y[1] * y[2];
    f[1] = -y[0] * y[2];
    f[2] = -p[0] * y[0] * y[1];
    f[3] = S(-2.0) * t * y[3] * y[3];
    f[4] = y[4] * math::cos(t);
    const S g = math::sin(t) + math::cos(S(2.0) * t);
    const S dg = math::cos(t) - S(2.0) * math::sin(S(2.0) * t);
    f[5] = p[1] * (y[5] - g) + dg;
  }
};

}  // namespace cubie::test
