// cubie/integrate/stepper.hpp
// What the per-run loop asks of a stepper, and how a method finds its stepper.
//
// A stepper is a per-run object (one GPU thread's registers, or one SIMD pack's) templated
// on <Method, S, N> that owns everything a family keeps between steps: stage vectors, the
// derivative at the current point, error estimates, later Jacobians and factorisations.
// The loop (integrate_run.hpp) calls, in this order:
//
//   start(sys, t, y, p)                    once: f (and whatever else) at the first point
//   slope()                                f(t, y) at the first point (the initial step size)
//   step(sys, t, h, y, p, work) -> step_outcome   one trial step of size h
//   proposal(), error_norm(y, atol, rtol)  the trial and its mean-square error norm
//   advance(sys, accepted, t, y, p)        after the loop moved the accepted lanes to (t, y)
//   advance_all(sys, t_next, y, p)         fixed steps: every lane takes the proposal
//   restart(sys, moved, t, y, p)           after an event moved lanes to (t, y) (events.hpp):
//                                          whatever they carry between steps (f) is
//                                          recomputed there; the other lanes keep theirs
//
// and reads the constants order, error_order, adaptive and the type work_type, the counts
// of implicit work per step (Newton and linear iterations, Jacobians, factorisations) that
// the loop accumulates per run and a controller may read; explicit steppers do none.
// Events locate crossings on the cubic Hermite interpolant from y and f at both ends of the
// accepted step (f at the start is slope(), read before advance()); a stepper with a dense
// output of its own could offer it later.
//
// A new family: its tableau type, its stepper, and one specialisation of stepper_family
// below mapping the tableau type to the stepper.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/scalar_traits.hpp"

namespace cubie {

/// How one trial step went, per lane.
template <class S>
struct step_outcome {
  /// The trial can be judged by its error estimate. False rejects it as a large error
  /// does: the step is retried smaller (e.g. a Newton iteration that did not converge).
  mask_t<S> ok;
  /// The iteration matrix was singular: the run stops with status_singular_matrix.
  mask_t<S> singular;

  CUBIE_HD static CUBIE_FORCEINLINE step_outcome succeeded() { return {mask_t<S>(true), mask_t<S>(false)}; }
};

/// The work type of steppers that do no implicit work.
struct no_step_work {};

/// Steppers with implicit work can fail a step (a singular matrix); explicit ones never do,
/// so code that tracks failures compiles it out for them.
template <class Work>
inline constexpr bool does_implicit_work = true;
template <>
inline constexpr bool does_implicit_work<no_step_work> = false;

/// Maps a method's tableau type to the stepper template of its family (specialised by each
/// family next to its stepper).
template <class Tableau>
struct stepper_family;

template <class T>
struct remove_const_of {
  using type = T;
};
template <class T>
struct remove_const_of<const T> {
  using type = T;
};

/// Hands a stepper that iterates (Newton families) the solve's Newton constants; the other
/// families take none.
template <class Stepper, class NewtonSettings>
CUBIE_HD CUBIE_FORCEINLINE void configure_stepper(Stepper& stepper, const NewtonSettings& ns) {
  if constexpr (requires { stepper.configure(ns); }) stepper.configure(ns);
  else (void)stepper, (void)ns;
}

namespace stepper_detail {
// A family whose per-run storage depends on the system (the FIRK family keeps its LU factors
// only where the system has a direct solver) offers with_system<Method, S, N, Sys>; the
// others are chosen by type<Method, S, N> alone.
template <class Family, class Method, class S, int N, class Sys>
struct select {
  using type = typename Family::template type<Method, S, N>;
};
template <class Family, class Method, class S, int N, class Sys>
  requires requires { typename Family::template with_system<Method, S, N, Sys>; }
struct select<Family, Method, S, N, Sys> {
  using type = typename Family::template with_system<Method, S, N, Sys>;
};
}  // namespace stepper_detail

/// The stepper of Method's family for N states in arithmetic S; Sys, the system it steps
/// (void: not known, as for reading a method's constants).
template <class Method, class S, int N, class Sys = void>
using stepper_for =
    typename stepper_detail::select<stepper_family<typename remove_const_of<decltype(Method::tableau)>::type>, Method,
                                    S, N, Sys>::type;

}  // namespace cubie
