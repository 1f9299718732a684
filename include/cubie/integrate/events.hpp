// cubie/integrate/events.hpp
// Events in the per-run loop: after each accepted step the conditions g_e are checked at
// the step's end; a sign change in an event's direction is located to a tolerance on the
// step's continuous extension (the cubic Hermite interpolant from y and f at both ends,
// which every stepper can give), logged (time, event, state), and acted on: a terminating
// or resetting event cuts the step at its time, the earliest such crossing winning.
//
// The loop keeps one event_monitor per run (per SIMD pack: every lane with its own
// conditions, counts and cuts, combined by masks). Systems without events get an empty
// monitor and the loop's event code compiles away.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/fixed_vector.hpp"
#include "../core/math.hpp"
#include "../core/scalar_traits.hpp"
#include "../core/static_for.hpp"
#include "batch_args.hpp"
#include "drivers.hpp"
#include "system.hpp"

namespace cubie {

/// The cubic Hermite interpolant of one step from (y0, f0) at theta = 0 to (y1, f1) at
/// theta = 1 (h the step): exact for cubics, fourth-order accurate for any stepper.
template <class S, int N>
struct hermite_step {
  fixed_vector<S, N> y0, d1, c2, c3;

  CUBIE_HD CUBIE_FORCEINLINE void build(const fixed_vector<S, N>& ya, const fixed_vector<S, N>& fa,
                                        const fixed_vector<S, N>& yb, const fixed_vector<S, N>& fb, S h) {
    CUBIE_UNROLL
    for (int n = 0; n < N; ++n) {
      const S delta = yb[n] - ya[n];
      const S ha = h * fa[n], hb = h * fb[n];
      y0[n] = ya[n];
      d1[n] = ha;
      c2[n] = S(3.0) * delta - S(2.0) * ha - hb;
      c3[n] = ha + hb - S(2.0) * delta;
    }
  }

  /// y at theta in [0, 1].
  CUBIE_HD CUBIE_FORCEINLINE void at(S theta, fixed_vector<S, N>& y) const {
    CUBIE_UNROLL
    for (int n = 0; n < N; ++n) y[n] = y0[n] + theta * (d1[n] + theta * (c2[n] + theta * c3[n]));
  }
};

/// What the events of one accepted step did to the lanes: `mask` lanes were cut at time t
/// with state y (reset already applied); `terminated` lanes end there.
template <class S, int N>
struct event_cut {
  mask_t<time_t_of<S>> mask;
  time_t_of<S> t;
  fixed_vector<S, N> y;
};

namespace event_detail {

using driver_detail::lane;
using driver_detail::lanes_of;

/// The crossings of g from g0 to g1 that count in direction D.
template <event_direction D, class S>
CUBIE_HD CUBIE_FORCEINLINE mask_t<S> crosses(S g0, S g1) {
  const mask_t<S> up = (g0 < S(0.0)) & (g1 >= S(0.0));
  const mask_t<S> down = (g0 > S(0.0)) & (g1 <= S(0.0));
  if constexpr (D == event_direction::up) return up;
  else if constexpr (D == event_direction::down) return down;
  else return up | down;
}

}  // namespace event_detail

/// The event state of one run (or one SIMD pack of runs). `Decl` is the system type that
/// declares the events (event_kinds); the members take the system as the loop uses it.
template <class Decl, class S, class V, bool = (n_events_of<Decl>() > 0)>
class event_monitor {
 public:
  static constexpr bool active = false;
  struct no_cut {};
  template <class... A>
  CUBIE_HD CUBIE_FORCEINLINE no_cut check(const A&...) const {
    return {};
  }
};

template <class Decl, class S, class V>
class event_monitor<Decl, S, V, true> {
  static constexpr int E = Decl::n_events;
  static constexpr int N = Decl::n_states;
  using T = time_t_of<S>;
  using TM = mask_t<T>;
  using M = mask_t<S>;
  using C = count_t_of<S>;

  template <int e>
  static constexpr event_kind kind = Decl::event_kinds[e];

 public:
  static constexpr bool active = true;

  /// g at the first point; nothing counted yet.
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE void start(const Sys& sys, S t, const fixed_vector<S, N>& y, const fixed_vector<S, P>& p) {
    sys.event_conditions(t, y.data(), p.data(), g_.data());
    CUBIE_UNROLL
    for (int e = 0; e < E; ++e) fired_[e] = M(false);
    count_ = C(0);
    terminated_ = TM(false);
    t_end_ = T(0.0);
  }

  /// Lanes a terminating event ended.
  CUBIE_HD CUBIE_FORCEINLINE TM terminated() const { return terminated_; }

  /// Checks the accepted lanes' step from (t, y, f0) to (t_new, y1) of size h: logs the
  /// crossings and returns the cut of the lanes a terminating or resetting event stopped.
  template <class Sys, int P>
  CUBIE_HD event_cut<S, N> check(const Sys& sys, const batch_args<V>& a, i64 r, TM accepted, T t, S h, T t_new,
                                 const fixed_vector<S, N>& y, const fixed_vector<S, N>& f0,
                                 const fixed_vector<S, N>& y1, const fixed_vector<S, P>& p) {
    event_cut<S, N> cut;
    cut.mask = TM(false);
    if (!math::any(accepted)) return cut;
    const M accept = time_mask_to_scalar_mask(accepted, S{});
    const S ts_new = time_to_scalar(t_new, S{});
    fixed_vector<S, E> g1;
    sys.event_conditions(ts_new, y1.data(), p.data(), g1.data());

    // An event whose condition is zero at the step's start (it fired there, or starts on
    // its surface) is judged by the sign just after the start, so it neither fires again
    // at once nor misses its next crossing.
    M near = M(false), plain = M(false);
    static_for<0, E>([&](auto idx) CUBIE_INLINE_LAMBDA {
      constexpr int e = decltype(idx)::value;
      const M at_zero = fired_[e] | (g_[e] == S(0.0));
      near = near | (accept & at_zero);
      plain = plain | (accept & !at_zero & event_detail::crosses<kind<e>.direction>(g_[e], g1[e]));
    });
    if (!math::any(near | plain)) {
      advance_conditions(accept, g1);
      return cut;
    }

    // The step's continuous extension, and g just after its start where needed.
    fixed_vector<S, N> f1;
    sys.rhs(ts_new, y1.data(), p.data(), f1.data());
    hermite_step<S, N> step;
    step.build(y, f0, y1, f1, h);
    const S ts = time_to_scalar(t, S{});
    fixed_vector<S, E> g0 = g_;
    fixed_vector<S, E> theta0;
    CUBIE_UNROLL
    for (int e = 0; e < E; ++e) theta0[e] = S(0.0);
    if (math::any(near)) {
      const S delta = near_offset(a, h);
      fixed_vector<S, N> yd;
      step.at(delta, yd);
      fixed_vector<S, E> gd;
      sys.event_conditions(ts + delta * h, yd.data(), p.data(), gd.data());
      CUBIE_UNROLL
      for (int e = 0; e < E; ++e) {
        const M use = accept & (fired_[e] | (g_[e] == S(0.0)));
        g0[e] = math::select(use, gd[e], g0[e]);
        theta0[e] = math::select(use, delta, theta0[e]);
      }
    }

    // Crossings, located; the earliest terminating or resetting one cuts the step.
    M hit[E];
    fixed_vector<S, E> theta;
    T te[E];
    TM cut_mask = TM(false);
    T t_cut = t_new;
    S theta_cut = S(1.0);
    C which = C(-1);
    static_for<0, E>([&](auto idx) CUBIE_INLINE_LAMBDA {
      constexpr int e = decltype(idx)::value;
      hit[e] = accept & event_detail::crosses<kind<e>.direction>(g0[e], g1[e]);
      theta[e] = S(1.0);
      if (math::any(hit[e])) theta[e] = locate<e>(sys, step, ts, h, p, hit[e], theta0[e], g0[e], g1[e], a.events.tolerance);
      const TM hit_t = scalar_mask_to_time_mask(hit[e]);
      const TM at_end = scalar_mask_to_time_mask(theta[e] >= S(1.0));
      te[e] = math::select(at_end, t_new, t + scalar_to_time(theta[e] * h));
      if constexpr (kind<e>.action != event_action::record) {
        const TM earlier = hit_t & ((te[e] < t_cut) | !cut_mask);
        t_cut = math::select(earlier, te[e], t_cut);
        theta_cut = math::select(time_mask_to_scalar_mask(earlier, S{}), theta[e], theta_cut);
        which = math::select(earlier, C(e), which);
        cut_mask = cut_mask | hit_t;
      }
    });

    log_occurrences(step, a, r, hit, theta, te, cut_mask, t_cut, which, y1);

    if (!math::any(cut_mask)) {
      advance_conditions(accept, g1);
      return cut;
    }
    // The cut: the state at the crossing (the step's end itself when the crossing is there),
    // then the reset of the event that cut.
    const M cut_s = time_mask_to_scalar_mask(cut_mask, S{});
    step.at(theta_cut, cut.y);
    const M at_end = theta_cut >= S(1.0);
    CUBIE_UNROLL
    for (int n = 0; n < N; ++n) cut.y[n] = math::select(at_end, y1[n], cut.y[n]);
    const S tc = time_to_scalar(t_cut, S{});
    static_for<0, E>([&](auto idx) CUBIE_INLINE_LAMBDA {
      constexpr int e = decltype(idx)::value;
      act<e>(sys, cut_mask & (which == C(e)), t_cut, tc, cut.y, p);
    });
    cut.mask = cut_mask;
    cut.t = t_cut;
    // g where the cut lanes continue; the cutting event fired there.
    fixed_vector<S, E> gc;
    sys.event_conditions(tc, cut.y.data(), p.data(), gc.data());
    advance_conditions(accept & !cut_s, g1);
    CUBIE_UNROLL
    for (int e = 0; e < E; ++e) {
      g_[e] = math::select(cut_s, gc[e], g_[e]);
      const M mine = time_mask_to_scalar_mask(which == C(e), S{});
      fired_[e] = (cut_s & mine) | (fired_[e] & !cut_s);
    }
    return cut;
  }

  /// Writes the lanes' event counts, the unused log slots (so storage reused from an
  /// earlier solve never shows through) and the termination times.
  CUBIE_HD void finish(const batch_args<V>& a, i64 r, TM valid) const {
    u32* const count = output_ptr<u32>(a, output_id::event_count);
    double* const times = output_ptr<double>(a, output_id::event_times);
    u32* const ids = output_ptr<u32>(a, output_id::event_ids);
    V* const states = output_ptr<V>(a, output_id::event_states);
    double* const ended = output_ptr<double>(a, output_id::event_terminated);
    const double nan = math::quiet_nan<double>();
    constexpr int W = lanes_of_t();
    for (int l = 0; l < W; ++l) {
      if (!event_detail::lane(valid, l) || r + l >= a.n_runs) continue;
      const i64 run = r + l;
      const double c = double(event_detail::lane(count_, l));
      if (count) count[run] = c > 4294967295.0 ? 0xffffffffu : static_cast<u32>(c);
      if (ended) ended[run] = event_detail::lane(terminated_, l) ? double(event_detail::lane(t_end_, l)) : nan;
      for (i64 j = c < double(a.events.max_events) ? static_cast<i64>(c) : a.events.max_events; j < a.events.max_events;
           ++j) {
        if (times) times[j * a.run_stride + run] = nan;
        if (ids) ids[j * a.run_stride + run] = 0xffffffffu;
        if (states) {
          for (int n = 0; n < N; ++n) states[(j * N + n) * a.run_stride + run] = V(nan);
        }
      }
    }
  }

 private:
  static constexpr int lanes_of_t() { return event_detail::lanes_of<T>(); }

  // Event e's action on the lanes it cut (`mine`) at t_cut (tc in S): the run ends, or the
  // state y is reset. A member template of its own, so a system without event_reset never
  // sees the call (nvcc instantiates discarded branches inside generic lambdas).
  template <int e, class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE void act(const Sys& sys, TM mine, T t_cut, S tc, fixed_vector<S, N>& y,
                                      const fixed_vector<S, P>& p) {
    if constexpr (kind<e>.action == event_action::terminate) {
      terminated_ = terminated_ | mine;
      t_end_ = math::select(mine, t_cut, t_end_);
    } else if constexpr (kind<e>.action == event_action::reset) {
      if (math::any(mine)) {
        fixed_vector<S, N> y_new = y;
        sys.event_reset(e, tc, y.data(), p.data(), y_new.data());
        const M mine_s = time_mask_to_scalar_mask(mine, S{});
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) y[n] = math::select(mine_s, y_new[n], y[n]);
      }
    } else {
      (void)sys, (void)mine, (void)t_cut, (void)tc, (void)y, (void)p;
    }
  }

  // g (and the fired flags) move to the step's end for the lanes in `m`.
  CUBIE_HD CUBIE_FORCEINLINE void advance_conditions(M m, const fixed_vector<S, E>& g1) {
    CUBIE_UNROLL
    for (int e = 0; e < E; ++e) {
      g_[e] = math::select(m, g1[e], g_[e]);
      fired_[e] = fired_[e] & !m;
    }
  }

  // How far into the step (fraction of h) the sign after a zero start is read: past the
  // noise a located crossing leaves in g (its bracket width or the tolerance in time).
  CUBIE_HD CUBIE_FORCEINLINE S near_offset(const batch_args<V>& a, S h) const {
    constexpr double root_eps = sizeof(V) == 4 ? 3.4526698e-4 : 1.4901161193847656e-8;  // sqrt(eps)
    const S by_tolerance = S(V(4.0 * a.events.tolerance)) / math::abs(h);
    return math::min(S(V(0.25)), math::max(S(V(root_eps)), by_tolerance));
  }

  // The crossing of event e on the lanes in `lanes`, between theta_a (g = ga, before the
  // crossing) and 1 (g = gb, after it), by the Illinois variant of regula falsi. Returns the
  // bracket's end after the crossing (g there zero or of the new sign).
  template <int e, class Sys, int P>
  CUBIE_HD S locate(const Sys& sys, const hermite_step<S, N>& step, S ts, S h, const fixed_vector<S, P>& p, M lanes,
                    S ta, S ga, S gb, double tolerance) const {
    constexpr V eps = sizeof(V) == 4 ? V(1.1920929e-7) : V(2.220446049250313e-16);
    constexpr int max_iterations = 100;
    const M up = ga < S(0.0);  // else the crossing goes down
    S tb = S(1.0);
    M go = lanes;
    M last_a = M(false), last_b = M(false);
    const S width_in_time = S(V(tolerance)) / math::abs(h);
    for (int it = 0; it < max_iterations && math::any(go); ++it) {
      S tm = tb - gb * (tb - ta) / (gb - ga);
      // Bisect where the secant leaves the bracket (or is not a number).
      const M inside = (tm > ta) & (tm < tb);
      tm = math::select(inside, tm, S(0.5) * (ta + tb));
      fixed_vector<S, N> ym;
      step.at(tm, ym);
      fixed_vector<S, E> gm;
      sys.event_conditions(ts + tm * h, ym.data(), p.data(), gm.data());
      const S g = gm[e];
      const M before = (up & (g < S(0.0))) | ((g > S(0.0)) & !up);
      const M to_a = go & before, to_b = go & !before;
      ta = math::select(to_a, tm, ta);
      tb = math::select(to_b, tm, tb);
      // Illinois: an end kept twice in a row has its value halved.
      ga = math::select(to_a, g, math::select(to_b & last_b, ga * S(0.5), ga));
      gb = math::select(to_b, g, math::select(to_a & last_a, gb * S(0.5), gb));
      last_a = (go & to_a) | (last_a & !go);
      last_b = (go & to_b) | (last_b & !go);
      const S width = tb - ta;
      const M done = (width <= S(16) * S(eps)) | (width <= width_in_time) | (g == S(0.0));
      go = go & !done;
    }
    return tb;
  }

  // Logs the crossings that took effect, in time order within the step: the recording
  // ones up to the cut (all of them where nothing cut), and the one that cut.
  CUBIE_HD CUBIE_FORCEINLINE void log_occurrences(const hermite_step<S, N>& step, const batch_args<V>& a, i64 r,
                                                  const M (&hit)[E], const fixed_vector<S, E>& theta, const T (&te)[E],
                                                  TM cut_mask, T t_cut, C which, const fixed_vector<S, N>& y1) {
    TM logged[E];
    C n_logged = C(0);
    static_for<0, E>([&](auto idx) CUBIE_INLINE_LAMBDA {
      constexpr int e = decltype(idx)::value;
      if constexpr (kind<e>.action == event_action::record) {
        logged[e] = scalar_mask_to_time_mask(hit[e]) & ((te[e] <= t_cut) | !cut_mask);
      } else {
        logged[e] = cut_mask & (which == C(e));
      }
      n_logged = math::select(logged[e], n_logged + C(1), n_logged);
    });
    const bool store = a.events.max_events > 0 && output_ptr<double>(a, output_id::event_times) != nullptr;
    if (store) {
      static_for<0, E>([&](auto idx) CUBIE_INLINE_LAMBDA {
        constexpr int e = decltype(idx)::value;
        if (!math::any(logged[e])) return;
        // Slot: after the events logged before this one (earlier, or as early with a lower index).
        C slot = count_;
        CUBIE_UNROLL
        for (int o = 0; o < E; ++o) {
          if (o == e) continue;
          const TM before = logged[o] & ((te[o] < te[e]) | ((te[o] == te[e]) & TM(o < e)));
          slot = math::select(before, slot + C(1), slot);
        }
        fixed_vector<S, N> ye;
        step.at(theta[e], ye);
        const M at_end = theta[e] >= S(1.0);
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) ye[n] = math::select(at_end, y1[n], ye[n]);
        store_occurrence(a, r, logged[e], slot, te[e], e, ye);
      });
    }
    count_ = count_ + n_logged;
  }

  CUBIE_HD CUBIE_FORCEINLINE void store_occurrence(const batch_args<V>& a, i64 r, TM write, C slot, T te, int e,
                                                   const fixed_vector<S, N>& ye) const {
    double* const times = output_ptr<double>(a, output_id::event_times);
    u32* const ids = output_ptr<u32>(a, output_id::event_ids);
    V* const states = output_ptr<V>(a, output_id::event_states);
    constexpr int W = lanes_of_t();
    for (int l = 0; l < W; ++l) {
      const double j_lane = double(event_detail::lane(slot, l));
      if (!event_detail::lane(write, l) || r + l >= a.n_runs || !(j_lane < double(a.events.max_events))) continue;
      const i64 j = static_cast<i64>(j_lane);
      const i64 run = r + l;
      times[j * a.run_stride + run] = double(event_detail::lane(te, l));
      if (ids) ids[j * a.run_stride + run] = static_cast<u32>(e);
      if (states) {
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) states[(j * N + n) * a.run_stride + run] = V(event_detail::lane(ye[n], l));
      }
    }
  }

  fixed_vector<S, E> g_;  // g at the current point
  M fired_[E];            // the event fired at the current point
  C count_;               // events that took effect so far
  TM terminated_;
  T t_end_;
};

/// Moves the lanes an event cut to where the cut left them (after the loop moved the
/// accepted lanes to the step's end).
template <class S, int N>
CUBIE_HD CUBIE_FORCEINLINE void apply_event_cut(const event_cut<S, N>& cut, time_t_of<S>& t, fixed_vector<S, N>& y) {
  const mask_t<S> m = time_mask_to_scalar_mask(cut.mask, S{});
  CUBIE_UNROLL
  for (int n = 0; n < N; ++n) y[n] = math::select(m, cut.y[n], y[n]);
  t = math::select(cut.mask, cut.t, t);
}

}  // namespace cubie
