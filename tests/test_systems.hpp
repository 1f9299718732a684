// tests/test_systems.hpp
// Small ODE systems with known solutions for the integration and batch tests, and the
// helpers the tests share to build Solvers and named inputs. Every system is a class
// template on S (float, double or a SIMD pack), so runs differ only through parameters.
#pragma once
#include <cmath>
#include <string>
#include <vector>

#include "cubie/core/math.hpp"
#include "cubie/integrate/system.hpp"

namespace cubie::test {

/// A 2-state linear system with an optional forcing that reads t:
///   y0' = a11 y0 + a12 y1 + forcing sin(t),   y1' = a21 y0 + a22 y1.
/// One instantiation serves exponential decay (a11 = -lambda), the harmonic oscillator
/// (a12 = 1, a21 = -1) and the forced problem y0' = -y0 + sin(t); see the exact_* helpers.
template <class S>
struct linear2 {
  static constexpr int n_states = 2;
  static constexpr int n_parameters = 5;
  static constexpr int n_observables = 0;
  static constexpr const char* name = "linear2";
  static constexpr const char* state_names = "y0,y1";
  static constexpr const char* parameter_names = "a11,a12,a21,a22,forcing";
  static constexpr const char* observable_names = "";

  CUBIE_HD CUBIE_FORCEINLINE void rhs(S t, const S* y, const S* p, S* dydt) const {
    dydt[0] = p[0] * y[0] + p[1] * y[1] + p[4] * math::sin(t);
    dydt[1] = p[2] * y[0] + p[3] * y[1];
  }
};

/// The convergence-order problem: Euler's rigid body (DETEST B5; from (0, 1, 1) its solution is
/// sn, cn, dn of modulus sqrt(k2)), nonlinear and autonomous, beside two non-autonomous
/// scalars whose stage times enter the error: u' = -2 t u^2 (u = u0 / (1 + u0 t^2)) and
/// v' = v cos(t) (v = v0 exp(sin t)). A zero initial value switches a part off.
template <class S>
struct order_problem {
  static constexpr int n_states = 5;
  static constexpr int n_parameters = 1;
  static constexpr int n_observables = 0;
  static constexpr const char* name = "order_problem";
  static constexpr const char* state_names = "y1,y2,y3,u,v";
  static constexpr const char* parameter_names = "k2";
  static constexpr const char* observable_names = "";

  CUBIE_HD CUBIE_FORCEINLINE void rhs(S t, const S* y, const S* p, S* dydt) const {
    dydt[0] = y[1] * y[2];
    dydt[1] = -y[0] * y[2];
    dydt[2] = -p[0] * y[0] * y[1];
    dydt[3] = S(-2.0) * t * y[3] * y[3];
    dydt[4] = y[4] * math::cos(t);
  }
};

/// y' = c y^2: y(t) = y0 / (1 - c y0 (t - t0)), infinite at t0 + 1 / (c y0).
template <class S>
struct quadratic_blowup {
  static constexpr int n_states = 1;
  static constexpr int n_parameters = 1;
  static constexpr int n_observables = 0;
  static constexpr const char* name = "quadratic_blowup";
  static constexpr const char* state_names = "y";
  static constexpr const char* parameter_names = "c";
  static constexpr const char* observable_names = "";

  CUBIE_HD CUBIE_FORCEINLINE void rhs(S /*t*/, const S* y, const S* p, S* dydt) const {
    dydt[0] = p[0] * y[0] * y[0];
  }
};

// ---- exact solutions of linear2 ----------------------------------------------------------

/// y0(t) for y0' = -lambda y0.
inline double exact_decay(double y0, double lambda, double t0, double t) { return y0 * std::exp(-lambda * (t - t0)); }

/// (y0, y1)(t) for y0' = y1, y1' = -y0.
inline void exact_oscillator(double y0, double y1, double t0, double t, double& out0, double& out1) {
  const double c = std::cos(t - t0), s = std::sin(t - t0);
  out0 = y0 * c + y1 * s;
  out1 = -y0 * s + y1 * c;
}

/// y0(t) for y0' = -y0 + sin(t): the periodic part (sin t - cos t) / 2 plus a decaying one.
inline double exact_forced(double y0, double t0, double t) {
  auto periodic = [](double x) { return 0.5 * (std::sin(x) - std::cos(x)); };
  return (y0 - periodic(t0)) * std::exp(-(t - t0)) + periodic(t);
}

}  // namespace cubie::test
