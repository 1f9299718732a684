// cubie/integrate/iteration_counters.hpp
// The design's iteration_counters output: per save, the Newton iterations, linear-solver
// iterations, accepted steps and rejected steps each run spent since the previous save.
// Steppers report their iterations through one hook, the loop tallies them per lane.
//
// The stepper hook (one member; steppers without it report zeros):
//
//   iteration_counts<S> trial_iterations() const   the last trial step's work, per lane
//
// counting every trial, accepted or rejected (the work was spent either way), or, when every
// trial does the same work, `static constexpr iteration_counts<double> iterations_per_trial`
// (no running count: the totals follow from the step counts). What each
// family reports (docs/ARCHITECTURE.md keeps the list): explicit methods nothing (0, 0);
// Rosenbrock 0 Newton and one linear solve per stage (a direct LU solve counts as one linear
// iteration); DIRK/ESDIRK the sum over stages of their Newton iterations, and one direct
// solve per Newton iteration; a Krylov solver its Krylov iterations instead of the solves.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/math.hpp"
#include "../core/scalar_traits.hpp"
#include "../core/types.hpp"
#include "batch_args.hpp"

namespace cubie {

/// The channels of iteration_counters, in the design's order (axis "counter").
enum class iteration_counter : int { newton = 0, linear = 1, accepted = 2, rejected = 3 };
constexpr int n_iteration_counters = 4;

/// Implicit work of one trial step, per lane (counts held in the state arithmetic S).
template <class S>
struct iteration_counts {
  S newton;
  S linear;
};

/// Whether a stepper reports iteration counts per trial (DIRK: they vary with the Newton
/// iterations; the loop keeps running totals for it).
template <class Stepper>
inline constexpr bool reports_iterations = requires(const Stepper& s) { s.trial_iterations(); };

/// The work of every trial of a stepper whose trials all do the same (Rosenbrock: one solve
/// per stage), declared as `static constexpr iteration_counts<double> iterations_per_trial`;
/// none for steppers that declare nothing (explicit).
template <class Stepper>
constexpr iteration_counts<double> constant_trial_iterations() {
  if constexpr (requires { Stepper::iterations_per_trial; }) return Stepper::iterations_per_trial;
  else return {0.0, 0.0};
}

namespace detail {

/// Per lane, the run's implicit iterations so far. The output holds each save's cumulative
/// counts while the run integrates and difference_iteration_counters() turns them into
/// counts since the previous save at its end, so no per-save snapshot takes registers; a
/// stepper with constant work per trial keeps no running count either (its totals follow
/// from the trial counts), nor does an explicit one.
template <class Stepper, class C, class TM, bool Variable = reports_iterations<Stepper>>
struct iteration_totals {
  C newton = C(0);
  C linear = C(0);

  template <class St>
  CUBIE_HD CUBIE_FORCEINLINE void add_trial(const St& stepper, TM active) {
    const auto ic = stepper.trial_iterations();
    newton = math::select(active, newton + C(scalar_to_time(ic.newton)), newton);
    linear = math::select(active, linear + C(scalar_to_time(ic.linear)), linear);
  }
  CUBIE_HD CUBIE_FORCEINLINE C newton_total(C /*accepted*/, C /*rejected*/) const { return newton; }
  CUBIE_HD CUBIE_FORCEINLINE C linear_total(C /*accepted*/, C /*rejected*/) const { return linear; }
};
template <class Stepper, class C, class TM>
struct iteration_totals<Stepper, C, TM, false> {
  static constexpr iteration_counts<double> per_trial = constant_trial_iterations<Stepper>();

  template <class St>
  CUBIE_HD CUBIE_FORCEINLINE void add_trial(const St&, TM) {}
  CUBIE_HD CUBIE_FORCEINLINE C newton_total(C accepted, C rejected) const {
    if constexpr (per_trial.newton == 0.0) return C(0);
    else return C(per_trial.newton) * (accepted + rejected);
  }
  CUBIE_HD CUBIE_FORCEINLINE C linear_total(C accepted, C rejected) const {
    if constexpr (per_trial.linear == 0.0) return C(0);
    else return C(per_trial.linear) * (accepted + rejected);
  }
};

}  // namespace detail

/// Element (save j, counter c) of run r in the iteration_counters array, j counted from
/// first_save.
template <class V>
CUBIE_HD CUBIE_FORCEINLINE i64 iteration_counter_index(const batch_args<V>& a, i64 save_index, int c, i64 r) {
  return ((save_index - a.loop.first_save) * n_iteration_counters + c) * a.run_stride + r;
}

/// Saturating conversion of a non-negative count to the u32 the output holds.
CUBIE_HD CUBIE_FORCEINLINE u32 saturate_count(double v) {
  return v > 4294967295.0 ? 0xffffffffu : v > 0.0 ? static_cast<u32>(v) : 0u;
}
/// The same for integer counts (GPU threads: no double arithmetic in float kernels).
CUBIE_HD CUBIE_FORCEINLINE u32 saturate_count(long long v) {
  return v > 4294967295LL ? 0xffffffffu : v > 0 ? static_cast<u32>(v) : 0u;
}

/// Writes one run's counters at save `k` (scalar run; SIMD packs overload it in
/// simd_lane_io.hpp). Saves below first_save or past last_save are landed on, not recorded.
template <class V>
CUBIE_HD CUBIE_FORCEINLINE void store_iteration_counters(const batch_args<V>& a, long long k, bool write, i64 r,
                                                         long long newton, long long linear, long long accepted,
                                                         long long rejected) {
  u32* const out = output_ptr<u32>(a, output_id::iteration_counters);
  if (out == nullptr || !write || k < a.loop.first_save || k > a.loop.last_save) return;
  out[iteration_counter_index(a, k, 0, r)] = saturate_count(newton);
  out[iteration_counter_index(a, k, 1, r)] = saturate_count(linear);
  out[iteration_counter_index(a, k, 2, r)] = saturate_count(accepted);
  out[iteration_counter_index(a, k, 3, r)] = saturate_count(rejected);
}

/// At a run's end (scalar run; SIMD packs overload it), k its first save not reached: saves
/// first_save .. min(k, last_save) hold cumulative counts, each becomes the counts since the
/// save before it; saves after k (a run that stopped early) get zeros (storage reused from an
/// earlier solve must not show through).
template <class V>
CUBIE_HD void difference_iteration_counters(const batch_args<V>& a, i64 r, bool valid, long long k) {
  u32* const out = output_ptr<u32>(a, output_id::iteration_counters);
  if (out == nullptr || !valid) return;
  for (i64 j = a.loop.last_save; j >= a.loop.first_save; --j) {
    for (int c = 0; c < n_iteration_counters; ++c) {
      u32& v = out[iteration_counter_index(a, j, c, r)];
      if (j > k) v = 0u;
      else if (j > a.loop.first_save) v = v - out[iteration_counter_index(a, j - 1, c, r)];
    }
  }
}

}  // namespace cubie
