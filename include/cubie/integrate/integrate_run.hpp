// cubie/integrate/integrate_run.hpp
// The loop that integrates one run (S = float/double: a GPU thread or one CPU run) or
// one SIMD pack of runs (S = simd::pack: each lane with its own t, dt and status,
// accepted and rejected by mask). Written once; every backend calls it.
//
// Schedule: integration starts at t0; save k falls at the double t_save0 + k*save_every
// and steps are shortened to land on it exactly. A shortened step that is accepted
// leaves dt and the controller history as they were. Device code never throws: a
// run that fails sets status bits (core/status.hpp) and stops.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/fixed_vector.hpp"
#include "../core/math.hpp"
#include "../core/scalar_traits.hpp"
#include "../core/static_for.hpp"
#include "../core/types.hpp"
#include "drivers.hpp"
#include "erk_stepper.hpp"
#include "events.hpp"
#include "fixed_step_sampling.hpp"
#include "iteration_counters.hpp"
#include "lane_io.hpp"
#include "batch_args.hpp"
#include "continuation.hpp"
#include "run_failures.hpp"
#include "step_controller.hpp"
#include "stepper.hpp"
#include "stiffness_check.hpp"
#include "stepper_restart.hpp"
#include "summary_lane_io.hpp"
#include "summary_metrics.hpp"
#include "system.hpp"

// The CPU backend runs this loop on SIMD packs; their overloads must be declared
// before the loop's definition (qualified math:: calls do not use ADL). nvcc rejects
// vector types in __host__ __device__ code, so packs exist in host-compiler TUs only.
#if !CUBIE_IS_NVRTC() && !defined(__CUDACC__)
#include "simd_lane_io.hpp"
#endif

namespace cubie {

/// Which of the loop's two paths a compiled integrate_run holds: both, chosen per solve by
/// loop_settings::fixed_count_path (every ahead-of-time kernel and CPU entry), or one of
/// them, for run-time kernels built one path per program (the NVRTC model compiler: two
/// smaller programs compile in parallel, each far faster than the kernel holding both;
/// the Solver launches the one the solve takes, gpu_kernel::fixed_count).
enum class loop_paths : int { both = 0, general = 1, fixed_count = 2 };

namespace detail {

/// Records save `k` for the lanes in `write`: selected states and observables.
template <class Sys, class S, class V, class TM, class C, int N, int P>
CUBIE_HD CUBIE_FORCEINLINE void record_save_here(const Sys& sys, const batch_args<V>& a, i64 r, TM write, C k, S t,
                                            const fixed_vector<S, N>& y, const fixed_vector<S, P>& p) {
  // A listed save time schedule may end before t_end, which is landed on but not recorded.
  write = write & (k <= C(a.loop.last_save));
  static_for<0, N>([&](auto idx) CUBIE_INLINE_LAMBDA {
    constexpr int n = decltype(idx)::value;
    const int slot = a.state_slot[n];
    if (slot >= 0) store_output(a, k, write, slot, r, y[n]);
  });
  if constexpr (Sys::n_observables > 0) {
    if (a.n_saved_observables > 0) {
      fixed_vector<S, Sys::n_observables> obs;
      compute_observables(sys, t, y.data(), p.data(), obs.data());
      static_for<0, Sys::n_observables>([&](auto idx) CUBIE_INLINE_LAMBDA {
        constexpr int o = decltype(idx)::value;
        const int slot = a.observable_slot[o];
        if (slot >= 0) store_output(a, k, write, slot, r, obs[o]);
      });
    }
  }
}

#if !CUBIE_IS_NVRTC() && !defined(__CUDACC__)
/// SIMD packs: one out-of-line copy that every save of the loop calls. Saves are rare next
/// to steps, and a pack's save (every state and observable, with the lanes' own save
/// indices) inlined at each of the loop's four save sites was half of a 32-state model's
/// compile time. The states reach it through memory: nothing an FMA could fuse across.
template <class Sys, class S, class V, class TM, class C, int N, int P>
[[gnu::noinline]] void record_save_outlined(const Sys& sys, const batch_args<V>& a, i64 r, TM write, C k, S t,
                                            const fixed_vector<S, N>& y, const fixed_vector<S, P>& p) {
  record_save_here(sys, a, r, write, k, t, y, p);
}
#endif

template <class Sys, class S, class V, class TM, class C, int N, int P>
CUBIE_HD CUBIE_FORCEINLINE void record_save(const Sys& sys, const batch_args<V>& a, i64 r, TM write, C k, S t,
                                            const fixed_vector<S, N>& y, const fixed_vector<S, P>& p) {
#if !CUBIE_IS_NVRTC() && !defined(__CUDACC__)
  if constexpr (scalar_traits<S>::lanes > 1) {
    record_save_outlined(sys, a, r, write, k, t, y, p);
    return;
  }
#endif
  record_save_here(sys, a, r, write, k, t, y, p);
}

/// Writes NaN to saves k..n_saves-1 of the lanes in `valid` (those a run stopped before).
template <class Sys, class S, class V, class TM, class C>
CUBIE_HD void fill_unreached_saves(const batch_args<V>& a, i64 r, TM valid, C k) {
  if (!math::any(valid & (k <= C(a.loop.last_save)))) return;
  const S nan = S(math::quiet_nan<V>());
  for (i64 j = a.loop.first_save; j <= a.loop.last_save; ++j) {
    const TM write = valid & (k <= C(double(j)));
    if (!math::any(write)) continue;
    for (int n = 0; n < Sys::n_states; ++n) {
      const int slot = a.state_slot[n];
      if (slot >= 0) store_output(a, C(double(j)), write, slot, r, nan);
    }
    for (int o = 0; o < Sys::n_observables; ++o) {
      const int slot = a.observable_slot[o];
      if (slot >= 0 && a.n_saved_observables > 0) store_output(a, C(double(j)), write, slot, r, nan);
    }
  }
}



/// Runs of a fixed-step span whose implicit steps met a singular matrix or a Newton
/// iteration that failed; nothing at all for explicit steppers, which cannot fail a step.
template <bool Track, class S>
struct singular_tracker {
  mask_t<S> any = mask_t<S>(false);
  mask_t<S> newton_iters = mask_t<S>(false);
  mask_t<S> newton_diverged = mask_t<S>(false);
  mask_t<S> linear_iters = mask_t<S>(false);
  mask_t<S> linear_breakdown = mask_t<S>(false);
  // The first failure of a run is its reason (a NaN state left by a failed Newton iteration
  // makes every later matrix singular).
  template <class Stepper>
  CUBIE_HD CUBIE_FORCEINLINE void add(mask_t<S> m, const Stepper& stepper) {
    const mask_t<S> fresh = math::mask_not(math::mask_or(
        math::mask_or(any, math::mask_or(newton_iters, newton_diverged)), math::mask_or(linear_iters, linear_breakdown)));
    any = math::mask_or(any, math::mask_and(fresh, m));
    if constexpr (requires { stepper.newton_failures(); }) {
      const auto nf = stepper.newton_failures();
      const mask_t<S> newton = math::mask_and(fresh, math::mask_not(m));
      newton_iters = math::mask_or(newton_iters, math::mask_and(newton, nf.max_iters));
      newton_diverged = math::mask_or(newton_diverged, math::mask_and(newton, nf.diverged));
      linear_iters = math::mask_or(linear_iters, math::mask_and(newton, nf.linear_max_iters));
      linear_breakdown = math::mask_or(linear_breakdown, math::mask_and(newton, nf.linear_breakdown));
    }
  }
  CUBIE_HD CUBIE_FORCEINLINE void add(const singular_tracker& o) {
    any = math::mask_or(any, o.any);
    newton_iters = math::mask_or(newton_iters, o.newton_iters);
    newton_diverged = math::mask_or(newton_diverged, o.newton_diverged);
    linear_iters = math::mask_or(linear_iters, o.linear_iters);
    linear_breakdown = math::mask_or(linear_breakdown, o.linear_breakdown);
  }
};
template <class S>
struct singular_tracker<false, S> {
  template <class Stepper>
  CUBIE_HD CUBIE_FORCEINLINE void add(mask_t<S>, const Stepper&) {}
  CUBIE_HD CUBIE_FORCEINLINE void add(const singular_tracker&) {}
};

/// Records why a trial that could not be judged stops its run (`stops`: the lanes that
/// cannot retry): a singular matrix, a failed Newton iteration (its reason), else a
/// non-finite state.
template <class TM, class Stepper, class M>
CUBIE_HD CUBIE_FORCEINLINE void record_unjudged(run_failures<TM>& failed, const Stepper& stepper, TM active,
                                                TM stops, M singular) {
  failed.singular = failed.singular | (active & scalar_mask_to_time_mask(singular));
  TM rest = active & stops & !failed.singular;
  if constexpr (requires { stepper.newton_failures(); }) {
    const auto nf = stepper.newton_failures();
    const TM diverged = scalar_mask_to_time_mask(nf.diverged);
    const TM iters = scalar_mask_to_time_mask(nf.max_iters);
    failed.newton_diverged = failed.newton_diverged | (rest & diverged);
    failed.newton_iters = failed.newton_iters | (rest & iters & !diverged);
    rest = rest & !diverged & !iters;
    const TM lin_iters = scalar_mask_to_time_mask(nf.linear_max_iters);
    const TM lin_broken = scalar_mask_to_time_mask(nf.linear_breakdown);
    failed.linear_iters = failed.linear_iters | (rest & lin_iters);
    failed.linear_breakdown = failed.linear_breakdown | (rest & lin_broken);
    rest = rest & !lin_iters & !lin_broken;
  }
  failed.nonfinite = failed.nonfinite | rest;
}

/// The system as the loop sees it (what drive() returns): the summary recorder computes
/// observables through it, so they see the drivers.
template <class Sys, class S, class V, bool Driven = (n_drivers_of<Sys>() > 0)>
struct loop_system {
  using type = Sys;
};
template <class Sys, class S, class V>
struct loop_system<Sys, S, V, true> {
  using type = driven_system<Sys, S, V>;
};

/// Every state finite: x * 0 is 0 for finite x and NaN for NaN or infinity.
template <class S, int N>
CUBIE_HD CUBIE_FORCEINLINE auto all_finite(const fixed_vector<S, N>& y) {
  S acc = S(0.0);
  CUBIE_UNROLL
  for (int n = 0; n < N; ++n) acc = acc + y[n] * S(0.0);
  return acc == S(0.0);
}

/// Hairer & Wanner's starting step (Solving ODEs I, II.4), per lane.
template <int Order, class Sys, class S, class V, int N, int P>
CUBIE_HD CUBIE_FORCEINLINE S initial_step(const Sys& sys, const batch_args<V>& a, S t, const fixed_vector<S, N>& y,
                                          const fixed_vector<S, P>& p, const fixed_vector<S, N>& f0) {
  S d0 = S(0.0), d1 = S(0.0);
  CUBIE_UNROLL
  for (int n = 0; n < N; ++n) {
    const S sc = S(a.atol[n]) + S(a.rtol[n]) * math::abs(y[n]);
    d0 = d0 + (y[n] / sc) * (y[n] / sc);
    d1 = d1 + (f0[n] / sc) * (f0[n] / sc);
  }
  d0 = math::sqrt(d0 * S(1.0 / N));
  d1 = math::sqrt(d1 * S(1.0 / N));
  S h0 = math::select((d0 < S(1e-5)) | (d1 < S(1e-5)), S(1e-6), S(0.01) * d0 / d1);
  h0 = math::min(h0, S(a.loop.control.dt_max));
  fixed_vector<S, N> y1, f1;
  CUBIE_UNROLL
  for (int n = 0; n < N; ++n) y1[n] = y[n] + h0 * f0[n];
  sys.rhs(t + h0, y1.data(), p.data(), f1.data());
  S d2 = S(0.0);
  CUBIE_UNROLL
  for (int n = 0; n < N; ++n) {
    const S sc = S(a.atol[n]) + S(a.rtol[n]) * math::abs(y[n]);
    const S q = (f1[n] - f0[n]) / sc;
    d2 = d2 + q * q;
  }
  d2 = math::sqrt(d2 * S(1.0 / N)) / h0;
  const S dmax = math::max(d1, d2);
  const S inv_order = S(1.0 / (Order + 1));
  const S h1 = math::select(dmax <= S(1e-15), math::max(S(1e-6), h0 * S(1e-3)),
                            math::controller_pow(S(0.01) / math::max(dmax, S(1e-30)), inv_order));
  S h = math::min(S(100.0) * h0, h1);
  h = math::min(math::max(h, S(a.loop.control.dt_min)), S(a.loop.control.dt_max));
  return h;
}

}  // namespace detail

/// Fixed steps, no intermediate saves: integer step counts, no per-step time compare.
/// t is only formed if the system reads it (the compiler drops it otherwise).
template <class Method, u32 G, template <class> class SysT, class S, class V>
CUBIE_HD CUBIE_FORCEINLINE void integrate_fixed_count(const SysT<S>& system, const batch_args<V>& a, i64 r,
                                                      mask_t<time_t_of<S>> valid, fixed_vector<S, SysT<S>::n_states>& y,
                                                      const fixed_vector<S, SysT<S>::n_parameters>& p) {
  using Sys = SysT<S>;
  constexpr int N = Sys::n_states;
  using Stepper = stepper_for<Method, S, N, Sys>;
  using C = count_t_of<S>;
  using T = time_t_of<S>;
  using TM = mask_t<T>;
  const loop_settings<V>& ls = a.loop;
  const S dt = S(ls.dt_fixed);
  decltype(auto) sys = drive<S>(system, a, r);  // evaluates the drivers, when the system reads any

  // The stepping state is the lambda's own (y copied in and out): the host compiler
  // does not inline a lambda called twice, and state reached through its captures
  // would live in memory, adding a store-to-load trip to every step's dependency chain.
  // An implicit step whose matrix could not be factorised marks its run singular
  // (explicit steppers never fail a step: the tracker is empty for them).
  constexpr bool track = does_implicit_work<typename Stepper::work_type>;
  using tracker = detail::singular_tracker<track, S>;
  auto span = [&](double t_begin, i64 steps, V last_h) {
    if (steps <= 0) {
      if constexpr (track) return tracker{};
      else return;
    }
    fixed_vector<S, N> ys = y;
    Stepper stepper;
    configure_stepper(stepper, ls.newton);
    typename Stepper::work_type work{};
    tracker span_singular;
    stepper.start(sys, time_to_scalar(t_begin, S{}), ys, p);
    for (i64 i = 0; i < steps; ++i) {
      const S h = (i == steps - 1) ? S(last_h) : dt;
      const S ts = time_to_scalar(t_begin + double(i) * ls.dt_fixed, S{});
      span_singular.add(stepper.step(sys, ts, h, ys, p, work).singular, stepper);
      stepper.advance_all(sys, time_to_scalar(t_begin + double(i + 1) * ls.dt_fixed, S{}), ys, p);
    }
    y = ys;
    if constexpr (track) return span_singular;
  };
  tracker singular;
  if constexpr (track) singular.add(span(ls.t0, ls.settle_steps, ls.settle_last_h));
  else span(ls.t0, ls.settle_steps, ls.settle_last_h);
  if (ls.first_save == 0) detail::record_save(sys, a, r, valid, C(0), time_to_scalar(ls.t_save0, S{}), y, p);
  i64 main_steps = ls.main_steps;
  bool sampled = false;
  if constexpr (G != 0) {
    if (ls.summary.groups != 0) {
      summary_recorder<G, typename detail::loop_system<Sys, S, V>::type, S, V> rec;
      main_steps = detail::fixed_steps_sampled<Method>(sys, a, r, y, p, rec, singular);
      sampled = true;
    }
  }
  if (!sampled) {
    if constexpr (track) singular.add(span(ls.t_save0, ls.main_steps, ls.main_last_h));
    else span(ls.t_save0, ls.main_steps, ls.main_last_h);
  }
  const double t_end = ls.t_save0 + ls.save_every;
  detail::record_save(sys, a, r, valid, C(1), time_to_scalar(t_end, S{}), y, p);

  run_failures<TM> failed = run_failures<TM>::none();
  failed.nonfinite = !scalar_mask_to_time_mask(detail::all_finite(y));
  if constexpr (track) {
    failed.singular = scalar_mask_to_time_mask(singular.any);
    failed.newton_diverged = scalar_mask_to_time_mask(singular.newton_diverged) & !failed.singular;
    failed.newton_iters =
        scalar_mask_to_time_mask(singular.newton_iters) & !failed.singular & !failed.newton_diverged;
    failed.linear_iters = scalar_mask_to_time_mask(singular.linear_iters) & !failed.singular;
    failed.linear_breakdown = scalar_mask_to_time_mask(singular.linear_breakdown) & !failed.singular;
    failed.nonfinite = failed.nonfinite & !failed.singular & !failed.newton_diverged & !failed.newton_iters &
                       !failed.linear_iters & !failed.linear_breakdown;
  }
  const i64 steps = ls.settle_steps + main_steps;
  store_run_outcome(a, r, valid, failed, C(double(steps)), C(0), T(t_end), dt);
}

/// Integrates the lanes of S starting at local run r (lanes past the batch are masked
/// off by `valid`) and writes their saves, status and counters. G: the summary
/// accumulator groups compiled in (summary_settings.hpp); 0 records no summaries.
/// Paths: the loop paths compiled in (loop_paths); a one-path instance must only be run
/// for solves that take that path (a general-path instance would run a fixed-count solve
/// through the general loop: valid, but not the fixed-count path's step times).
template <class Method, u32 G = 0, loop_paths Paths = loop_paths::both, template <class> class SysT, class S, class V>
CUBIE_HD CUBIE_DEVICE_FORCEINLINE void integrate_run(const SysT<S>& system, const batch_args<V>& a, i64 r, mask_t<time_t_of<S>> valid) {
  using Sys = SysT<S>;
  constexpr int N = Sys::n_states;
  constexpr int P = Sys::n_parameters;
  using Stepper = stepper_for<Method, S, N, Sys>;
  using T = time_t_of<S>;
  using TM = mask_t<T>;
  using M = mask_t<S>;
  using C = count_t_of<S>;
  const loop_settings<V>& ls = a.loop;

  fixed_vector<S, N> y;
  fixed_vector<S, P> p;
  CUBIE_UNROLL
  for (int n = 0; n < N; ++n) y[n] = load_input(a, n, r, S{});
  CUBIE_UNROLL
  for (int j = 0; j < P; ++j) p[j] = load_input(a, N + j, r, S{});

  // The Solver never takes the fixed-count path with events or landing on driver samples.
  if constexpr (Paths == loop_paths::fixed_count) {
    integrate_fixed_count<Method, G>(system, a, r, valid, y, p);
    return;
  } else {
    if (Paths == loop_paths::both && ls.fixed_count_path) {
      integrate_fixed_count<Method, G>(system, a, r, valid, y, p);
      return;
    }
  }
  decltype(auto) sys = drive<S>(system, a, r);  // evaluates the drivers, when the system reads any
  using Events = event_monitor<Sys, S, V>;      // empty when the system has no events
  Events events;

  const bool adaptive = Stepper::adaptive && ls.control.kind != controller_kind::fixed;
  T t = T(ls.t0);
  C k = C(0);                          // next save index
  T t_target = T(ls.t_save0);          // time of save k
  TM active = valid;
  run_failures<TM> failed = run_failures<TM>::none();
  C accepted = C(0), rejected = C(0);
  // iteration_counters: implicit iterations so far, per lane, for steppers whose trials vary
  // (nothing for the others; iteration_counters.hpp).
  detail::iteration_totals<Stepper, C, TM> totals;
  step_controller<S> controller;
  S dt = S(ls.dt0);
  // algorithm = "auto", second pass of two: the run continues where the first left it
  // (integrate/continuation.hpp).
  bool resumed = false;
  if constexpr (G == 0 && resumes_runs<Stepper>) {
    resumed = a.resume.resume != 0;
    if (resumed) {
      C newton = C(0), linear = C(0);
      detail::take_continuation(a, r, t, dt, k, accepted, rejected, newton, linear, controller, y);
      if constexpr (requires { totals.newton; }) totals.newton = newton, totals.linear = linear;
      t_target = T(save_time_of(a, k));
    }
  }

  // Save 0 when there is no settling span: the initial state itself.
  if (ls.t_save0 <= ls.t0 && !resumed) {
    if (ls.first_save == 0) {
      detail::record_save(sys, a, r, active, k, time_to_scalar(t, S{}), y, p);
      store_iteration_counters(a, k, active, r, C(0), C(0), C(0), C(0));
    }
    k = C(1);
    t_target = T(save_time_of(a, 1LL));
  }
  // Summary samples are landed on like saves; the state at the summary span's start is
  // the first value of their history.
  summary_recorder<G, typename detail::loop_system<Sys, S, V>::type, S, V> rec;
  rec.start(sys, a, r, t, y, p, active);

  Stepper stepper;
  configure_stepper(stepper, ls.newton);
  typename Stepper::work_type work{};
  stepper.start(sys, time_to_scalar(t, S{}), y, p);
  if constexpr (resumes_runs<Stepper>) {
    if (resumed) stepper.resume_stiff(time_to_scalar(t, S{}));
  }
  if constexpr (Events::active) events.start(sys, time_to_scalar(t, S{}), y, p);

  if constexpr (Stepper::adaptive) {
    if (adaptive && !(ls.dt0 > V(0)) && !resumed)
      dt = detail::initial_step<Stepper::order>(sys, a, time_to_scalar(t, S{}), y, p, stepper.slope());
  }
  if constexpr (n_drivers_of<Sys>() > 0) {
    // Steps that land on driver samples: f at the start in the piece the first step lies in.
    if (a.drivers.land_on_samples) {
      sys.begin_next_step(t, dt);
      restart_stepper(stepper, sys, M(true), time_to_scalar(t, S{}), y, p);
    }
  }
  const double land_slack = 1.0 + 1e-6;     // a step within this factor of the target lands on it
  TM handed = TM(false);  // runs handed on to the second pass (integrate/continuation.hpp)

  while (math::any(active)) {
    // Where this step may end: the next save or summary sample, or a driver's next sample
    // before it.
    const T t_land = G != 0 ? math::min(t_target, rec.next_time()) : t_target;
    const step_landing<T> stop = plan_landing(sys, a, t, t_land);
    const T t_stop = stop.t_stop;
    const T remaining = t_stop - t;
    const TM land = remaining <= scalar_to_time(dt) * T(land_slack);
    const M land_s = time_mask_to_scalar_mask(land, S{});
    const S h = math::select(land_s, time_to_scalar(remaining, S{}), dt);
    const S ts = time_to_scalar(t, S{});

    if constexpr (n_drivers_of<Sys>() > 0) sys.begin_step(t, h);
    const step_outcome<S> outcome = stepper.step(sys, ts, h, y, p, work);
    const fixed_vector<S, N>& y_new = stepper.proposal();
    totals.add_trial(stepper, active);

    // A trial step whose state is not finite: with fixed steps the run has blown up; an
    // adaptive controller rejects it and retries smaller (a first step that overflows
    // exp() is not a failure), and only at dt_min does the run stop as non-finite. A
    // failed implicit solve is rejected the same way.
    const M trial_ok = detail::all_finite(y_new) & outcome.ok;
    M accept_s = trial_ok;
    TM fails_nonfinite = !scalar_mask_to_time_mask(trial_ok);
    S dt_next = dt;
    if constexpr (Stepper::adaptive) {
      if (adaptive) {
        const S nrm2 = stepper.error_norm(y, a.atol, a.rtol);
        step_decision<S> d;
        S newton_iters = S(0.0);
        if constexpr (requires { stepper.take_newton_iterations(); }) newton_iters = stepper.take_newton_iterations();
        controller.decide(d, ls.control, h, dt, nrm2, trial_ok, land_s, newton_iters);
        accept_s = d.accept;
        dt_next = d.dt_next;
        const TM at_floor = scalar_mask_to_time_mask(d.at_floor);
        const TM judged = scalar_mask_to_time_mask(d.trial_ok);
        failed.too_small = failed.too_small | (active & at_floor & judged);
        fails_nonfinite = at_floor & !judged;
      }
    }

    const TM accept = active & scalar_mask_to_time_mask(accept_s);
    const T t_new = math::select(land, t_stop, t + scalar_to_time(h));
    // Events of the accepted step: logged, and a terminating or resetting one cuts the step.
    const auto cut = events.check(sys, a, r, accept, t, h, t_new, y, stepper.slope(), y_new, p);
    detail::record_unjudged(failed, stepper, active, fails_nonfinite, outcome.singular);
    failed.stagnation = failed.stagnation | (accept & (t_new == t));

    // Accept: advance the lanes that passed.
    const M accept_m = time_mask_to_scalar_mask(accept, S{});
    CUBIE_UNROLL
    for (int n = 0; n < N; ++n) y[n] = math::select(accept_m, y_new[n], y[n]);
    t = math::select(accept, t_new, t);
    if constexpr (Events::active) apply_event_cut(cut, t, y);
    stepper.advance(sys, accept_m, time_to_scalar(t, S{}), y, p);
    if constexpr (Events::active || n_drivers_of<Sys>() > 0) {
      // Lanes an event moved, and lanes that landed on a driver sample (where an order-0
      // driver jumps), restart their stepper there, in the piece the next step lies in.
      TM moved = TM(false);
      if constexpr (Events::active) moved = cut.mask;
      if constexpr (n_drivers_of<Sys>() > 0) {
        sys.begin_next_step(t, dt_next);
        moved = moved | (accept & land & stop.at_sample);
      }
      if (math::any(moved)) restart_stepper(stepper, sys, time_mask_to_scalar_mask(moved, S{}), time_to_scalar(t, S{}), y, p);
    }
    dt = math::select(time_mask_to_scalar_mask(active, S{}), dt_next, dt);

    accepted = math::select(accept, accepted + C(1), accepted);
    rejected = math::select(active & !accept & !fails_nonfinite, rejected + C(1), rejected);

    // Summary samples reached by this step (an event that cut it short left t before the
    // sample, unless it fell on the sample itself: the state there, after any reset, is taken).
    rec.on_landing(sys, a, r, accept & land, t, y, p);
    // Saves reached by this step (a landing may be a summary sample's or a driver sample's alone).
    TM saved = accept & land;
    if constexpr (G != 0 || n_drivers_of<Sys>() > 0) saved = saved & (t_stop == t_target);
    if constexpr (Events::active) saved = saved & ((t == t_target) | !cut.mask);
    if (math::any(saved)) {
      // Save 0 at the end of a settling span is landed on but, when the initial state is
      // not wanted, not recorded. A scalar run's store_output skips indices below
      // first_save (a mask here would cost the GPU kernels registers); packs mask.
      if constexpr (scalar_traits<S>::lanes > 1) {
        detail::record_save(sys, a, r, saved & (k >= C(double(ls.first_save))), k, time_to_scalar(t, S{}), y, p);
      } else {
        detail::record_save(sys, a, r, saved, k, time_to_scalar(t, S{}), y, p);
      }
      store_iteration_counters(a, k, saved, r, totals.newton_total(accepted, rejected),
                               totals.linear_total(accepted, rejected), accepted, rejected);
      k = math::select(saved, k + C(1), k);
      t_target = math::select(saved, save_time_of(a, k), t_target);
    }
    const TM done = k >= C(double(ls.n_saves));
    failed.max_steps = failed.max_steps | (active & !done & ((accepted + rejected) >= C(double(ls.max_steps))));
    TM still = active & !done & !failed.any();
    if constexpr (Events::active) still = still & !events.terminated();
    // iteration_counters of a run that stops before its last save: its totals go to the save
    // it did not reach (its work since the last save lands there; the saves after it get
    // zeros at its end, in difference_iteration_counters).
    const TM stops = active & !still & !done;
    if (math::any(stops))
      store_iteration_counters(a, k, stops, r, totals.newton_total(accepted, rejected),
                               totals.linear_total(accepted, rejected), accepted, rejected);
    if constexpr (G == 0 && hands_off_runs<Stepper>) {
      // algorithm = "auto" in two passes: runs that turned stiff and have saves left to reach
      // leave their state for the second pass, which writes their outcome.
      const TM off = still & scalar_mask_to_time_mask(stepper.handing_off());
      if (a.resume.record != nullptr && math::any(off)) {
        // A pack writes the record now (its other lanes step on); a GPU thread's run leaves
        // the loop here, and writes it after the loop, so the step loop holds none of the
        // record's addresses (22 registers of the float64 Van der Pol kernel, bench/RESULTS.md).
        if constexpr (scalar_traits<S>::lanes > 1)
          detail::leave_continuation(a, r, off, t, dt, k, accepted, rejected, totals.newton_total(accepted, rejected),
                                     totals.linear_total(accepted, rejected), controller, y);
        handed = handed | off;
        still = still & !off;
      }
    }
    active = still;
  }
  if constexpr (G == 0 && hands_off_runs<Stepper> && scalar_traits<S>::lanes == 1) {
    if (handed)
      detail::leave_continuation(a, r, handed, t, dt, k, accepted, rejected, totals.newton_total(accepted, rejected),
                                 totals.linear_total(accepted, rejected), controller, y);
  }
  // The runs whose outcome this call writes (all of them, but for runs handed on).
  TM finished = valid;
  if constexpr (G == 0 && hands_off_runs<Stepper>) finished = valid & !handed;

  // Saves a failed run never reached hold NaN, whatever nan_fill_failed says: they have no
  // value, and storage reused from an earlier solve must not show through.
  detail::fill_unreached_saves<Sys, S>(a, r, finished, k);
  // iteration_counters: cumulative counts become counts since the previous save.
  difference_iteration_counters(a, r, finished, k);
  rec.finish(a, r, finished);
  store_run_outcome(a, r, finished, failed, accepted, rejected, t, dt);
  // Steppers with per-run outputs of their own (auto_switch_stepper: the switches).
  if constexpr (requires { stepper.record_outcome(a, r, finished); }) stepper.record_outcome(a, r, finished);
  // Explicit methods: failed runs whose steps were held by the stability limit (stiff).
  mark_stability_limited<Method>(sys, a, r, finished & failed.any(), time_to_scalar(t, S{}), dt, y, p);
  if constexpr (Events::active) events.finish(a, r, finished);
}

}  // namespace cubie
