// cubie/integrate/iteration_counters.hpp
// The design's iteration_counters output: per save, the Newton iterations, linear-solver
// iterations, accepted steps and rejected steps each run spent since the previous save.
// Steppers report their iterations through one hook, the loop tallies them per lane.
//
// The stepper hook (one member; steppers without it report zeros):
//
//   iteration_counts<S> trial_iterations() const   the last trial step's work, per lane
//
// counting every trial, accepted or rejected (the work was spent either way). What each
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

/// Whether a stepper reports iteration counts (explicit steppers do not: their tally
/// compiles away).
template <class Stepper>
inline constexpr bool reports_iterations = requires(const Stepper& s) { s.trial_iterations(); };

namespace detail {

/// Per lane: implicit iterations since the last save, and the accepted and rejected step
/// counts at the last save (the loop's running counts minus these are the steps since).
template <bool Implicit, class C, class TM>
struct save_tally {
  C newton = C(0);
  C linear = C(0);
  C accepted_at_save = C(0);
  C rejected_at_save = C(0);

  CUBIE_HD CUBIE_FORCEINLINE C newton_since() const { return newton; }
  CUBIE_HD CUBIE_FORCEINLINE C linear_since() const { return linear; }
  template <class Stepper>
  CUBIE_HD CUBIE_FORCEINLINE void add_trial(const Stepper& stepper, TM active) {
    const auto ic = stepper.trial_iterations();
    newton = math::select(active, newton + C(scalar_to_time(ic.newton)), newton);
    linear = math::select(active, linear + C(scalar_to_time(ic.linear)), linear);
  }
  CUBIE_HD CUBIE_FORCEINLINE void reset(TM saved, C accepted, C rejected) {
    newton = math::select(saved, C(0), newton);
    linear = math::select(saved, C(0), linear);
    accepted_at_save = math::select(saved, accepted, accepted_at_save);
    rejected_at_save = math::select(saved, rejected, rejected_at_save);
  }
};
template <class C, class TM>
struct save_tally<false, C, TM> {
  C accepted_at_save = C(0);
  C rejected_at_save = C(0);

  CUBIE_HD CUBIE_FORCEINLINE C newton_since() const { return C(0); }
  CUBIE_HD CUBIE_FORCEINLINE C linear_since() const { return C(0); }

  template <class Stepper>
  CUBIE_HD CUBIE_FORCEINLINE void add_trial(const Stepper&, TM) {}
  CUBIE_HD CUBIE_FORCEINLINE void reset(TM saved, C accepted, C rejected) {
    accepted_at_save = math::select(saved, accepted, accepted_at_save);
    rejected_at_save = math::select(saved, rejected, rejected_at_save);
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

/// Writes one run's counters at save `k` (scalar run; SIMD packs overload it in
/// simd_lane_io.hpp). Saves below first_save or past last_save are landed on, not recorded.
template <class V>
CUBIE_HD CUBIE_FORCEINLINE void store_iteration_counters(const batch_args<V>& a, long long k, bool write, i64 r,
                                                         double newton, double linear, double accepted,
                                                         double rejected) {
  u32* const out = output_ptr<u32>(a, output_id::iteration_counters);
  if (out == nullptr || !write || k < a.loop.first_save || k > a.loop.last_save) return;
  out[iteration_counter_index(a, k, 0, r)] = saturate_count(newton);
  out[iteration_counter_index(a, k, 1, r)] = saturate_count(linear);
  out[iteration_counter_index(a, k, 2, r)] = saturate_count(accepted);
  out[iteration_counter_index(a, k, 3, r)] = saturate_count(rejected);
}

}  // namespace cubie
