// cubie/integrate/step_controller.hpp
// Step-size control: how a trial step's error norm becomes "accept or reject" and the next
// step size. The kinds share the loop; each is one formula on the log2 of the norm.
//
//   fixed  no error estimate is read: every finite step is accepted, dt never changes.
//   i      gain = safety * err^(-1/(2(q+1)))              (q: the method's error order;
//   pi     gain = safety * err^(-kp/..) * err_prev^(-ki/..)   err is the mean-square norm,
//   pid    ... * err_prev2^(-kd/..)                            so the exponents carry 1/2)
//
//   gustafsson  Hairer & Wanner's predictive controller (Solving ODEs II, IV.8; RADAU5):
//          gain = fac * err^(-1/(2(q+1))), with fac = safety (1 + 2 T) / (n + 2 T) <= safety
//          lowered by the Newton iterations n the step took (T = newton_target_iters), and
//          after an accepted step at most safety (h / h_acc) (err_acc / err^2)^(1/(2(q+1)))
//          from the last accepted step (h_acc, err_acc): steps grow slowly after hard ones.
//
// A rejected step shrinks by safety * err^(-1/(2(q+1))). Gains are clamped to [min_gain,
// max_gain] (at most 1 after a rejection), and a gain inside the deadband leaves dt as it
// is. The i controller also keeps the step that follows a rejection from growing, as Hairer's
// DOP853 and DOPRI5 (IF (REJECT) HNEW = MIN(HNEW, H)) and SciPy's RK45 and DOP853 do: without
// it the retry's small error grows h straight back into the rejected size, and encounters
// alternate accept and reject. The host computes the exponents (Solver::resolve_controller),
// so the device only adds products of logs and calls exp2 once per step.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/math.hpp"
#include "../core/scalar_traits.hpp"

namespace cubie {

enum class controller_kind : int { fixed = 0, i = 1, pi = 2, pid = 3, gustafsson = 4 };

/// A controller's constants for one solve, in the state precision V.
template <class V>
struct controller_settings {
  controller_kind kind;
  V dt_min;
  V dt_max;
  V safety;
  V min_gain;
  V max_gain;
  V deadband_min;
  V deadband_max;
  // Exponents applied to log2 of the mean-square error norm: -k/(2(q+1)) for the
  // proportional, integral and derivative terms and for the gain after a rejection.
  V exp_p;
  V exp_i;
  V exp_d;
  V exp_reject;
  V newton_target;  // gustafsson: the Newton iterations per stage it plans for
};

/// What the controller made of one trial step, per lane.
template <class S>
struct step_decision {
  mask_t<S> accept;    ///< the trial is usable and within tolerance
  mask_t<S> trial_ok;  ///< the trial could be judged at all (finite, the stepper succeeded)
  mask_t<S> at_floor;  ///< rejected with h already at dt_min: it cannot shrink further
  S dt_next;           ///< the step size for the next attempt
};

/// The error-feedback controllers (i, pi, pid) on per-lane state: the logs of the last
/// two accepted norms.
template <class S>
class step_controller {
 public:
  using M = mask_t<S>;

  /// Fills `out` (an out-parameter rather than a return value: GCC keeps a returned
  /// aggregate of SIMD packs in memory, which cost dormand_prince_54 2.5% more instructions
  /// on the CPU, measured with callgrind).
  /// @param h       the trial's size (shortened when it landed on a save)
  /// @param dt      the controller's own step size before the trial
  /// @param nrm2    the trial's mean-square error norm (<= 1 is within tolerance)
  /// @param trial_ok false for lanes whose trial cannot be judged (non-finite, a failed
  ///                 implicit solve): they are rejected and shrink by min_gain
  /// @param landed  lanes whose step was shortened to land on a save: when accepted they
  ///                 keep dt and the history, which the landing did not choose
  /// @param newton_iters the most Newton iterations a stage of the trial took (gustafsson;
  ///                 0 for steppers without them)
  template <class V>
  CUBIE_HD CUBIE_FORCEINLINE void decide(step_decision<S>& out, const controller_settings<V>& c, S h, S dt, S nrm2,
                                         M trial_ok, M landed, S newton_iters = S(0.0)) {
    trial_ok = trial_ok & (nrm2 == nrm2);
    const M ok = trial_ok & (nrm2 <= S(1.0));
    const S log_e = math::controller_log2(math::max(nrm2, S(1e-30)));
    S gain;
    if (c.kind == controller_kind::gustafsson) {
      const S target2 = S(2.0) * S(c.newton_target);
      const S fac = S(c.safety) * math::min(S(1.0), (S(1.0) + target2) / (newton_iters + target2));
      gain = fac * math::controller_exp2(S(c.exp_reject) * log_e);
      // The predictive part, from the last accepted step (none yet: h_acc_ = 0). exp_reject
      // is -1/(2(q+1)); log_prev_ holds log2 of err_acc^2.
      const M predict = ok & (h_acc_ > S(0.0));
      const S log_gus = math::controller_log2(math::select(predict, h / h_acc_, S(1.0))) +
                        S(c.exp_reject) * (log_e + log_e - log_prev_);
      const S gus = S(c.safety) * math::controller_exp2(log_gus);
      gain = math::select(predict, math::min(gain, gus), gain);
      const M moved = ok & !landed;
      h_acc_ = math::select(moved, h, h_acc_);
      // err_acc = max(1e-2, err): its square's log, floored at log2(1e-4).
      log_prev_ = math::select(moved, math::max(log_e, S(-13.287712379549449)), log_prev_);
    } else {
      S expo = S(c.exp_p) * log_e;
      if (c.kind != controller_kind::i) expo = expo + S(c.exp_i) * log_prev_;
      if (c.kind == controller_kind::pid) expo = expo + S(c.exp_d) * log_prev2_;
      expo = math::select(ok, expo, S(c.exp_reject) * log_e);
      gain = S(c.safety) * math::controller_exp2(expo);
    }
    gain = math::min(math::max(gain, S(c.min_gain)), math::select(ok, S(c.max_gain), S(1.0)));
    if (c.kind == controller_kind::i) {
      // h_acc_ is Gustafsson's; i keeps its flag there (1: the last trial was rejected).
      gain = math::select(ok & (h_acc_ > S(0.0)), math::min(gain, S(1.0)), gain);
      h_acc_ = math::select(ok, S(0.0), S(1.0));
    }
    gain = math::select(trial_ok, gain, S(c.min_gain));
    const M dead = ok & (gain >= S(c.deadband_min)) & (gain <= S(c.deadband_max));
    gain = math::select(dead, S(1.0), gain);
    S dt_next = math::min(math::max(h * gain, S(c.dt_min)), S(c.dt_max));
    const M at_floor = (!ok) & (h <= S(c.dt_min));
    // History and dt move only on steps the controller chose (not shortened ones).
    if (c.kind != controller_kind::gustafsson) {
      const M moved = ok & !landed;
      log_prev2_ = math::select(moved, log_prev_, log_prev2_);
      log_prev_ = math::select(moved, log_e, log_prev_);
    }
    dt_next = math::select(ok & landed, dt, dt_next);
    out.accept = ok;
    out.trial_ok = trial_ok;
    out.at_floor = at_floor;
    out.dt_next = dt_next;
  }

  /// The history a run carries from step to step, for a run paused in one kernel and
  /// continued in another (integrate/continuation.hpp).
  static constexpr int history_size = 3;
  CUBIE_HD CUBIE_FORCEINLINE S history(int i) const { return i == 0 ? log_prev_ : i == 1 ? log_prev2_ : h_acc_; }
  CUBIE_HD CUBIE_FORCEINLINE void set_history(int i, S v) {
    if (i == 0) log_prev_ = v;
    else if (i == 1) log_prev2_ = v;
    else h_acc_ = v;
  }

 private:
  S log_prev_ = S(0.0);   // log2 of the last accepted norm (norm 1 at the start)
  S log_prev2_ = S(0.0);  // and of the one before
  // gustafsson: the last accepted step the controller chose (0: none yet); i: 1 when the last
  // trial was rejected (a run has one kind, so they share the slot, the continuation record's
  // field and, on the GPU, the register).
  S h_acc_ = S(0.0);
};

}  // namespace cubie
