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
#include "rhs_call.hpp"

namespace cubie {

/// How one stage's iteration ended, per lane.
template <class S>
struct newton_outcome {
  mask_t<S> converged;
  mask_t<S> diverged;   // contraction >= 0.99, or a non-finite increment
  S iterations;         // iterations taken (f evaluations of the stage)
  S theta;              // the largest contraction measured (0 after a single iteration):
                        // Hairer's rule for keeping J (jacobian_reuse below)
};

/// Why a trial step's Newton iterations failed, per lane (all false where they converged).
template <class S>
struct newton_failure {
  mask_t<S> max_iters;         // not converged within newton_max_iters (or could not be)
  mask_t<S> diverged;          // contraction >= 0.99, or a non-finite increment
  mask_t<S> linear_max_iters;  // a matrix-free linear solve did not converge in krylov_max_iters
  mask_t<S> linear_breakdown;  // a matrix-free linear solve broke down

  CUBIE_HD static CUBIE_FORCEINLINE newton_failure none() {
    return {mask_t<S>(false), mask_t<S>(false), mask_t<S>(false), mask_t<S>(false)};
  }

  /// The reasons of a trial with a direct (LU) solver: lanes that did not converge either
  /// diverged or ran out of iterations.
  CUBIE_HD CUBIE_FORCEINLINE void set(mask_t<S> converged, mask_t<S> diverged_lanes) {
    diverged = diverged_lanes;
    max_iters = math::mask_and(math::mask_not(converged), math::mask_not(diverged_lanes));
    linear_max_iters = mask_t<S>(false);
    linear_breakdown = mask_t<S>(false);
  }

  /// The same with matrix-free solves, whose trial tally (matrix_free_matrix.hpp's
  /// linear_tally: max_iters, breakdown) says where a linear solve failed: on the lanes in
  /// `failed` that is the reason (Newton stopped there), a breakdown before too many
  /// iterations. The tally's failure masks are reset for the next trial.
  template <class Tally>
  CUBIE_HD CUBIE_FORCEINLINE void set_matrix_free(mask_t<S> converged, mask_t<S> diverged_lanes, mask_t<S> failed,
                                                  Tally& tally) {
    set(converged, diverged_lanes);
    linear_breakdown = math::mask_and(failed, tally.breakdown);
    linear_max_iters = math::mask_and(failed, math::mask_and(tally.max_iters, math::mask_not(tally.breakdown)));
    const mask_t<S> linear = math::mask_or(linear_breakdown, linear_max_iters);
    diverged = math::mask_and(diverged, math::mask_not(linear));
    max_iters = math::mask_and(max_iters, math::mask_not(linear));
    tally.max_iters = mask_t<S>(false);
    tally.breakdown = mask_t<S>(false);
  }
};

/// Hairer's reuse of J and the iteration matrices across steps (Hairer & Wanner IV.8,
/// RADAU5), the bookkeeping the implicit steppers with kept factors share (firk_stepper.hpp,
/// dirk_stepper.hpp), per lane: J is evaluated again only after an accepted step whose Newton
/// iterations contracted slowly (theta above the stepper's threshold: RADAU5's thet), after a rejected step
/// whose J was not taken at its own starting point, or after an event moved the run; the
/// factors again only when J or h changed (the Newton families' controller keeps h exactly
/// for proposed gains within its deadband [1, 1.2], RADAU5's quot1/quot2).
template <class S>
struct jacobian_reuse {
  using Mask = mask_t<S>;

  Mask want = Mask(true);    // the next trial evaluates J
  Mask fresh = Mask(false);  // J was evaluated at the current starting point
  S h_factored = S(0.0);     // the h the factors were made for (0: none, or J changed since)
  S theta = S(0.0);          // the last trial's (largest) Newton contraction

  /// At the first point: J, then the factors, on the first trial.
  CUBIE_HD CUBIE_FORCEINLINE void start() {
    want = Mask(true);
    fresh = Mask(false);
    h_factored = S(0.0);
    theta = S(0.0);
  }

  /// The lanes whose J the trial must evaluate (none: J is kept). Marks them evaluated, and
  /// the factors as stale where any lane takes a new J.
  CUBIE_HD CUBIE_FORCEINLINE Mask take_jacobian() {
    const Mask take = want;
    if (math::any(take)) {
      renewed(take);
      want = Mask(false);
    }
    return take;
  }

  /// The lanes given take a new J within the trial (a retry after a Newton failure with an
  /// older one): marked evaluated here, the factors stale.
  CUBIE_HD CUBIE_FORCEINLINE void renewed(Mask lanes) {
    fresh = math::mask_or(fresh, lanes);
    h_factored = S(0.0);
  }

  /// Whether a trial of size h must factorise again (any lane's J or h changed); when it
  /// does, the factors are recorded as made for h.
  CUBIE_HD CUBIE_FORCEINLINE bool take_factorization(S h) {
    if (!math::any(h != h_factored)) return false;
    h_factored = h;
    return true;
  }

  /// After the loop judged the trial: accepted lanes keep J unless their Newton iterations
  /// contracted by more than keep_theta; rejected lanes retry with J at their own starting
  /// point (RADAU5).
  CUBIE_HD CUBIE_FORCEINLINE void advance(Mask accepted, double keep_theta) {
    const Mask slow = theta > S(keep_theta);
    want = math::mask_or(math::mask_and(accepted, slow),
                         math::mask_and(math::mask_not(accepted), math::mask_or(want, math::mask_not(fresh))));
    fresh = math::mask_and(fresh, math::mask_not(accepted));
  }

  /// After an event moved lanes: their J no longer describes the run.
  CUBIE_HD CUBIE_FORCEINLINE void restart(Mask moved) {
    want = math::mask_or(want, moved);
    fresh = math::mask_and(fresh, math::mask_not(moved));
  }
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
  S theta_max = S(0.0);
  for (int k = 0; k < ns.max_iters; ++k) {
    if (!math::any(running)) break;
    fixed_vector<S, N> yi, r;
    CUBIE_UNROLL_STATES(N)
    for (int n = 0; n < N; ++n) yi[n] = base[n] + Z[n];
    call_rhs(sys, t_stage, yi.data(), p.data(), r.data());
    CUBIE_UNROLL_STATES(N)
    for (int n = 0; n < N; ++n) r[n] = r[n] - c * Z[n];
    m.solve(sys, r);
    // A matrix-free solve can fail (too many linear iterations, breakdown): that lane's
    // iteration stops unconverged, and the step is rejected.
    M solve_failed = M(false);
    if constexpr (requires { m.solve_failed(); }) solve_failed = m.solve_failed();
    S acc = S(0.0);
    CUBIE_UNROLL_STATES(N)
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
      theta_max = math::select(running, math::max(theta_max, theta), theta_max);
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
    CUBIE_UNROLL_STATES(N)
    for (int n = 0; n < N; ++n) Z[n] = math::select(moved, Z[n] + r[n], Z[n]);
    iterations = math::select(running, iterations + S(1.0), iterations);
    const M conv_now = moved & (eta * norm <= S(1.0));
    diverged = diverged | (running & div_now);
    converged = converged | conv_now;
    running = moved & !conv_now & !slow_now;
    norm_prev = norm;
  }
  return newton_outcome<S>{converged, diverged, iterations, theta_max};
}

}  // namespace cubie
