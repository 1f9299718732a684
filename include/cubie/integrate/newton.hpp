// cubie/integrate/newton.hpp
// The simplified Newton iteration of one implicit stage, shared by the implicit Runge-Kutta
// steppers: the iteration matrix M = c I - J is factorised once per step (and stage
// diagonal), and each iteration costs one f and one solve with it. Convergence is judged
// by Hairer & Wanner's rate monitoring (Solving ODEs II, IV.8): with theta the contraction
// of successive increments and eta = theta / (1 - theta), an iterate is converged when
// eta ||dZ|| <= 1 in the Newton tolerances' norm; theta >= 0.99 (or a non-finite
// increment) is divergence, and a rate that cannot reach the tolerance within the
// iterations left stops early, counted as too many iterations.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/fixed_vector.hpp"
#include "../core/math.hpp"
#include "../core/scalar_traits.hpp"
#include "newton_settings.hpp"

namespace cubie {

/// How one stage's iteration ended, per lane.
template <class S>
struct newton_outcome {
  mask_t<S> converged;
  mask_t<S> diverged;   // contraction >= 0.99, or a non-finite increment
  S iterations;         // iterations taken (f evaluations of the stage)
};

/// Solves Z = h a_ii f(t_stage, base + Z) for Z, starting from the Z given, with the
/// factorised M = c I - J, c = 1 / (h a_ii): each iteration solves M dZ = f(base + Z) - c Z.
/// `weight` holds 1 / (newton_atol + newton_rtol |y_n|); `eta` carries the rate estimate
/// from stage to stage and step to step (per lane). Lanes stop iterating as they converge
/// or fail; a SIMD pack iterates while any lane still runs.
template <class Sys, class Matrix, class S, int N, int P, class V>
CUBIE_HD CUBIE_FORCEINLINE newton_outcome<S> newton_stage(const Sys& sys, Matrix& m,
                                                          const newton_settings<V>& ns, S t_stage, S c,
                                                          const fixed_vector<S, N>& base,
                                                          const fixed_vector<S, P>& p,
                                                          const fixed_vector<S, N>& weight, fixed_vector<S, N>& Z,
                                                          S& eta) {
  using M = mask_t<S>;
  M running = M(true);
  M converged = M(false);
  M diverged = M(false);
  S iterations = S(0.0);
  S norm_prev = S(1.0);
  for (int k = 0; k < ns.max_iters; ++k) {
    if (!math::any(running)) break;
    fixed_vector<S, N> yi, r;
    CUBIE_UNROLL
    for (int n = 0; n < N; ++n) yi[n] = base[n] + Z[n];
    sys.rhs(t_stage, yi.data(), p.data(), r.data());
    CUBIE_UNROLL
    for (int n = 0; n < N; ++n) r[n] = r[n] - c * Z[n];
    m.solve(sys, r);
    // A matrix-free solve can fail (too many linear iterations, breakdown): that lane's
    // iteration stops unconverged, and the step is rejected.
    M solve_failed = M(false);
    if constexpr (requires { m.solve_failed(); }) solve_failed = m.solve_failed();
    S acc = S(0.0);
    CUBIE_UNROLL
    for (int n = 0; n < N; ++n) {
      const S q = r[n] * weight[n];
      acc = acc + q * q;
    }
    const S norm = math::sqrt(acc * S(1.0 / N));
    const M finite = (norm * S(0.0)) == S(0.0);
    M div_now = !finite;
    M slow_now = M(false);
    if (k > 0) {
      const S theta = norm / math::max(norm_prev, S(1e-30));
      div_now = div_now | (theta >= S(0.99));
      const S th = math::min(theta, S(0.99));
      eta = math::select(running & !div_now & !solve_failed, th / (S(1.0) - th), eta);
      // The error left after the remaining iterations, theta^left / (1 - theta) ||dZ||,
      // would still exceed the tolerance: stop now rather than spend them.
      // Converted in the precision of S: through double, float32 kernels would convert twice in fp64
      // per iteration (I2F.F64, F2F.F32.F64).
      const S left = S(value_type_t<S>(ns.max_iters - 1 - k));
      const S reach = math::controller_pow(math::max(th, S(1e-30)), left) / (S(1.0) - th) * norm;
      slow_now = reach > S(1.0);
    }
    const M moved = running & !div_now & !solve_failed;
    CUBIE_UNROLL
    for (int n = 0; n < N; ++n) Z[n] = math::select(moved, Z[n] + r[n], Z[n]);
    iterations = math::select(running, iterations + S(1.0), iterations);
    const M conv_now = moved & (eta * norm <= S(1.0));
    diverged = diverged | (running & div_now);
    converged = converged | conv_now;
    running = moved & !conv_now & !slow_now;
    norm_prev = norm;
  }
  return newton_outcome<S>{converged, diverged, iterations};
}

}  // namespace cubie
