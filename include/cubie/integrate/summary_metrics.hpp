// cubie/integrate/summary_metrics.hpp
// Summary metrics computed while a run integrates: per summarised variable, accumulators
// in registers (or a SIMD pack's lanes) fed at each sample time the steps land on, turned
// into the window's values at its last sample. No trajectory is stored.
//
// The accumulator groups an entry point carries are the compile-time set G
// (summary_settings.hpp); a group not in G takes no registers and no instructions. Which
// variables are summarised and which values are written are run-time tables, so one entry
// serves every request whose groups G contains.
//
// Numerics: a window's values are shifted by its first sample before they are summed, so
// sums hold deviations, not magnitudes (a signal near 1000 keeps float32's digits); the
// mean is a compensated (Kahan) sum of them, std Welford's update of the mean and of the
// sum of squared deviations (a constant signal has std exactly 0), rms alone a compensated
// sum of squares. Differences are formed between consecutive samples and scaled by
// 1 / sample_every at the window's end.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/fixed_vector.hpp"
#include "../core/math.hpp"
#include "../core/scalar_traits.hpp"
#include "../core/static_for.hpp"
#include "../core/types.hpp"
#include "batch_args.hpp"
#include "summary_lane_io.hpp"
#include "summary_settings.hpp"
#include "system.hpp"

// A window's end is rare: on the host its code is kept out of line (one copy per entry
// instead of one per call site, which shortens the build of summary entries), in static
// functions handed a copy of the recorder, so the recorder's own address never escapes and
// its accumulators can stay in registers. Device code inlines them.
#if !CUBIE_IS_NVRTC() && !defined(__CUDACC__)
#define CUBIE_SUMMARY_COLD __attribute__((noinline, cold))
#else
#define CUBIE_SUMMARY_COLD
#endif

namespace cubie {

namespace summary_lanes {

// Which lanes a summary update applies to: every lane or none, known at compile time (the
// fixed-step path samples all lanes together and knows a window's first sample by its
// loop index, so its per-sample code carries no selects), or a run-time mask.
struct all {};
struct none {};

template <class S>
CUBIE_HD CUBIE_FORCEINLINE S pick(all, S a, S) { return a; }
template <class S>
CUBIE_HD CUBIE_FORCEINLINE S pick(none, S, S b) { return b; }
template <class Mask, class S>
CUBIE_HD CUBIE_FORCEINLINE S pick(Mask m, S a, S b) { return math::select(m, a, b); }

template <class M>
CUBIE_HD CUBIE_FORCEINLINE M and_mask(all, M c) { return c; }
template <class M>
CUBIE_HD CUBIE_FORCEINLINE M and_mask(none, M) { return M(false); }
template <class M>
CUBIE_HD CUBIE_FORCEINLINE M and_mask(M m, M c) { return m & c; }

template <class M>
CUBIE_HD CUBIE_FORCEINLINE M as_mask(all) { return M(true); }
template <class M>
CUBIE_HD CUBIE_FORCEINLINE M as_mask(none) { return M(false); }
template <class M>
CUBIE_HD CUBIE_FORCEINLINE M as_mask(M m) { return m; }

template <class Mask>
struct is_none {
  static constexpr bool value = false;
};
template <>
struct is_none<none> {
  static constexpr bool value = true;
};

template <class Count>
struct counter_of {
  using type = Count;
};
template <>
struct counter_of<long long> {
  using type = int;
};

// Which variables an update visits: those the run-time table marks, or one known at
// compile time (the fixed-step path's loop versioned on a lone summarised variable, which
// then carries no per-variable checks).
struct every_variable {
  static constexpr int only = -1;
};
template <int V>
struct only_variable {
  static constexpr int only = V;
};

}  // namespace summary_lanes

/// @brief The summary metrics of one run (S scalar) or one SIMD pack of runs, carrying
/// the accumulator groups G. G = 0 is the recorder of entry points without summaries: it
/// holds nothing and every call compiles to nothing.
///
/// The landing loop calls start() before its first step, lands steps on next_time() as it
/// lands them on saves, calls on_landing() after every accepted landing and finish() at
/// the end. The fixed-step path calls begin(), then sample() for every sample with the
/// window's position known, and close() at each window's end.
template <u32 G, class Sys, class S, class V>
class summary_recorder {
 public:
  static constexpr bool compiled = G != 0;
  /// How many accumulator groups G holds.
  static constexpr int groups_compiled = [] {
    int n = 0;
    for (u32 g = G; g != 0; g &= g - 1) ++n;
    return n;
  }();
  static constexpr int N = Sys::n_states;
  static constexpr int O = Sys::n_observables;
  static constexpr int NV = N + O;  ///< states, then observables
  using T = time_t_of<S>;
  // Sample and window counters: 32-bit integers for a scalar run (a GPU thread's registers;
  // the host keeps a run's samples below 2^31), the time's lanes for a SIMD pack.
  using C = typename summary_lanes::counter_of<count_t_of<S>>::type;
  using TM = mask_t<T>;
  using M = mask_t<S>;

  /// Whether this solve records summaries (a run-time fact of the batch).
  CUBIE_HD CUBIE_FORCEINLINE bool on() const {
    if constexpr (compiled) return on_;
    else return false;
  }

  // ---- the landing loop ----------------------------------------------------------

  /// Before the first step, at time t: reads the tables; when the summary span starts at
  /// t, the state there becomes the first history value.
  template <int P>
  CUBIE_HD CUBIE_FORCEINLINE void start(const Sys& sys, const batch_args<V>& a, i64 r, T t,
                                        const fixed_vector<S, N>& y, const fixed_vector<S, P>& p, TM valid) {
    if constexpr (compiled) {
      next_ = T(never());
      if (!prepare(a)) return;
      next_ = T(a.loop.summary.t_start);
      on_landing(sys, a, r, valid, t, y, p);
    } else {
      (void)sys, (void)a, (void)r, (void)t, (void)y, (void)p, (void)valid;
    }
  }

  /// The time of the next sample (a huge time when there is none left).
  CUBIE_HD CUBIE_FORCEINLINE T next_time() const {
    if constexpr (compiled) return next_;
    else return T(never());
  }

  /// The lanes in `landed` reached time t with state y: those at their next sample take it.
  template <int P>
  CUBIE_HD CUBIE_FORCEINLINE void on_landing(const Sys& sys, const batch_args<V>& a, i64 r, TM landed, T t,
                                             const fixed_vector<S, N>& y, const fixed_vector<S, P>& p) {
    if constexpr (compiled) {
      const TM hit = landed & (t == next_);
      if (!math::any(hit)) return;
      take(sys, a, r, hit, t, y, p);
    } else {
      (void)sys, (void)a, (void)r, (void)landed, (void)t, (void)y, (void)p;
    }
  }

  /// At the end of a run: the windows the lanes in `valid` never closed (a failed run) hold
  /// NaN, whatever nan_fill_failed says: they have no value, and storage reused from an
  /// earlier solve must not show through.
  CUBIE_HD CUBIE_FORCEINLINE void finish(const batch_args<V>& a, i64 r, TM valid) const {
    if constexpr (compiled) {
      if (!on_) return;
      if (!math::any(valid & (w_ < C(a.loop.summary.n_windows)))) return;
      fill_unfinished(a, r, valid, w_);
    } else {
      (void)a, (void)r, (void)valid;
    }
  }

  // ---- the fixed-step path: every lane samples together ---------------------------

  /// At t_start with state y: reads the tables and records the first history value.
  /// Returns whether the solve records summaries.
  template <int P>
  CUBIE_HD CUBIE_FORCEINLINE bool begin(const Sys& sys, const batch_args<V>& a, T t, const fixed_vector<S, N>& y,
                                        const fixed_vector<S, P>& p) {
    if constexpr (compiled) {
      if (!prepare(a)) return false;
      fixed_vector<S, NV> x;
      values(sys, a, t, y, p, x, summary_lanes::every_variable{});
      CUBIE_UNROLL
      for (int v = 0; v < NV; ++v) prev_[v] = x[v];
      return true;
    } else {
      (void)sys, (void)a, (void)t, (void)y, (void)p;
      return false;
    }
  }

  /// The only summarised variable (states, then observables), or -1 when there are more.
  CUBIE_HD CUBIE_FORCEINLINE int single_variable() const {
    if constexpr (compiled) {
      int only = -1, count = 0;
      CUBIE_UNROLL
      for (int v = 0; v < NV; ++v) {
        if (block_[v] >= 0) {
          only = v;
          ++count;
        }
      }
      return count == 1 ? only : -1;
    } else {
      return -1;
    }
  }

  /// Sample j at time t, the i-th (1-based) of window w: First says whether i == 1,
  /// Second whether j >= 2 (summary_lanes::all or none); Vars which variables to visit.
  template <class First, class Second, class Vars, int P>
  CUBIE_HD CUBIE_FORCEINLINE void sample(const Sys& sys, const batch_args<V>& a, i64 r, i64 w, i64 i, i64 j, T t,
                                         const fixed_vector<S, N>& y, const fixed_vector<S, P>& p, First first,
                                         Second second, Vars vars) {
    if constexpr (compiled) {
      fixed_vector<S, NV> x;
      values(sys, a, t, y, p, x, vars);
      const summary_settings<V>& ss = a.loop.summary;
      auto peak_time = [&]() CUBIE_INLINE_LAMBDA {
        return time_to_scalar(math::min(save_time(ss.t_start, ss.sample_every, double(j - 1)), ss.t_end), S{});
      };
      update(a, r, x, summary_lanes::all{}, second, first, S(V(double(i))), C(w), peak_time, vars);
      move_history(summary_lanes::all{}, x, vars);
    } else {
      (void)sys, (void)a, (void)r, (void)w, (void)i, (void)j, (void)t, (void)y, (void)p, (void)first, (void)second,
          (void)vars;
    }
  }

  /// Window w ends (its last sample taken): its values go out, its accumulators restart.
  template <class Vars>
  CUBIE_HD void close(const batch_args<V>& a, i64 r, i64 w, Vars vars) {
    if constexpr (compiled) {
      close_window(a, r, summary_lanes::all{}, C(w), S(V(double(a.loop.summary.samples_per_window))), vars);
      w_ = C(w + 1);
    } else {
      (void)a, (void)r, (void)w, (void)vars;
    }
  }

 private:
  CUBIE_HD static CUBIE_FORCEINLINE double never() { return 1.7976931348623157e+308; }
  CUBIE_HD static CUBIE_FORCEINLINE S infinity() { return S(math::infinity<V>()); }

  static constexpr bool has(u32 g) { return (G & g) != 0; }

  /// Reads the tables and resets every accumulator; false when the solve has no summaries.
  CUBIE_HD CUBIE_FORCEINLINE bool prepare(const batch_args<V>& a) {
    on_ = a.loop.summary.groups != 0;
    if (!on_) return false;
    j_ = C(0);
    w_ = C(0);
    in_ = C(0);
    CUBIE_UNROLL
    for (int v = 0; v < NV; ++v) {
      block_[v] = a.summary_slot[v];
      prev_[v] = S(0.0);
      prev2_[v] = S(0.0);
      shift_[v] = S(0.0);
    }
    reset_all();
    return true;
  }

  /// The summarised quantities at (t, y): the states, then the observables when any is summarised.
  template <class Vars, int P>
  CUBIE_HD CUBIE_FORCEINLINE void values(const Sys& sys, const batch_args<V>& a, T t, const fixed_vector<S, N>& y,
                                         const fixed_vector<S, P>& p, fixed_vector<S, NV>& x, Vars) const {
    CUBIE_UNROLL
    for (int n = 0; n < N; ++n) x[n] = y[n];
    if constexpr (O > 0) {
      if (a.loop.summary.n_summarised_observables > 0 && (Vars::only < 0 || Vars::only >= N)) {
        fixed_vector<S, (O > 0 ? O : 1)> obs;
        compute_observables(sys, time_to_scalar(t, S{}), y.data(), p.data(), obs.data());
        CUBIE_UNROLL
        for (int o = 0; o < O; ++o) x[N + o] = obs[o];
      } else {
        CUBIE_UNROLL
        for (int o = 0; o < O; ++o) x[N + o] = S(0.0);
      }
    }
  }

  /// The landing loop's sample j_ for the lanes in `hit` (sample 0 only records the history).
  template <int P>
  CUBIE_HD CUBIE_FORCEINLINE void take(const Sys& sys, const batch_args<V>& a, i64 r, TM hit, T t,
                                       const fixed_vector<S, N>& y, const fixed_vector<S, P>& p) {
    const summary_settings<V>& ss = a.loop.summary;
    const TM sample = hit & (j_ > C(0));
    const TM second = sample & (j_ > C(1));  // two values before it: second differences, peaks
    fixed_vector<S, NV> x;
    values(sys, a, t, y, p, x, summary_lanes::every_variable{});
    auto peak_time = [&]() CUBIE_INLINE_LAMBDA {
      return time_to_scalar(
          math::min(save_time(T(ss.t_start), T(ss.sample_every), count_to_time(j_ - C(1))), T(ss.t_end)), S{});
    };
    update(a, r, x, time_mask_to_scalar_mask(sample, S{}), time_mask_to_scalar_mask(second, S{}),
           time_mask_to_scalar_mask(sample & (in_ == C(0)), S{}),
           time_to_scalar(count_to_time(in_ + C(1)), S{}), w_, peak_time, summary_lanes::every_variable{});
    move_history(time_mask_to_scalar_mask(hit, S{}), x, summary_lanes::every_variable{});

    in_ = math::select(sample, in_ + C(1), in_);
    const TM close = sample & (in_ >= C(ss.samples_per_window));
    if (math::any(close)) {
      close_window(a, r, time_mask_to_scalar_mask(close, S{}), w_, time_to_scalar(count_to_time(in_), S{}),
                   summary_lanes::every_variable{});
      w_ = math::select(close, w_ + C(1), w_);
      in_ = math::select(close, C(0), in_);
    }
    j_ = math::select(hit, j_ + C(1), j_);
    const TM more = j_ <= C(ss.n_windows * ss.samples_per_window);
    const T t_next = math::min(save_time(T(ss.t_start), T(ss.sample_every), count_to_time(j_)), T(ss.t_end));
    next_ = math::select(hit, math::select(more, t_next, T(never())), next_);
  }

  /// Feeds the values x of one sample to the accumulators of the lanes in `sample`.
  /// `second`: lanes with two earlier values (second differences, peaks); `first`: lanes
  /// at their window's first sample (the shift); n_after: the window's samples with this
  /// one; w: the window (peak times go straight to it); peak_time(): the previous sample's time.
  template <class Sample, class Second, class First, class PeakTime, class Vars>
  CUBIE_HD CUBIE_FORCEINLINE void update(const batch_args<V>& a, i64 r, const fixed_vector<S, NV>& x, Sample sample,
                                         Second second, First first, S n_after, C w, PeakTime&& peak_time, Vars) {
    using summary_lanes::and_mask;
    using summary_lanes::pick;
    const summary_settings<V>& ss = a.loop.summary;
    S inv_n = S(0.0);  // Welford's 1 / n
    if constexpr (has(summary_group::moments)) inv_n = S(1.0) / n_after;
    const int n_out = ss.outputs.n_outputs;
    static_for<0, NV>([&](auto idx) CUBIE_INLINE_LAMBDA {
      constexpr int v = decltype(idx)::value;
      if constexpr (Vars::only >= 0) {
        if constexpr (v != Vars::only) return;
      } else {
        if (block_[v] < 0) return;
      }
      const S xv = x[v];
      if constexpr (has(summary_group::max)) max_[v] = pick(sample, math::max(max_[v], xv), max_[v]);
      if constexpr (has(summary_group::min)) min_[v] = pick(sample, math::min(min_[v], xv), min_[v]);
      if constexpr (has(summary_group::sum | summary_group::moments)) shift_[v] = pick(first, xv, shift_[v]);
      if constexpr (has(summary_group::sum)) kahan_add(sample, sum_[v], sum_c_[v], xv - shift_[v]);
      if constexpr (has(summary_group::sum_squares)) kahan_add(sample, sq_[v], sq_c_[v], xv * xv);
      if constexpr (has(summary_group::moments)) {
        const S dev = xv - shift_[v];
        const S delta = dev - mean_[v];
        const S mean = mean_[v] + delta * inv_n;
        const S m2 = m2_[v] + delta * (dev - mean);
        mean_[v] = pick(sample, mean, mean_[v]);
        m2_[v] = pick(sample, m2, m2_[v]);
      }
      if constexpr (has(summary_group::needs_previous)) {
        const S d1 = xv - prev_[v];
        if constexpr (has(summary_group::dxdt_max)) dmax_[v] = pick(sample, math::max(dmax_[v], d1), dmax_[v]);
        if constexpr (has(summary_group::dxdt_min)) dmin_[v] = pick(sample, math::min(dmin_[v], d1), dmin_[v]);
        if constexpr (has(summary_group::needs_second_previous) && !summary_lanes::is_none<Second>::value) {
          // (x_j - x_{j-1}) - (x_{j-1} - x_{j-2}): numpy's diff of the diff.
          const S d2 = d1 - (prev_[v] - prev2_[v]);
          if constexpr (has(summary_group::d2xdt2_max)) d2max_[v] = pick(second, math::max(d2max_[v], d2), d2max_[v]);
          if constexpr (has(summary_group::d2xdt2_min)) d2min_[v] = pick(second, math::min(d2min_[v], d2), d2min_[v]);
          const i64 base = static_cast<i64>(block_[v]) * n_out;
          if constexpr (has(summary_group::peaks)) {
            const M peak = (prev_[v] > xv) & (prev2_[v] < prev_[v]) & (peaks_[v] < S(V(ss.outputs.n_peaks)));
            const M found = and_mask(second, peak);
            if (math::any(found)) {
              store_summary(a, w, scalar_mask_to_time_mask(found), base + ss.outputs.peaks_at, peaks_[v], r,
                            peak_time());
              peaks_[v] = math::select(found, peaks_[v] + S(1.0), peaks_[v]);
            }
          }
          if constexpr (has(summary_group::negative_peaks)) {
            const M trough =
                (prev_[v] < xv) & (prev2_[v] > prev_[v]) & (npeaks_[v] < S(V(ss.outputs.n_negative_peaks)));
            const M found = and_mask(second, trough);
            if (math::any(found)) {
              store_summary(a, w, scalar_mask_to_time_mask(found), base + ss.outputs.negative_peaks_at, npeaks_[v],
                            r, peak_time());
              npeaks_[v] = math::select(found, npeaks_[v] + S(1.0), npeaks_[v]);
            }
          }
        }
      }
    });
  }

  /// The sample's values become the history of the lanes in `lanes` (summarised variables only).
  template <class Lanes, class Vars>
  CUBIE_HD CUBIE_FORCEINLINE void move_history(Lanes lanes, const fixed_vector<S, NV>& x, Vars) {
    using summary_lanes::pick;
    if constexpr (has(summary_group::needs_previous)) {
      static_for<0, NV>([&](auto idx) CUBIE_INLINE_LAMBDA {
        constexpr int v = decltype(idx)::value;
        if constexpr (Vars::only >= 0) {
          if constexpr (v != Vars::only) return;
        } else {
          if (block_[v] < 0) return;
        }
        if constexpr (has(summary_group::needs_second_previous)) prev2_[v] = pick(lanes, prev_[v], prev2_[v]);
        prev_[v] = pick(lanes, x[v], prev_[v]);
      });
    } else {
      (void)lanes, (void)x;
    }
  }

  template <class Sample>
  CUBIE_HD static CUBIE_FORCEINLINE void kahan_add(Sample m, S& sum, S& c, S x) {
    using summary_lanes::pick;
    const S y = x - c;
    const S t = sum + y;
    c = pick(m, (t - sum) - y, c);
    sum = pick(m, t, sum);
  }

  /// NaN in windows [w, n_windows) of the lanes in `valid`.
  CUBIE_HD CUBIE_SUMMARY_COLD static void fill_unfinished(const batch_args<V>& a, i64 r, TM valid, C w) {
    const summary_settings<V>& ss = a.loop.summary;
    const S nan = S(math::quiet_nan<V>());
    for (i64 ww = 0; ww < ss.n_windows; ++ww) {
      const C wc = C(ww);
      const TM write = valid & (w <= wc);
      if (!math::any(write)) continue;
      for (i64 row = 0; row < ss.n_rows; ++row) store_summary(a, wc, write, row, S(0.0), r, nan);
    }
  }

  /// Window w of the lanes in `close` ends after n samples: its values go out (from a copy
  /// of the accumulators), its accumulators restart.
  /// Vars: the variables to visit (summary_lanes::every_variable or one known at compile time).
  template <class Lanes, class Vars>
  CUBIE_HD CUBIE_FORCEINLINE void close_window(const batch_args<V>& a, i64 r, Lanes close, C w, S n, Vars vars) {
    const M close_s = summary_lanes::as_mask<M>(close);
#if !CUBIE_IS_NVRTC() && !defined(__CUDACC__)
    const summary_recorder snapshot = *this;
    emit_window(snapshot, a, r, close_s, w, n, vars);
#else
    emit(a, r, close_s, w, n, vars);
#endif
    static_for<0, NV>([&](auto idx) CUBIE_INLINE_LAMBDA {
      constexpr int v = decltype(idx)::value;
      if constexpr (Vars::only < 0 || v == Vars::only) reset(v, close_s);
    });
  }

  /// Writes the values of the window of the lanes in `close_s` from the accumulators of `s`.
  template <class Vars>
  CUBIE_HD CUBIE_SUMMARY_COLD static void emit_window(const summary_recorder& s, const batch_args<V>& a, i64 r,
                                                      M close_s, C w, S n, Vars vars) {
    s.emit(a, r, close_s, w, n, vars);
  }

  template <class Vars>
  CUBIE_HD CUBIE_FORCEINLINE void emit(const batch_args<V>& a, i64 r, M close_s, C w, S n, Vars) const {
    const summary_settings<V>& ss = a.loop.summary;
    const summary_outputs& out = ss.outputs;
    const TM close_t = scalar_mask_to_time_mask(close_s);
    const S nan = S(math::quiet_nan<V>());
    const S inf = infinity();
    const S inv_dt = S(ss.inv_sample_every);
    const S inv_dt2 = S(ss.inv_sample_every_sq);
    static_for<0, NV>([&](auto idx) CUBIE_INLINE_LAMBDA {
      constexpr int v = decltype(idx)::value;
      if constexpr (Vars::only >= 0) {
        if constexpr (v != Vars::only) return;
      } else {
        if (block_[v] < 0) return;
      }
      const i64 base = static_cast<i64>(block_[v]) * out.n_outputs;
      for (int c = 0; c < out.n_codes; ++c) {
        S value = nan;
        switch (out.code[c]) {
          case summary_code::mean_of_sum:
            if constexpr (has(summary_group::sum)) value = shift_[v] + sum_[v] / n;
            break;
          case summary_code::mean_of_moments:
            if constexpr (has(summary_group::moments)) value = shift_[v] + mean_[v];
            break;
          case summary_code::std_of_moments:
            if constexpr (has(summary_group::moments)) value = math::sqrt(m2_[v] / n);
            break;
          case summary_code::rms_of_squares:
            if constexpr (has(summary_group::sum_squares)) value = math::sqrt(sq_[v] / n);
            break;
          case summary_code::rms_of_moments:
            if constexpr (has(summary_group::moments)) {
              const S mean = shift_[v] + mean_[v];
              value = math::sqrt(m2_[v] / n + mean * mean);
            }
            break;
          case summary_code::max:
            if constexpr (has(summary_group::max)) value = max_[v];
            break;
          case summary_code::min:
            if constexpr (has(summary_group::min)) value = min_[v];
            break;
          case summary_code::max_magnitude:
            if constexpr (has(summary_group::max) && has(summary_group::min)) value = math::max(max_[v], -min_[v]);
            break;
          case summary_code::dxdt_max:
            if constexpr (has(summary_group::dxdt_max)) value = dmax_[v] * inv_dt;
            break;
          case summary_code::dxdt_min:
            if constexpr (has(summary_group::dxdt_min)) value = dmin_[v] * inv_dt;
            break;
          case summary_code::d2xdt2_max:
            // A first window of one sample has no second difference: NaN.
            if constexpr (has(summary_group::d2xdt2_max)) value = math::select(d2max_[v] == -inf, nan, d2max_[v] * inv_dt2);
            break;
          case summary_code::d2xdt2_min:
            if constexpr (has(summary_group::d2xdt2_min)) value = math::select(d2min_[v] == inf, nan, d2min_[v] * inv_dt2);
            break;
        }
        store_summary(a, w, close_t, base + out.at[c], S(0.0), r, value);
      }
      // Peak slots no peak filled hold NaN.
      if constexpr (has(summary_group::peaks)) {
        for (int i = 0; i < out.n_peaks; ++i) {
          const M empty = close_s & (peaks_[v] <= S(V(i)));
          if (math::any(empty)) store_summary(a, w, scalar_mask_to_time_mask(empty), base + out.peaks_at + i, S(0.0), r, nan);
        }
      }
      if constexpr (has(summary_group::negative_peaks)) {
        for (int i = 0; i < out.n_negative_peaks; ++i) {
          const M empty = close_s & (npeaks_[v] <= S(V(i)));
          if (math::any(empty))
            store_summary(a, w, scalar_mask_to_time_mask(empty), base + out.negative_peaks_at + i, S(0.0), r, nan);
        }
      }
    });
  }

  CUBIE_HD CUBIE_FORCEINLINE void reset(int v, M m) {
    const S inf = infinity();
    const S zero = S(0.0);
    if constexpr (has(summary_group::max)) max_[v] = math::select(m, -inf, max_[v]);
    if constexpr (has(summary_group::min)) min_[v] = math::select(m, inf, min_[v]);
    if constexpr (has(summary_group::sum)) {
      sum_[v] = math::select(m, zero, sum_[v]);
      sum_c_[v] = math::select(m, zero, sum_c_[v]);
    }
    if constexpr (has(summary_group::sum_squares)) {
      sq_[v] = math::select(m, zero, sq_[v]);
      sq_c_[v] = math::select(m, zero, sq_c_[v]);
    }
    if constexpr (has(summary_group::moments)) {
      mean_[v] = math::select(m, zero, mean_[v]);
      m2_[v] = math::select(m, zero, m2_[v]);
    }
    if constexpr (has(summary_group::dxdt_max)) dmax_[v] = math::select(m, -inf, dmax_[v]);
    if constexpr (has(summary_group::dxdt_min)) dmin_[v] = math::select(m, inf, dmin_[v]);
    if constexpr (has(summary_group::d2xdt2_max)) d2max_[v] = math::select(m, -inf, d2max_[v]);
    if constexpr (has(summary_group::d2xdt2_min)) d2min_[v] = math::select(m, inf, d2min_[v]);
    if constexpr (has(summary_group::peaks)) peaks_[v] = math::select(m, zero, peaks_[v]);
    if constexpr (has(summary_group::negative_peaks)) npeaks_[v] = math::select(m, zero, npeaks_[v]);
  }

  CUBIE_HD CUBIE_FORCEINLINE void reset_all() {
    const M all_lanes = M(true);
    CUBIE_UNROLL
    for (int v = 0; v < NV; ++v) reset(v, all_lanes);
  }

  // Per run (lane): the next sample's index (0: the history value at t_start), its time,
  // the current window and the samples it holds so far.
  C j_{}, w_{}, in_{};
  T next_{};
  bool on_ = false;
  fixed_vector<i32, NV> block_;  // the variable's block of outputs, -1 when not summarised
  // Accumulators of the groups in G (the others are never touched and take no storage
  // once the loop is inlined).
  fixed_vector<S, NV> prev_, prev2_;
  fixed_vector<S, NV> max_, min_;
  fixed_vector<S, NV> shift_, sum_, sum_c_, sq_, sq_c_;  // shift_: the window's first sample
  fixed_vector<S, NV> mean_, m2_;
  fixed_vector<S, NV> dmax_, dmin_, d2max_, d2min_;
  fixed_vector<S, NV> peaks_, npeaks_;  // peaks found in this window
};

}  // namespace cubie
