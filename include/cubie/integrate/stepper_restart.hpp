// cubie/integrate/stepper_restart.hpp
// Restarting a stepper for some lanes: after an event moved a run (or a step landed on a
// driver sample where the driver jumps), what the stepper carries between steps (f at the
// current point) must be recomputed there, and only there.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/fixed_vector.hpp"
#include "../core/scalar_traits.hpp"

namespace cubie {

/// Steppers that carry f between steps offer restart(sys, lanes, t, y, p) (stepper.hpp); for
/// a single run start() does the same, while a SIMD pack must not recompute f for the lanes
/// that keep theirs.
template <class Stepper, class Sys, class S, int N, int P>
CUBIE_HD CUBIE_FORCEINLINE void restart_stepper(Stepper& stepper, const Sys& sys, mask_t<S> moved, S t,
                                                const fixed_vector<S, N>& y, const fixed_vector<S, P>& p) {
  if constexpr (requires { stepper.restart(sys, moved, t, y, p); }) {
    stepper.restart(sys, moved, t, y, p);
  } else {
    static_assert(scalar_traits<S>::lanes == 1,
                  "cubie: events and landing on driver samples on SIMD packs need the stepper's "
                  "restart(sys, lanes, t, y, p) (stepper.hpp)");
    if (moved) stepper.start(sys, t, y, p);
  }
}

}  // namespace cubie
