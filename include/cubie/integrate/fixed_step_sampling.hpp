// cubie/integrate/fixed_step_sampling.hpp
// Fixed steps over the recorded span when summary metrics are sampled and no intermediate
// save is: integer step counts between sample times, each interval ending exactly on its
// sample, no per-step time compare, and a window's first and later samples in loops of
// their own so the per-sample code carries no run-time masks. The fixed-count path of
// integrate_run.hpp calls it.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/fixed_vector.hpp"
#include "../core/math.hpp"
#include "../core/scalar_traits.hpp"
#include "../core/types.hpp"
#include "batch_args.hpp"
#include "stepper.hpp"
#include "summary_metrics.hpp"

namespace cubie::detail {

/// Integrates y from t_save0 to the end of the span with fixed steps, feeding `rec` at
/// every sample time; returns the steps taken. `singular` collects the lanes whose implicit
/// steps met a singular matrix or a failed Newton iteration (an empty tracker for explicit
/// steppers).
template <class Method, class Rec, class Tracker, class Sys, class S, class V, int N, int P>
CUBIE_HD CUBIE_FORCEINLINE i64 fixed_steps_sampled(const Sys& sys, const batch_args<V>& a, i64 r, fixed_vector<S, N>& y,
                                                   const fixed_vector<S, P>& p, Rec& rec, Tracker& singular) {
  using Stepper = stepper_for<Method, S, N, Sys>;
  using T = time_t_of<S>;
  const loop_settings<V>& ls = a.loop;
  const summary_settings<V>& ss = ls.summary;
  const double dt_d = ls.dt_fixed;
  const S dt = S(dt_d);

  fixed_vector<S, N> ys = y;
  Stepper stepper;
  configure_stepper(stepper, ls.newton);
  typename Stepper::work_type work{};
  // The state at the span's start is the first history value of the differences.
  (void)rec.begin(sys, a, T(ls.t_save0), ys, p);
  stepper.start(sys, time_to_scalar(ls.t_save0, S{}), ys, p);

  // Steps from t_begin to t_stop: `steps` of dt, the last one `last_h` long and ending on
  // t_stop exactly (the time the next stage evaluations see).
  auto interval = [&](double t_begin, double t_stop, i64 steps, V last_h) CUBIE_INLINE_LAMBDA {
    for (i64 i = 0; i < steps; ++i) {
      const bool last = i == steps - 1;
      const S h = last ? S(last_h) : dt;
      singular.add(stepper.step(sys, time_to_scalar(t_begin + double(i) * dt_d, S{}), h, ys, p, work).singular,
                   stepper);
      stepper.advance_all(sys, time_to_scalar(last ? t_stop : t_begin + double(i + 1) * dt_d, S{}), ys, p);
    }
  };
  // A sample interval of one whole step (sample_summaries_every = dt): no inner loop.
  auto one_step = [&](double t_begin, double t_stop, i64, V) CUBIE_INLINE_LAMBDA {
    singular.add(stepper.step(sys, time_to_scalar(t_begin, S{}), dt, ys, p, work).singular, stepper);
    stepper.advance_all(sys, time_to_scalar(t_stop, S{}), ys, p);
  };

  // 32-bit sample counters (the host keeps a run's samples below 2^31): fewer instructions
  // per sample on the GPU.
  const int m = static_cast<int>(ss.samples_per_window);
  const int n_windows = static_cast<int>(ss.n_windows);
  double t_begin = ls.t_save0;
  auto windows = [&](auto&& advance, auto vars) CUBIE_INLINE_LAMBDA {
    int j = 0;
    for (int w = 0; w < n_windows; ++w) {
      // The window's first sample sets its shift; the run's very first has no second
      // difference (a run-time mask: once a window).
      ++j;
      double t_sample = math::min(save_time(ss.t_start, ss.sample_every, double(j)), ss.t_end);
      advance(t_begin, t_sample, ss.steps_per_sample, ss.sample_last_h);
      rec.sample(sys, a, r, w, 1, j, T(t_sample), ys, p, summary_lanes::all{}, mask_t<S>(j > 1), vars);
      t_begin = t_sample;
      for (int i = 2; i <= m; ++i) {
        ++j;
        t_sample = math::min(save_time(ss.t_start, ss.sample_every, double(j)), ss.t_end);
        advance(t_begin, t_sample, ss.steps_per_sample, ss.sample_last_h);
        rec.sample(sys, a, r, w, i, j, T(t_sample), ys, p, summary_lanes::none{}, summary_lanes::all{}, vars);
        t_begin = t_sample;
      }
      rec.close(a, r, w, vars);
    }
  };
  // Every step a sample: the per-sample work is a large part of the step's, so the loop is
  // versioned on a lone summarised variable (no per-variable checks) in entries fitted to
  // few accumulator groups and small systems: each version is a copy of the loop, which
  // entries carrying every group would pay for in build time.
  bool done = false;
  if constexpr (Rec::NV <= 8 && Rec::groups_compiled <= 4) {
    if (ss.steps_per_sample == 1 && ss.sample_last_h == static_cast<V>(dt_d)) {
      const int only = rec.single_variable();
      static_for<0, Rec::NV>([&](auto idx) CUBIE_INLINE_LAMBDA {
        constexpr int v = decltype(idx)::value;
        if (!done && only == v) {
          windows(one_step, summary_lanes::only_variable<v>{});
          done = true;
        }
      });
    }
  }
  if (!done) windows(interval, summary_lanes::every_variable{});
  // What follows the last whole window, up to the end of the span.
  const double t_end = ls.t_save0 + ls.save_every;
  interval(t_begin, t_end, ss.tail_steps, ss.tail_last_h);
  y = ys;
  return ss.n_windows * ss.samples_per_window * ss.steps_per_sample + ss.tail_steps;
}

}  // namespace cubie::detail
