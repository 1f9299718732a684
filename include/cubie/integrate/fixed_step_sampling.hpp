// cubie/integrate/fixed_step_sampling.hpp
// Fixed steps over the recorded span when summary metrics are sampled and no intermediate
// save is: integer step counts between sample times, each interval ending exactly on its
// sample, no per-step time compare. The fixed-count path of integrate_run.hpp calls it.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/fixed_vector.hpp"
#include "../core/scalar_traits.hpp"
#include "../core/types.hpp"
#include "batch_args.hpp"
#include "stepper.hpp"
#include "summary_metrics.hpp"

namespace cubie::detail {

/// Integrates y from t_save0 to the end of the span with fixed steps, feeding `rec` at
/// every sample time; returns the steps taken.
template <class Method, class Rec, class Sys, class S, class V, int N, int P>
CUBIE_HD CUBIE_FORCEINLINE i64 fixed_steps_sampled(const Sys& sys, const batch_args<V>& a, i64 r,
                                                   mask_t<time_t_of<S>> valid, fixed_vector<S, N>& y,
                                                   const fixed_vector<S, P>& p, Rec& rec) {
  using Stepper = stepper_for<Method, S, N>;
  using T = time_t_of<S>;
  const loop_settings<V>& ls = a.loop;
  const summary_settings<V>& ss = ls.summary;
  const double dt_d = ls.dt_fixed;
  const S dt = S(dt_d);

  fixed_vector<S, N> ys = y;
  Stepper stepper;
  typename Stepper::work_type work{};
  // The state at the span's start is the first history value of the differences.
  rec.start(sys, a, r, T(ls.t_save0), ys, p, valid);
  stepper.start(sys, time_to_scalar(ls.t_save0, S{}), ys, p);

  // Steps from t_begin to t_stop: `steps` of dt, the last one `last_h` long and ending on
  // t_stop exactly (the time the next stage evaluations see).
  auto interval = [&](double t_begin, double t_stop, i64 steps, V last_h) CUBIE_INLINE_LAMBDA {
    for (i64 i = 0; i < steps; ++i) {
      const bool last = i == steps - 1;
      const S h = last ? S(last_h) : dt;
      (void)stepper.step(sys, time_to_scalar(t_begin + double(i) * dt_d, S{}), h, ys, p, work);
      stepper.advance_all(sys, time_to_scalar(last ? t_stop : t_begin + double(i + 1) * dt_d, S{}), ys, p);
    }
  };

  const i64 samples = ss.n_windows * ss.samples_per_window;
  double t_begin = ls.t_save0;
  for (i64 j = 1; j <= samples; ++j) {
    const double t_sample = math::min(save_time(ss.t_start, ss.sample_every, double(j)), ss.t_end);
    interval(t_begin, t_sample, ss.steps_per_sample, ss.sample_last_h);
    rec.on_landing(sys, a, r, valid, T(t_sample), ys, p);
    t_begin = t_sample;
  }
  // What follows the last whole window, up to the end of the span.
  const double t_end = ls.t_save0 + ls.save_every;
  interval(t_begin, t_end, ss.tail_steps, ss.tail_last_h);
  y = ys;
  return samples * ss.steps_per_sample + ss.tail_steps;
}

}  // namespace cubie::detail
