// cubie/integrate/auto_switch_explicit_stepper.hpp
// The first pass of algorithm = "auto" in two passes: the explicit method and the stiffness
// entry test alone, so the kernel carries no Rosenbrock state (registers, local memory) and
// no warp runs both methods. A run whose test fires stops here and is handed to the second
// pass (integrate/continuation.hpp), which continues it with the one-kernel stepper in stiff
// mode; a run that never turns stiff finishes here with the same bits as in one kernel.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/fixed_vector.hpp"
#include "../core/math.hpp"
#include "../core/scalar_traits.hpp"
#include "auto_switch_stepper.hpp"
#include "batch_args.hpp"
#include "erk_stepper.hpp"
#include "iteration_counters.hpp"
#include "stepper.hpp"

/// CUBIE_FIRST_PASS_MIN_BLOCKS (a compile definition, e.g. through CUBIE_NVRTC_OPTIONS): the
/// first pass's minimum of resident blocks per multiprocessor (__launch_bounds__), for
/// measurements; 0 (the default) leaves ptxas its choice. In float32 the Van der Pol first
/// pass takes 64 registers (8 blocks of 128 threads) where dormand_prince_54 takes 55 (9):
/// at 9 it gets 56 registers and 12 bytes of local traffic per step (bench/RESULTS.md,
/// issue 9; bench/gpu/auto_two_pass_session.sh measures both).
#ifndef CUBIE_FIRST_PASS_MIN_BLOCKS
#define CUBIE_FIRST_PASS_MIN_BLOCKS 0
#endif

namespace cubie {

/// The first pass's "tableau": the pair of methods of the auto_switch it serves.
template <class Explicit, class Implicit>
struct auto_switch_explicit_tableau {
  int order;
  int error_order;
};

/// @brief Explicit steps and Hairer's entry test; the runs the test declares stiff are
/// reported by handing_off() and leave the loop at that accepted step.
template <class Method, class S, int N>
class auto_switch_explicit_stepper {
  template <class T>
  struct parts;
  template <class E, class I>
  struct parts<auto_switch_explicit_tableau<E, I>> {
    using explicit_method = E;
  };
  using Ex = erk_stepper<typename parts<typename remove_const_of<decltype(Method::tableau)>::type>::explicit_method,
                         S, N, true>;
  using M = mask_t<S>;

 public:
  static constexpr int stages = Ex::stages;
  static constexpr bool adaptive = Ex::adaptive;
  static constexpr int order = Ex::order;
  static constexpr int error_order = Ex::error_order;
  static constexpr bool last_stage_at_solution = false;
  using work_type = no_step_work;
  /// The GPU kernel's minimum of resident blocks (integrate_kernel.cuh): 0 unless measured.
  template <class Sys>
  static constexpr int kernel_min_blocks() {
    return CUBIE_FIRST_PASS_MIN_BLOCKS;
  }

  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE void start(const Sys& sys, S t, const fixed_vector<S, N>& y,
                                        const fixed_vector<S, P>& p) {
    ex_.start(sys, t, y, p);
  }
  CUBIE_HD CUBIE_FORCEINLINE const fixed_vector<S, N>& slope() const { return ex_.slope(); }

  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE step_outcome<S> step(const Sys& sys, S t, S h, const fixed_vector<S, N>& y,
                                                  const fixed_vector<S, P>& p, work_type& work) {
    const step_outcome<S> out = ex_.step(sys, t, h, y, p, work);
    // The estimate now, so that only h |lambda| lives on to advance() (not its two sums and h).
    h_lambda_ = entry_h_lambda(ex_, h, auto_switch_constants::enter_h_lambda);
    return out;
  }
  CUBIE_HD CUBIE_FORCEINLINE const fixed_vector<S, N>& proposal() const { return ex_.proposal(); }
  template <class V>
  CUBIE_HD CUBIE_FORCEINLINE S error_norm(const fixed_vector<S, N>& y, const V* atol, const V* rtol) const {
    return ex_.error_norm(y, atol, rtol);
  }

  /// After the loop moved the accepted runs to (t, y): the entry test (the same update as
  /// auto_switch_stepper's, so a run turns stiff at the same step in either path).
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE void advance(const Sys& sys, M accepted, S t, const fixed_vector<S, N>& y,
                                          const fixed_vector<S, P>& p) {
    const M live = math::mask_not(fired_);
    ex_.advance(sys, math::mask_and(accepted, live), t, y, p);
    const M ex_acc = math::mask_and(accepted, live);
    if (math::any(ex_acc)) {
      const M to_stiff = entry_test_.update(ex_acc, h_lambda_);
      t_fired_ = math::select(to_stiff, t, t_fired_);
      fired_ = math::mask_or(fired_, to_stiff);
    }
  }
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE void restart(const Sys& sys, M moved, S t, const fixed_vector<S, N>& y,
                                          const fixed_vector<S, P>& p) {
    ex_.restart(sys, moved, t, y, p);
  }
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE void advance_all(const Sys& sys, S t_next, fixed_vector<S, N>& y,
                                              const fixed_vector<S, P>& p) {
    y = proposal();
    advance(sys, M(true), t_next, y, p);
  }

  /// Runs declared stiff: the loop hands those that still have work to the second pass.
  CUBIE_HD CUBIE_FORCEINLINE M handing_off() const { return fired_; }

  /// The switching record of runs that end in this pass: none switched, unless the test fired
  /// on the step that ended the run (then one switch at that time, as in one kernel).
  template <class V, class TM>
  CUBIE_HD void record_outcome(const batch_args<V>& a, i64 r, TM valid) const {
    store_switching_record(a, r, valid, math::select(fired_, S(1.0), S(0.0)), fired_, t_fired_, S(0.0));
  }

 private:
  Ex ex_ = Ex();
  stiffness_entry_test<S> entry_test_;
  M fired_ = M(false);
  S t_fired_ = S(0.0);
  S h_lambda_ = S(0.0);  // the last trial's h |lambda| (Hairer's estimate)
};

template <class E, class I>
struct stepper_family<auto_switch_explicit_tableau<E, I>> {
  template <class Method, class S, int N>
  using type = auto_switch_explicit_stepper<Method, S, N>;
};

}  // namespace cubie
