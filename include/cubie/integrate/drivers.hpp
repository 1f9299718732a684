// cubie/integrate/drivers.hpp
// Interpolated driver signals in the per-run loop: each driver is a piecewise polynomial
// (driver_args.hpp) whose coefficients lie among the launch's inputs, evaluated at the
// time each right-hand side is called with. driven_system wraps a system that reads
// drivers so that steppers see the plain interface (system.hpp) and never the drivers.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/math.hpp"
#include "../core/scalar_traits.hpp"
#include "../core/types.hpp"
#include "batch_args.hpp"
#include "system.hpp"

namespace cubie {

namespace driver_detail {

/// Runs one value holds: W for SIMD packs and their masks, 1 for scalars and bool.
template <class X>
CUBIE_HD constexpr int lanes_of() {
  if constexpr (requires { X::per_reg; X::regs; }) return X::per_reg * X::regs;
  else return 1;
}

/// Lane l of a scalar (the value itself) or of a SIMD pack.
template <class X>
CUBIE_HD CUBIE_FORCEINLINE auto lane(const X& x, int l) {
  if constexpr (lanes_of<X>() > 1) return x[l];
  else {
    (void)l;
    return x;
  }
}

}  // namespace driver_detail

/// One driver of one run (or of the W runs of a SIMD pack), ready to evaluate: its grid
/// and where its coefficients are, read from the launch's tables once per run.
template <class V>
struct driver_signal_view {
  const V* base;      // coefficient row 0 of the first run (or of every run, when shared)
  i64 row_stride;     // between coefficient rows
  i64 run_stride;     // between runs: 1 (one signal per run) or 0 (shared)
  double t_start;
  double dt;
  double inv_dt;
  i32 n_segments;
  i32 order;
  i32 wrap;

  CUBIE_HD CUBIE_FORCEINLINE void load(const batch_args<V>& a, int d) {
    const driver_info& info = a.drivers.info[d];
    const i64 stride = a.input_stride[info.input];
    base = a.inputs + a.input_offset[info.input];
    row_stride = stride != 0 ? a.drivers.column_stride : 1;
    run_stride = stride;
    t_start = info.t_start;
    dt = info.dt;
    inv_dt = info.inv_dt;
    n_segments = info.n_segments;
    order = info.order;
    wrap = info.wrap;
  }

  /// The piece (as a number) and the position in it (tau in [0, 1]) of grid coordinate
  /// x = (t - t_start) / dt, lane by lane in the arithmetic of x (SIMD packs stay
  /// vectors); `inside` is false where t lies outside a signal that does not wrap.
  template <class S>
  CUBIE_HD CUBIE_FORCEINLINE void locate(S x, S& piece, S& tau, mask_t<S>& inside) const {
    const S n = S(V(n_segments));
    if (wrap) {
      // Reduce to one period first; NaN, and rounding at the period's ends, read piece 0.
      S w = x - math::floor(x * S(V(1.0 / n_segments))) * n;
      w = math::select(w < S(V(0)), w + n, w);
      w = math::select(w >= n, w - n, w);
      w = math::select((w >= S(V(0))) & (w < n), w, S(V(0)));
      piece = math::floor(w);
      tau = w - piece;
      inside = mask_t<S>(true);
      return;
    }
    // The first and last sample times belong to the signal however x rounds.
    constexpr V slack = V(64) * (sizeof(V) == 4 ? V(1.1920929e-7) : V(2.220446049250313e-16));
    const V edge = slack * (n_segments > 1 ? V(n_segments) : V(1));
    inside = (x >= S(-edge)) & (x <= n + S(edge));
    const S c = math::select(x >= S(V(0)), math::min(x, n), S(V(0)));  // NaN reads piece 0 (outside)
    piece = math::min(math::floor(c), n - S(V(1)));
    tau = c - piece;
  }

  /// The value at time t and, when `rate` is not null, its time derivative; for each lane
  /// of S, run `run + lane` (clamped to `last_run`, as lanes past the batch are). With
  /// `x_mid` (grid coordinate of the middle of a step that ends on samples, so lies in one
  /// piece) the piece is the middle's: a jump at the step's end or start then shows on the
  /// side the step covers, whichever way t rounds.
  template <class S>
  CUBIE_HD CUBIE_FORCEINLINE void evaluate(S t, i64 run, i64 last_run, S& value, S* rate, const S* x_mid = nullptr) const {
    evaluate_in(t, run, last_run, value, rate, x_mid != nullptr, x_mid != nullptr ? *x_mid : S(V(0)));
  }

  /// evaluate() with the step's middle by value (`pinned`: use it): no pointer into the
  /// caller's state, which would keep that state in local memory on the GPU.
  template <class S>
  CUBIE_HD CUBIE_FORCEINLINE void evaluate_in(S t, i64 run, i64 last_run, S& value, S* rate, bool pinned,
                                              S x_mid) const {
    constexpr int W = driver_detail::lanes_of<S>();
    const S x = (t - S(V(t_start))) * S(V(inv_dt));
    S piece, tau;
    mask_t<S> inside;
    if (!pinned) {
      locate(x, piece, tau, inside);
    } else {
      locate(x_mid, piece, tau, inside);
      tau = math::min(math::max(tau + (x - x_mid), S(V(0))), S(V(1)));
    }
    const i64 width = (order + 1) * row_stride;
    S c0, c1, c2, c3;
    if constexpr (W == 1) {
      // The run's row 0 first (the same every call: hoisted out of the loop), then the
      // piece: one scaled offset per call instead of one per coefficient read.
      const V* run_row = base + (run <= last_run ? run : last_run) * run_stride;
      const V* c = run_row + static_cast<i64>(piece) * width;
      c0 = c[0];
      c1 = order >= 1 ? c[row_stride] : V(0);
      c2 = order >= 3 ? c[2 * row_stride] : V(0);
      c3 = order >= 3 ? c[3 * row_stride] : V(0);
    } else if (run_stride == 0 && math::all(piece == S(piece[0]))) {
      // A shared signal and every lane in one piece (runs in step): one lookup for all.
      const V* c = base + static_cast<i64>(piece[0]) * width;
      c0 = S(c[0]);
      c1 = S(order >= 1 ? c[row_stride] : V(0));
      c2 = S(order >= 3 ? c[2 * row_stride] : V(0));
      c3 = S(order >= 3 ? c[3 * row_stride] : V(0));
    } else {
      gather(piece, run, last_run, c0, c1, c2, c3);
    }
    // Outside a signal that does not wrap the polynomial is zero: one select per result
    // rather than one per coefficient (the coefficients read are finite and tau lies in
    // [0, 1], so inside the results are the same bits either way).
    const S zero = S(V(0));
    value = math::select(inside, ((c3 * tau + c2) * tau + c1) * tau + c0, zero);
    if (rate != nullptr)
      *rate = math::select(inside, ((S(V(3)) * c3 * tau + S(V(2)) * c2) * tau + c1) * S(V(inv_dt)), zero);
  }

  /// Each lane's coefficients (SIMD packs): gathered lane by lane into arrays, then loaded as
  /// vectors (cheaper than lane inserts). Out of line: only loads, and called from every
  /// stage, where inlining it would multiply the code (and the build time) for nothing.
  template <class S>
#if !defined(__CUDACC__) && !CUBIE_IS_NVRTC()
  [[gnu::noinline]]
#endif
  void gather(const S& piece, i64 run, i64 last_run, S& c0, S& c1, S& c2, S& c3) const {
    constexpr int W = driver_detail::lanes_of<S>();
    const i64 width = (order + 1) * row_stride;
    V k0[W], k1[W], k2[W], k3[W];
    for (int l = 0; l < W; ++l) {
      const i64 r = run + l <= last_run ? run + l : last_run;
      const V* c = base + static_cast<i64>(piece[l]) * width + r * run_stride;
      k0[l] = c[0];
      k1[l] = order >= 1 ? c[row_stride] : V(0);
      k2[l] = order >= 3 ? c[2 * row_stride] : V(0);
      k3[l] = order >= 3 ? c[3 * row_stride] : V(0);
    }
    c0 = S::load(k0);
    c1 = S::load(k1);
    c2 = S::load(k2);
    c3 = S::load(k3);
  }

  /// The first sample time after t (the next knot of the piecewise polynomial), or a time
  /// past any span when the signal has no more knots.
  CUBIE_HD CUBIE_FORCEINLINE double next_sample(double t) const {
    const double x = (t - t_start) * inv_dt;
    double k = ::floor(x);
    double tk = ::fma(dt, k, t_start);
    // The quotient may round either way: step to the first knot strictly after t.
    while (tk <= t) {
      k += 1.0;
      tk = ::fma(dt, k, t_start);
    }
    if (k > 0.0 && ::fma(dt, k - 1.0, t_start) > t) {
      k -= 1.0;
      tk = ::fma(dt, k, t_start);
    }
    if (!wrap) {
      if (k < 0.0) return t_start;
      if (k > double(n_segments)) return 1e308;
    }
    return tk;
  }
};

namespace driver_detail {
// The sparse Jacobian's size, forwarded when the system has one (JACOBIAN_CONTRACT.md).
template <class Sys, bool = requires { Sys::sparse_nnz; }>
struct forwarded_constants {};
template <class Sys>
struct forwarded_constants<Sys, true> {
  static constexpr int sparse_nnz = Sys::sparse_nnz;
};
}  // namespace driver_detail

/// A system that reads drivers, as steppers and the loop see it: every member without the
/// driver arguments, which it fills by evaluating the drivers at the member's time.
/// Holds the system by reference; made once per run by drive().
template <class Sys, class S, class V>
class driven_system : public driver_detail::forwarded_constants<Sys> {
 public:
  static constexpr int n_states = Sys::n_states;
  static constexpr int n_parameters = Sys::n_parameters;
  static constexpr int n_observables = Sys::n_observables;
  static constexpr int n_drivers = Sys::n_drivers;
  static constexpr int n_events = n_events_of<Sys>();
  // f depends on t through the drivers even where the equations do not read t.
  static constexpr bool autonomous = false;

  CUBIE_HD CUBIE_FORCEINLINE driven_system(const Sys& sys, const batch_args<V>& a, i64 r)
      : sys_(sys), run_(r + a.input_run_offset), last_run_(a.n_runs - 1 + a.input_run_offset),
        pieces_fixed_(a.drivers.land_on_samples != 0), in_step_(false), cached_(false), t_cached_(S(V(0))) {
    CUBIE_UNROLL
    for (int d = 0; d < n_drivers; ++d) {
      drivers_[d].load(a, d);
      x_mid_[d] = S(V(0));
      u_cached_[d] = S(V(0));
    }
  }

  /// The drivers at time t (and their rates when `rates` is not null).
  CUBIE_HD CUBIE_FORCEINLINE void drivers(S t, S* values, S* rates) const {
    CUBIE_UNROLL
    for (int d = 0; d < n_drivers; ++d) {
      drivers_[d].evaluate_in(t, run_, last_run_, values[d], rates ? rates + d : nullptr, in_step_, x_mid_[d]);
    }
  }

  /// The drivers' values at t, evaluated once per distinct time: stages that share a node
  /// (classical_rk4's two midpoints, dormand_prince_54's last two stages at t + h) read the
  /// same values, bit for bit, without a second lookup.
  CUBIE_HD CUBIE_FORCEINLINE void values_at(S t, S* values) const {
    if (cached_ && math::all(t == t_cached_)) {
      CUBIE_UNROLL
      for (int d = 0; d < n_drivers; ++d) values[d] = u_cached_[d];
      return;
    }
    drivers(t, values, nullptr);
    cached_ = true;
    t_cached_ = t;
    CUBIE_UNROLL
    for (int d = 0; d < n_drivers; ++d) u_cached_[d] = values[d];
  }

  /// The next step runs from t over h. When steps land on samples, such a step lies in one
  /// piece of every driver: its evaluations use that piece (evaluate's x_mid).
  template <class T>
  CUBIE_HD CUBIE_FORCEINLINE void begin_step(T t, S h) const {
    if (!pieces_fixed_) return;
    in_step_ = true;
    cached_ = false;  // the pieces change: a time at the step's end may read another piece now
    CUBIE_UNROLL
    for (int d = 0; d < n_drivers; ++d) {
      const T x = (t - T(drivers_[d].t_start)) * T(drivers_[d].inv_dt);
      x_mid_[d] = time_to_scalar(x, S{}) + S(V(0.5)) * h * S(V(drivers_[d].inv_dt));
    }
  }

  /// begin_step for a step from t of at most h that has not been planned yet: it ends at the
  /// next sample at the latest, so its pieces are those just after t.
  template <class T>
  CUBIE_HD CUBIE_FORCEINLINE void begin_next_step(T t, S h) const {
    if (!pieces_fixed_) return;
    const S to_next = time_to_scalar(next_sample(t) - t, S{});
    begin_step(t, math::min(h, to_next));
  }

  /// The first sample time of any driver after t (per lane of T).
  template <class T>
  CUBIE_HD CUBIE_FORCEINLINE T next_sample(T t) const {
    constexpr int W = driver_detail::lanes_of<T>();
    T out = t;
    for (int l = 0; l < W; ++l) {
      const double tl = driver_detail::lane(t, l);
      double next = 1e308;
      CUBIE_UNROLL
      for (int d = 0; d < n_drivers; ++d) {
        const double nd = drivers_[d].next_sample(tl);
        next = nd < next ? nd : next;
      }
      if constexpr (W > 1) out.set(l, next);
      else out = next;
    }
    return out;
  }

  CUBIE_HD CUBIE_FORCEINLINE void rhs(S t, const S* y, const S* p, S* dydt) const {
    S u[n_drivers];
    values_at(t, u);
    sys_.rhs(t, y, p, u, dydt);
  }

  CUBIE_HD CUBIE_FORCEINLINE void observables(S t, const S* y, const S* p, S* out) const {
    if constexpr (n_observables > 0) {
      S u[n_drivers];
      drivers(t, u, nullptr);
      sys_.observables(t, y, p, u, out);
    }
  }

  CUBIE_HD CUBIE_FORCEINLINE void event_conditions(S t, const S* y, const S* p, S* g) const
    requires(n_events > 0)
  {
    S u[n_drivers];
    drivers(t, u, nullptr);
    sys_.event_conditions(t, y, p, u, g);
  }

  CUBIE_HD CUBIE_FORCEINLINE void event_reset(int e, S t, const S* y, const S* p, S* y_new) const
    requires(resets_state<Sys>())
  {
    S u[n_drivers];
    drivers(t, u, nullptr);
    sys_.event_reset(e, t, y, p, u, y_new);
  }

  // ---- the implicit methods' members (JACOBIAN_CONTRACT.md), when the system has them ----
  CUBIE_HD CUBIE_FORCEINLINE void jacobian(S t, const S* y, const S* p, S* J) const
    requires requires(const Sys& s, S tt, const S* v, S* j) { s.jacobian(tt, v, v, v, j); }
  {
    S u[n_drivers];
    drivers(t, u, nullptr);
    sys_.jacobian(t, y, p, u, J);
  }

  CUBIE_HD CUBIE_FORCEINLINE void jacobian_sparse(S t, const S* y, const S* p, S* jv) const
    requires requires(const Sys& s, S tt, const S* v, S* j) { s.jacobian_sparse(tt, v, v, v, j); }
  {
    S u[n_drivers];
    drivers(t, u, nullptr);
    sys_.jacobian_sparse(t, y, p, u, jv);
  }

  /// J v and the diagonal of J at the drivers' values (the Krylov solvers' products).
  CUBIE_HD CUBIE_FORCEINLINE void jvp(S t, const S* y, const S* p, const S* v, S* Jv) const
    requires requires(const Sys& s, S tt, const S* c, S* o) { s.jvp(tt, c, c, c, c, o); }
  {
    S u[n_drivers];
    drivers(t, u, nullptr);
    sys_.jvp(t, y, p, u, v, Jv);
  }

  CUBIE_HD CUBIE_FORCEINLINE void jacobian_diagonal(S t, const S* y, const S* p, S* d) const
    requires requires(const Sys& s, S tt, const S* c, S* o) { s.jacobian_diagonal(tt, c, c, c, o); }
  {
    S u[n_drivers];
    drivers(t, u, nullptr);
    sys_.jacobian_diagonal(t, y, p, u, d);
  }

  /// df/dt along the solution's time: the drivers' rates enter through the system's
  /// time_derivative(t, y, p, u, dudt, dfdt).
  CUBIE_HD CUBIE_FORCEINLINE void time_derivative(S t, const S* y, const S* p, S* dfdt) const
    requires requires(const Sys& s, S tt, const S* v, S* f) { s.time_derivative(tt, v, v, v, v, f); }
  {
    S u[n_drivers], dudt[n_drivers];
    drivers(t, u, dudt);
    sys_.time_derivative(t, y, p, u, dudt, dfdt);
  }

  template <class C>
  CUBIE_HD CUBIE_FORCEINLINE auto factor_shifted(C c, S* jv) const
    requires requires(const Sys& s, C cc, S* j) { s.factor_shifted(cc, j); }
  {
    return sys_.factor_shifted(c, jv);
  }

  CUBIE_HD CUBIE_FORCEINLINE void solve_factored(const S* lu, S* x) const
    requires requires(const Sys& s, const S* l, S* v) { s.solve_factored(l, v); }
  {
    sys_.solve_factored(lu, x);
  }

  template <class C>
  CUBIE_HD CUBIE_FORCEINLINE auto factor_shifted_complex(C cr, C ci, S* re, S* im) const
    requires requires(const Sys& s, C a, S* r, S* i) { s.factor_shifted_complex(a, a, r, i); }
  {
    return sys_.factor_shifted_complex(cr, ci, re, im);
  }

  CUBIE_HD CUBIE_FORCEINLINE void solve_factored_complex(const S* lr, const S* li, S* xr, S* xi) const
    requires requires(const Sys& s, const S* l, S* v) { s.solve_factored_complex(l, l, v, v); }
  {
    sys_.solve_factored_complex(lr, li, xr, xi);
  }

  const Sys& system() const { return sys_; }

 private:
  const Sys& sys_;
  i64 run_;
  i64 last_run_;
  bool pieces_fixed_;     // steps land on samples: each lies in one piece (begin_step)
  mutable bool in_step_;  // begin_step has pinned the pieces (not before the first step)
  driver_signal_view<V> drivers_[n_drivers];
  mutable S x_mid_[n_drivers];  // the current step's middle, in each driver's grid
  mutable bool cached_;         // u_cached_ holds the drivers at t_cached_ (values_at)
  mutable S t_cached_;
  mutable S u_cached_[n_drivers];
};

/// Where the step from t may end: the next save t_target, or, when steps land on driver
/// samples, the first sample before it (`at_sample`: the end is a sample).
template <class T>
struct step_landing {
  T t_stop;
  mask_t<T> at_sample;
};

template <class Sys, class V, class T>
CUBIE_HD CUBIE_FORCEINLINE step_landing<T> plan_landing(const Sys& sys, const batch_args<V>& a, T t, T t_target) {
  if constexpr (n_drivers_of<Sys>() > 0) {
    if (a.drivers.land_on_samples) {
      const T next = sys.next_sample(t);
      return {math::select(next < t_target, next, t_target), next <= t_target};
    }
  } else {
    (void)sys, (void)a, (void)t;
  }
  return {t_target, mask_t<T>(false)};
}

/// The system as the loop uses it for local run r, in arithmetic S: `sys` itself when it
/// reads no drivers, else a driven_system over it (which must not outlive `sys`).
template <class S, class Sys, class V>
CUBIE_HD CUBIE_FORCEINLINE decltype(auto) drive(const Sys& sys, const batch_args<V>& a, i64 r) {
  if constexpr (n_drivers_of<Sys>() > 0) {
    return driven_system<Sys, S, V>(sys, a, r);
  } else {
    (void)a;
    (void)r;
    return static_cast<const Sys&>(sys);
  }
}

}  // namespace cubie
