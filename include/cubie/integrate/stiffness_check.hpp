// cubie/integrate/stiffness_check.hpp
// Why an explicit method's run failed: were its steps held by the method's stability limit
// (a stiff problem) rather than by its accuracy? Checked once per failed run, after the
// loop: the dominant eigenvalue lambda of df/dy where the run stopped, times the step the
// controller held there, against the method's real stability limit (stability_limit.hpp).
//
// On a stiff problem an explicit method's steps settle at h |lambda| ~ limit (3.3 for
// Dormand-Prince 5(4)) for a fast decaying mode, whatever the tolerance, while the solution
// is smooth; steps limited by accuracy sit well below it (h |lambda| ~ 0.2 on chaotic Lorenz
// at rtol 1e-6). The threshold h |lambda| >= limit / 2 with lambda real and negative
// separates the two by a factor of about 4 either way; a fixed step beyond the limit is
// caught too. A growing mode (lambda > 0: a solution that blows up) is not stiffness and is
// never marked. Runs so marked get status_stability_limited beside their failure bits.
//
// lambda comes from power iteration on finite differences of f, scaled per state so that a
// perturbation is sqrt(eps) relative to max(|y|, atol) (a diagonal similarity: the
// eigenvalues are those of df/dy): eleven evaluations of f per failed run, none for others.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/fixed_vector.hpp"
#include "../core/math.hpp"
#include "../core/scalar_traits.hpp"
#include "../core/status.hpp"
#include "../core/types.hpp"
#include "batch_args.hpp"
#include "butcher_tableau.hpp"
#include "stability_limit.hpp"
#include "stepper.hpp"

// SIMD packs' math overloads must be declared before the templates below (qualified math::
// calls do not use ADL); nvcc and NVRTC have no packs.
#if !CUBIE_IS_NVRTC() && !defined(__CUDACC__)
#include "../core/simd.hpp"
#endif

namespace cubie {

namespace detail {

template <class T>
struct is_butcher_tableau {
  static constexpr bool value = false;
};
template <int S>
struct is_butcher_tableau<butcher_tableau<S>> {
  static constexpr bool value = true;
};
template <int S>
struct is_butcher_tableau<const butcher_tableau<S>> {
  static constexpr bool value = true;
};

/// Methods whose failures are checked: explicit Runge-Kutta tableaus (implicit methods are
/// not limited by stability on stiff problems).
template <class Method>
inline constexpr bool checks_stability_limit = is_butcher_tableau<decltype(Method::tableau)>::value;

}  // namespace detail

/// The dominant eigenvalue of df/dy at (t, y), per lane, by power iteration on differences
/// of f (Iterations evaluations of f beyond f(t, y)): its Rayleigh quotient z^T J z for the
/// unit iterate z, averaged over the last two iterations. Real and negative for a stiff,
/// decaying mode; positive for a growing one (a blow-up is not stiffness); near the real
/// part for a complex pair, whose iterates turn within its plane instead of converging.
/// `atol` (one per state, or null for 1e-6) floors the perturbation near zero.
template <int Iterations, class Sys, class S, class V, int N, int P>
CUBIE_HD S dominant_eigenvalue(const Sys& sys, const V* atol, S t, const fixed_vector<S, N>& y,
                               const fixed_vector<S, P>& p) {
  constexpr double root_eps = sizeof(value_type_t<S>) == 4 ? 3.4526698e-4 : 1.4901161193847656e-8;
  fixed_vector<S, N> d, z, f0, f1;
  sys.rhs(t, y.data(), p.data(), f0.data());
  S zz = S(0.0);
  // State loops unroll (compile-time indices keep the vectors in registers on a GPU); the
  // iterations do not, so f is inlined once more.
  CUBIE_UNROLL
  for (int n = 0; n < N; ++n) {
    // A perturbation of sqrt(eps) relative to the state, or to atol near zero.
    const S floor = atol != nullptr ? S(atol[n]) : S(1e-6);
    d[n] = S(root_eps) * (math::max(math::abs(y[n]), floor) + S(1e-30));
    // A start with a part along every eigenvector: unequal entries of both signs.
    z[n] = S((n % 2 == 0 ? 1.0 : -1.0) * (1.0 + 0.618 * (n % 5)));
    zz = zz + z[n] * z[n];
  }
  S scale = S(1.0) / math::sqrt(zz);
  CUBIE_UNROLL
  for (int n = 0; n < N; ++n) z[n] = z[n] * scale;
  S quotient = S(0.0), previous = S(0.0);
  for (int it = 0; it < Iterations; ++it) {
    fixed_vector<S, N> u;
    CUBIE_UNROLL
    for (int n = 0; n < N; ++n) u[n] = y[n] + d[n] * z[n];
    sys.rhs(t, u.data(), p.data(), f1.data());
    S zg = S(0.0), gg = S(0.0);
    CUBIE_UNROLL
    for (int n = 0; n < N; ++n) {
      const S g = (f1[n] - f0[n]) / d[n];  // (D^-1 J D) z: the eigenvalues of J
      zg = zg + z[n] * g;
      gg = gg + g * g;
      z[n] = g;
    }
    previous = quotient;
    quotient = zg;
    const S norm = math::sqrt(gg);
    scale = math::select(norm > S(0.0), S(1.0) / norm, S(0.0));
    CUBIE_UNROLL
    for (int n = 0; n < N; ++n) z[n] = z[n] * scale;
  }
  return S(0.5) * (quotient + previous);
}

/// After a run's loop (integrate_run.hpp): for explicit methods, sets status_stability_limited
/// on the lanes in `failed` (valid lanes that stopped early) whose last step h at (t, y) had
/// h |lambda| >= limit / 2 for a decaying dominant eigenvalue lambda (real part < 0). The
/// status word was already stored; this ORs the bit in.
template <class Method, class Sys, class S, class V, class TM, int N, int P>
CUBIE_HD void mark_stability_limited(const Sys& sys, const batch_args<V>& a, i64 r, TM failed, S t, S h,
                                     const fixed_vector<S, N>& y, const fixed_vector<S, P>& p) {
  if constexpr (detail::checks_stability_limit<Method>) {
    if (!math::any(failed)) return;
    u32* const status = output_ptr<u32>(a, output_id::status);
    constexpr double limit = real_stability_limit(Method::tableau);
    const S lambda = dominant_eigenvalue<10>(sys, a.atol, t, y, p);
    const mask_t<S> held = math::abs(h) * lambda <= S(-0.5 * limit);
    const TM marked = failed & scalar_mask_to_time_mask(held);
    if constexpr (scalar_traits<S>::lanes == 1) {
      if (marked) status[r] |= u32(status_stability_limited);
    } else {
      for (int l = 0; l < scalar_traits<S>::lanes; ++l)
        if (marked[l] && r + l < a.n_runs) status[r + l] |= u32(status_stability_limited);
    }
  } else {
    (void)sys, (void)a, (void)r, (void)failed, (void)t, (void)h, (void)y, (void)p;
  }
}

}  // namespace cubie
