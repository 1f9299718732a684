// cubie/integrate/continuation.hpp
// algorithm = "auto" in two passes: the record a run leaves when the explicit first pass
// hands it on (its stiffness test fired), and how the second pass takes it up, so that the
// run continues exactly as it would have in one kernel: same time, state, step size,
// controller history, save index and counters. Why two passes: a kernel holding both methods
// pays the implicit method's registers and local memory on every explicit run, and a warp
// whose runs are in different modes runs both (bench/RESULTS.md, issue 9).
//
// The record holds doubles (exact for every float and for counts below 2^53); field f of
// run r is at record[f * stride + r], so a record is as many columns as fields.
// Solves with summaries, events or drivers keep the one-kernel path (their monitors' state
// is not in the record), as do fixed steps.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/fixed_vector.hpp"
#include "../core/scalar_traits.hpp"
#include "../core/types.hpp"
#include "batch_args.hpp"
#include "step_controller.hpp"

namespace cubie {

/// The record's fields, then the states.
enum class continuation_field : int {
  handed = 0,  ///< 1: the run was handed on (its other fields are valid)
  t,
  dt,
  save_index,
  accepted,
  rejected,
  newton,  ///< iteration_counters totals so far
  linear,
  controller,  ///< step_controller<S>::history_size values
  states = controller + step_controller<double>::history_size,
};

/// Fields of a record for a system of n states.
CUBIE_HD constexpr int continuation_fields(int n_states) { return static_cast<int>(continuation_field::states) + n_states; }

/// Steppers whose runs can be handed on (the first pass) and taken up (the second).
template <class Stepper>
inline constexpr bool hands_off_runs = requires(const Stepper& s) { s.handing_off(); };
template <class Stepper>
inline constexpr bool resumes_runs = requires(Stepper& s) { s.resume_stiff(0.0f); };

namespace detail {

template <class V>
CUBIE_HD CUBIE_FORCEINLINE double& record_at(const batch_args<V>& a, continuation_field f, i64 r, int extra = 0) {
  return a.resume.record[(static_cast<i64>(f) + extra) * a.resume.stride + r];
}

/// Lane l of a value of a pack of W lanes (W = 1: the value itself).
template <int W, class X>
CUBIE_HD CUBIE_FORCEINLINE double lane_value(const X& x, int l) {
  if constexpr (W == 1) {
    (void)l;
    return static_cast<double>(x);
  } else {
    return static_cast<double>(x[l]);
  }
}

/// Pass 1: the lanes in `lanes` (runs still integrating, declared stiff) leave their state
/// in the record; on the GPU each also takes a place in the list of handed-on runs.
template <class V, class S, class T, class C, class TM, class Ctl, int N>
CUBIE_HD void leave_continuation(const batch_args<V>& a, i64 r, TM lanes, T t, S dt, C k, C accepted, C rejected,
                                 C newton, C linear, const Ctl& controller, const fixed_vector<S, N>& y) {
  if (a.resume.record == nullptr) return;
  constexpr int W = scalar_traits<S>::lanes;
  for (int l = 0; l < W; ++l) {
    if constexpr (W == 1) {
      if (!lanes) return;
    } else {
      if (!lanes[l] || r + l >= a.n_runs) continue;
    }
    const i64 run = r + l;
    record_at(a, continuation_field::t, run) = lane_value<W>(t, l);
    record_at(a, continuation_field::dt, run) = lane_value<W>(dt, l);
    record_at(a, continuation_field::save_index, run) = lane_value<W>(k, l);
    record_at(a, continuation_field::accepted, run) = lane_value<W>(accepted, l);
    record_at(a, continuation_field::rejected, run) = lane_value<W>(rejected, l);
    record_at(a, continuation_field::newton, run) = lane_value<W>(newton, l);
    record_at(a, continuation_field::linear, run) = lane_value<W>(linear, l);
    for (int h = 0; h < Ctl::history_size; ++h)
      record_at(a, continuation_field::controller, run, h) = lane_value<W>(controller.history(h), l);
    for (int n = 0; n < N; ++n) record_at(a, continuation_field::states, run, n) = lane_value<W>(y[n], l);
    record_at(a, continuation_field::handed, run) = 1.0;
#if defined(__CUDA_ARCH__)
    if (a.resume.handed_count != nullptr) a.resume.handed_runs[atomicAdd(a.resume.handed_count, 1ull)] = run;
#endif
  }
}

/// A value of W lanes (W = 1: a scalar) of element type E from `at(l)`, the double of lane l.
template <class X, class E, int W, class At>
CUBIE_HD CUBIE_FORCEINLINE X from_lanes(At&& at) {
  if constexpr (W == 1) {
    return X(E(at(0)));
  } else {
    E lanes[W];
    for (int l = 0; l < W; ++l) lanes[l] = E(at(l));
    return X::load(lanes);
  }
}

/// Pass 2: the state of the runs starting at r from their records (a GPU thread: one run; a
/// CPU pack: W neighbouring runs of the gathered batch, lanes past its end repeating the last).
template <class V, class S, class T, class C, class Ctl, int N>
CUBIE_HD CUBIE_FORCEINLINE void take_continuation(const batch_args<V>& a, i64 r, T& t, S& dt, C& k, C& accepted,
                                                  C& rejected, C& newton, C& linear, Ctl& controller,
                                                  fixed_vector<S, N>& y) {
  constexpr int W = scalar_traits<S>::lanes;
  using E = value_type_t<S>;
  using TE = value_type_t<T>;
  using CE = value_type_t<C>;
  const auto field = [&](continuation_field f, int extra = 0) {
    return [&a, f, extra, r](int l) {
      const i64 run = W == 1 ? r : (r + l < a.n_runs ? r + l : a.n_runs - 1);
      return record_at(a, f, run, extra);
    };
  };
  t = from_lanes<T, TE, W>(field(continuation_field::t));
  dt = from_lanes<S, E, W>(field(continuation_field::dt));
  k = from_lanes<C, CE, W>(field(continuation_field::save_index));
  accepted = from_lanes<C, CE, W>(field(continuation_field::accepted));
  rejected = from_lanes<C, CE, W>(field(continuation_field::rejected));
  newton = from_lanes<C, CE, W>(field(continuation_field::newton));
  linear = from_lanes<C, CE, W>(field(continuation_field::linear));
  for (int h = 0; h < Ctl::history_size; ++h)
    controller.set_history(h, from_lanes<S, E, W>(field(continuation_field::controller, h)));
  CUBIE_UNROLL
  for (int n = 0; n < N; ++n) y[n] = from_lanes<S, E, W>(field(continuation_field::states, n));
}

}  // namespace detail
}  // namespace cubie
