// cubie/integrate/auto_switch_stepper.hpp
// algorithm = "auto": each run starts with an explicit method and switches, alone, to a
// Rosenbrock method when its steps are held by the explicit method's stability limit (a
// stiff stretch), and back when the implicit steps no longer need the implicit method.
//
// Entering stiff mode: Hairer's test from DOPRI5 (Hairer & Wanner, Solving ODEs I, II.10 and
// IV.2): after each accepted explicit step, h |lambda| ~ h ||k_7 - k_6|| / ||Y_7 - Y_6|| from
// the last two stages (both at c = 1); 15 estimates above 3.25 (the stability limit is 3.31)
// without 6 in a row below it declare the run stiff. The counts are per run (per lane).
// Leaving: every `check_every` accepted stiff steps of the run, the dominant eigenvalue of df/dy by power
// iteration (stiffness_check.hpp, 7 evaluations of f); a run whose implicit step h has
// h |lambda| < 1.65 (half the explicit limit: the explicit method could take that step
// stably, with margin) on two checks in a row goes back. The gap between 3.25 and 1.65 keeps
// runs from switching to and fro.
//
// Both methods are 5(4) pairs, so one controller with the same exponents serves both modes
// and dt carries over a switch. The explicit method is dormand_prince_54 (the default);
// the implicit one rodas5p (the engine's Rosenbrock default: stiffly accurate, and its error
// estimate sees very stiff components, bench/RESULTS.md). SIMD packs whose lanes are in
// different modes compute both steps under masks; a GPU warp with both modes runs both
// branches (divergence, measured in bench/RESULTS.md).
//
// Per run it records (output table entries, batch/output_selection.cpp): stiff_switches,
// t_first_stiff (NaN when never stiff) and stiff_steps (accepted implicit steps).
#pragma once
#include "../core/execution_space.hpp"
#include "../core/fixed_vector.hpp"
#include "../core/math.hpp"
#include "../core/scalar_traits.hpp"
#include "../core/types.hpp"
#include "batch_args.hpp"
#include "erk_stepper.hpp"
#include "iteration_counters.hpp"
#include "rosenbrock_stepper.hpp"
#include "stepper.hpp"
#include "stiffness_check.hpp"

namespace cubie {

/// A switching method's "tableau": the two methods it switches between.
template <class Explicit, class Implicit>
struct auto_switch_tableau {
  int order;
  int error_order;
};

/// The switching thresholds (see the header comment).
/// CUBIE_STIFFNESS_SQUARED_TEST (a compile definition, e.g. through CUBIE_NVRTC_OPTIONS; 0 by
/// default): 1 tests Hairer's estimate squared (erk_stepper::stiffness_above) instead of
/// computing h |lambda|: the same comparison without a division and a square root, which may
/// differ from the default in the last bit of a borderline estimate (so not the default: the
/// recorded bit-identity digests hold for 0). Both passes and the one kernel use it alike.
#ifndef CUBIE_STIFFNESS_SQUARED_TEST
#define CUBIE_STIFFNESS_SQUARED_TEST 0
#endif

/// The entry test's input from an explicit step: h |lambda|, or under
/// CUBIE_STIFFNESS_SQUARED_TEST a stand-in that compares with the limit the same way.
template <class Ex, class S>
CUBIE_HD CUBIE_FORCEINLINE S entry_h_lambda(const Ex& ex, S h, double limit) {
#if CUBIE_STIFFNESS_SQUARED_TEST
  return math::select(ex.stiffness_above(h, S(limit)), S(2.0 * limit), S(0.0));
#else
  (void)limit;
  return ex.stiffness_h_lambda(h);
#endif
}

struct auto_switch_constants {
  static constexpr double enter_h_lambda = 3.25;  // Hairer's DOPRI5 value
  static constexpr int enter_hits = 5;
  static constexpr int enter_reset_calm = 6;
  static constexpr double leave_h_lambda = 1.65;
  static constexpr int leave_checks = 2;
  static constexpr int check_every = 8;
};

/// Writes a run's switching record where the output table keeps it (stiff_switches,
/// t_first_stiff: NaN when the run was never stiff, stiff_steps); one writer for both auto
/// steppers (this one, and the explicit first pass for the runs that end there). r is the
/// first run of a SIMD pack; lanes not `valid` or past n_runs are left alone.
template <class V, class S, class TM>
CUBIE_HD void store_switching_record(const batch_args<V>& a, i64 r, TM valid, S switches, mask_t<S> ever_stiff,
                                     S t_first_stiff, S stiff_steps) {
  u32* const switches_out = output_ptr<u32>(a, output_id::stiff_switches);
  double* const first_out = output_ptr<double>(a, output_id::t_first_stiff);
  u32* const steps_out = output_ptr<u32>(a, output_id::stiff_steps);
  const double nan = math::quiet_nan<double>();
  if constexpr (scalar_traits<S>::lanes == 1) {
    if (!valid) return;
    if (switches_out) switches_out[r] = saturate_count(double(switches));
    if (first_out) first_out[r] = ever_stiff ? double(t_first_stiff) : nan;
    if (steps_out) steps_out[r] = saturate_count(double(stiff_steps));
  } else {
    for (int l = 0; l < scalar_traits<S>::lanes; ++l) {
      if (!valid[l] || r + l >= a.n_runs) continue;
      if (switches_out) switches_out[r + l] = saturate_count(double(switches[l]));
      if (first_out) first_out[r + l] = ever_stiff[l] ? double(t_first_stiff[l]) : nan;
      if (steps_out) steps_out[r + l] = saturate_count(double(stiff_steps[l]));
    }
  }
}

/// Entering stiff mode (Hairer's DOPRI5 test, per run): one update per accepted explicit
/// step with its h |lambda| estimate. Shared by the one-kernel stepper and the explicit first
/// pass of the two-pass GPU path (auto_switch_explicit_stepper.hpp), so both switch at the
/// same step.
template <class S>
struct stiffness_entry_test {
  using M = mask_t<S>;
  using K = auto_switch_constants;
  S hits = S(0.0);  // estimates above the limit (Hairer's IASTI)
  S calm = S(0.0);  // estimates below it in a row (NONSTI)

  /// Counts the estimates of the runs in `acc`; returns the runs declared stiff now.
  CUBIE_HD CUBIE_FORCEINLINE M update(M acc, S h_lambda) {
    const M big = h_lambda > S(K::enter_h_lambda);
    const S calm_next = math::select(big, S(0.0), calm + S(1.0));
    const S hits_next = math::select(big, hits + S(1.0),
                                     math::select(calm_next >= S(double(K::enter_reset_calm)), S(0.0), hits));
    hits = math::select(acc, hits_next, hits);
    calm = math::select(acc, calm_next, calm);
    return math::mask_and(acc, hits >= S(double(K::enter_hits)));
  }
  CUBIE_HD CUBIE_FORCEINLINE void clear(M lanes) {
    hits = math::select(lanes, S(0.0), hits);
    calm = math::select(lanes, S(0.0), calm);
  }
};

template <class T>
struct auto_switch_parts;
template <class E, class I>
struct auto_switch_parts<auto_switch_tableau<E, I>> {
  using explicit_method = E;
  using implicit_method = I;
};

/// @brief Steps of a run in the mode it is in (explicit or stiff), and the switches between.
template <class Method, class S, int N>
class auto_switch_stepper {
  using parts = auto_switch_parts<typename remove_const_of<decltype(Method::tableau)>::type>;
  using Ex = erk_stepper<typename parts::explicit_method, S, N, true>;
  using Im = rosenbrock_stepper<typename parts::implicit_method, S, N>;
  using M = mask_t<S>;
  using K = auto_switch_constants;

 public:
  static constexpr int stages = Im::stages;
  static constexpr bool adaptive = Ex::adaptive && Im::adaptive;
  static constexpr int order = Ex::order;
  static constexpr int error_order = Ex::error_order;
  static constexpr bool last_stage_at_solution = false;
  using work_type = typename Im::work_type;
  /// The stiff mode's block size (its shared factor slices are laid out for it).
  template <class Sys>
  static constexpr int shared_factor_threads() { return Im::template shared_factor_threads<Sys>(); }
  /// The GPU kernel's minimum of resident blocks (__launch_bounds__, integrate_kernel.cuh):
  /// holding both methods, ptxas gave the float64 Van der Pol kernel 132 registers (3 blocks
  /// of 128 threads per multiprocessor) where a cap of 128 (4 blocks) spills nothing
  /// (bench/RESULTS.md). Asked for in float64 where the Rosenbrock state is that small (at
  /// most 64 32-bit registers by integrate_kernel.cuh's estimate); larger systems keep
  /// ptxas's choice, and so does float32, whose kernel (85 registers) has 5 blocks already and
  /// under a minimum of 4 would take 96.
  template <class Sys>
  static constexpr int kernel_min_blocks() {
    constexpr int state_registers = ((stages + 6) * N + N * N) * 2;
    return sizeof(value_type_t<S>) == 8 && state_registers <= 64 ? 4 : 0;
  }
  static_assert(Ex::order == Im::order && Ex::error_order == Im::error_order,
                "both methods must share order and error order (one controller serves both modes)");

  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE void start(const Sys& sys, S t, const fixed_vector<S, N>& y,
                                        const fixed_vector<S, P>& p) {
    ex_.start(sys, t, y, p);
    im_.start(sys, t, y, p);
  }

  /// f at the current point in each run's mode. A GPU thread (one run) gets a value selected
  /// state by state: a reference to one method's vector or the other's, picked at run time,
  /// took both steppers' addresses and kept them in local memory (a 592-byte stack frame and
  /// stores of every stage in the float64 Van der Pol kernel, bench/RESULTS.md).
  CUBIE_HD CUBIE_FORCEINLINE decltype(auto) slope() {
    if constexpr (scalar_traits<S>::lanes == 1) return pick(im_.slope(), ex_.slope());
    else return slope_of_pack();
  }

  /// One trial of size h: the explicit step where any run is explicit, the Rosenbrock step
  /// where any is stiff (a SIMD pack with both computes both).
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE step_outcome<S> step(const Sys& sys, S t, S h, const fixed_vector<S, N>& y,
                                                  const fixed_vector<S, P>& p, work_type& work) {
    h_ = h;
    step_outcome<S> out = step_outcome<S>::succeeded();
    if (math::any(math::mask_not(stiff_))) {
      no_step_work none;
      (void)ex_.step(sys, t, h, y, p, none);
      h_lambda_ = entry_h_lambda(ex_, h, K::enter_h_lambda);  // only this lives on to advance()
    }
    if (math::any(stiff_)) {
      const step_outcome<S> o = im_.step(sys, t, h, y, p, work);
      out.ok = math::mask_or(math::mask_not(stiff_), o.ok);
      out.singular = math::mask_and(stiff_, o.singular);
    } else {
      work = work_type{};
    }
    return out;
  }

  /// The trial in each run's mode (only the steps that ran are read); a GPU thread's by value,
  /// as slope().
  CUBIE_HD CUBIE_FORCEINLINE decltype(auto) proposal() {
    if constexpr (scalar_traits<S>::lanes == 1) return pick(im_.proposal(), ex_.proposal());
    else return proposal_of_pack();
  }

 private:
  // SIMD packs: a reference, so that packs all in one mode copy nothing; a pack in both modes
  // selects into a member.
  CUBIE_HD CUBIE_FORCEINLINE const fixed_vector<S, N>& slope_of_pack() {
    if (!math::any(stiff_)) return ex_.slope();
    if (math::all(stiff_)) return im_.slope();
    mixed_slope_ = pick(im_.slope(), ex_.slope());
    return mixed_slope_;
  }

  CUBIE_HD CUBIE_FORCEINLINE const fixed_vector<S, N>& proposal_of_pack() {
    if (!math::any(stiff_)) return ex_.proposal();
    if (math::all(stiff_)) return im_.proposal();
    mixed_proposal_ = pick(im_.proposal(), ex_.proposal());
    return mixed_proposal_;
  }

 public:
  template <class V>
  CUBIE_HD CUBIE_FORCEINLINE S error_norm(const fixed_vector<S, N>& y, const V* atol, const V* rtol) {
    atol_ = atol;
    S e = S(0.0);
    if (math::any(math::mask_not(stiff_))) e = ex_.error_norm(y, atol, rtol);
    if (math::any(stiff_)) e = math::select(stiff_, im_.error_norm(y, atol, rtol), e);
    return e;
  }

  /// iteration_counters: stiff runs solve once per Rosenbrock stage; explicit runs nothing.
  CUBIE_HD CUBIE_FORCEINLINE iteration_counts<S> trial_iterations() const {
    return {S(0.0), math::select(stiff_, S(double(stages)), S(0.0))};
  }

  /// After the loop moved the accepted runs to (t, y): the stiffness tests, and the switches.
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE void advance(const Sys& sys, M accepted, S t, const fixed_vector<S, N>& y,
                                          const fixed_vector<S, P>& p) {
    // Each method carries f for the runs in its mode (the other's trial did not run).
    const M explicit_runs = math::mask_not(stiff_);
    if (math::any(explicit_runs)) ex_.advance(sys, math::mask_and(accepted, explicit_runs), t, y, p);
    if (math::any(stiff_)) im_.advance(sys, math::mask_and(accepted, stiff_), t, y, p);
    M to_stiff = M(false), to_explicit = M(false);
    const M ex_acc = math::mask_and(accepted, math::mask_not(stiff_));
    if (math::any(ex_acc)) to_stiff = entry_test_.update(ex_acc, h_lambda_);
    const M im_acc = math::mask_and(accepted, stiff_);
    if (math::any(im_acc)) {
      stiff_steps_ = math::select(im_acc, stiff_steps_ + S(1.0), stiff_steps_);
      since_check_ = math::select(im_acc, since_check_ + S(1.0), since_check_);
      // Each run on its own cadence, so that its steps never depend on its neighbours in a
      // pack (a pack evaluates the estimate when any of its runs is due).
      const M due = math::mask_and(im_acc, since_check_ >= S(double(K::check_every)));
      if (math::any(due)) {
        const S lambda = dominant_eigenvalue<6>(sys, atol_, t, y, p);
        const M calm_now = math::abs(h_) * math::abs(lambda) < S(K::leave_h_lambda);
        const S checks = math::select(calm_now, entry_test_.calm + S(1.0), S(0.0));
        entry_test_.calm = math::select(due, checks, entry_test_.calm);
        since_check_ = math::select(due, S(0.0), since_check_);
        to_explicit = math::mask_and(due, entry_test_.calm >= S(double(K::leave_checks)));
      }
    }
    const M moved = math::mask_or(to_stiff, to_explicit);
    if (math::any(moved)) {
      // The mode each switched run enters starts from f at its current point.
      if (math::any(to_stiff)) im_.restart(sys, to_stiff, t, y, p);
      if (math::any(to_explicit)) ex_.restart(sys, to_explicit, t, y, p);
      t_first_stiff_ = math::select(math::mask_and(to_stiff, math::mask_not(ever_stiff_)), t, t_first_stiff_);
      ever_stiff_ = math::mask_or(ever_stiff_, to_stiff);
      switches_ = math::select(moved, switches_ + S(1.0), switches_);
      stiff_ = math::mask_or(math::mask_and(stiff_, math::mask_not(to_explicit)), to_stiff);
      entry_test_.clear(moved);
      since_check_ = math::select(moved, S(0.0), since_check_);
    }
  }

  /// The two-pass path's second pass (integrate/continuation.hpp): the run left the first
  /// pass at t, where its entry test declared it stiff (its first switch); after start() at
  /// that point it continues in stiff mode, as this stepper would have after the switch.
  CUBIE_HD CUBIE_FORCEINLINE void resume_stiff(S t) {
    stiff_ = M(true);
    ever_stiff_ = M(true);
    t_first_stiff_ = t;
    switches_ = S(1.0);
  }

  /// After an event (or a driver sample) moved runs to (t, y): both methods' carried f.
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE void restart(const Sys& sys, M moved, S t, const fixed_vector<S, N>& y,
                                          const fixed_vector<S, P>& p) {
    ex_.restart(sys, moved, t, y, p);
    im_.restart(sys, moved, t, y, p);
  }

  /// Fixed steps: every run takes its proposal, then the same tests as adaptive steps.
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE void advance_all(const Sys& sys, S t_next, fixed_vector<S, N>& y,
                                              const fixed_vector<S, P>& p) {
    y = proposal();
    advance(sys, M(true), t_next, y, p);
  }

  /// The run's switching record: stiff_switches, t_first_stiff, stiff_steps (when recorded).
  template <class V, class TM>
  CUBIE_HD void record_outcome(const batch_args<V>& a, i64 r, TM valid) const {
    store_switching_record(a, r, valid, switches_, ever_stiff_, t_first_stiff_, stiff_steps_);
  }

 private:
  CUBIE_HD CUBIE_FORCEINLINE fixed_vector<S, N> pick(const fixed_vector<S, N>& stiff_value,
                                                     const fixed_vector<S, N>& explicit_value) const {
    fixed_vector<S, N> out;
    CUBIE_UNROLL
    for (int n = 0; n < N; ++n) out[n] = math::select(stiff_, stiff_value[n], explicit_value[n]);
    return out;
  }

  // Value-initialised (zeroed once per run): a trial of the mode no run is in is never read,
  // but compilers cannot see that through the mode masks.
  Ex ex_ = Ex();
  Im im_ = Im();
  fixed_vector<S, N> mixed_proposal_;  // proposal() of a pack in both modes
  fixed_vector<S, N> mixed_slope_;     // slope() of a pack in both modes
  M stiff_ = M(false);       // the run is in stiff (implicit) mode
  M ever_stiff_ = M(false);
  // Explicit mode: Hairer's counts; stiff mode: its `calm` counts calm checks in a row.
  stiffness_entry_test<S> entry_test_;
  S h_ = S(0.0);             // the last trial's step
  S h_lambda_ = S(0.0);      // its explicit trial's h |lambda| (Hairer's estimate)
  S switches_ = S(0.0);
  S stiff_steps_ = S(0.0);
  S t_first_stiff_ = S(0.0);
  const value_type_t<S>* atol_ = nullptr;  // the eigenvalue estimate's perturbation floor (from error_norm)
  S since_check_ = S(0.0);   // accepted stiff steps since the last check
};

/// Switching methods are stepped by auto_switch_stepper.
template <class E, class I>
struct stepper_family<auto_switch_tableau<E, I>> {
  template <class Method, class S, int N>
  using type = auto_switch_stepper<Method, S, N>;
};

}  // namespace cubie
