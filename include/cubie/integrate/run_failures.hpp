// cubie/integrate/run_failures.hpp
// Why runs stopped early, as one mask per reason (bool for a scalar run, a lane mask for a
// SIMD pack), and their status bits (core/status.hpp). The loop ORs reasons in as they
// happen; a lane with any reason set stops.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/status.hpp"
#include "../core/types.hpp"

namespace cubie {

template <class TM>
struct run_failures {
  TM too_small;   // the controller wanted a step below dt_min
  TM max_steps;   // max_steps steps were spent
  TM stagnation;  // t + h == t: time cannot advance
  TM nonfinite;   // the state became NaN or infinite
  TM singular;    // an implicit method's iteration matrix was singular
  TM newton_iters;     // a Newton iteration did not converge in newton_max_iters (and could not retry)
  TM newton_diverged;  // a Newton iteration diverged (and could not retry)
  TM linear_iters;     // a matrix-free linear solve ran out of iterations (and could not retry)
  TM linear_breakdown; // a matrix-free linear solve broke down (and could not retry)

  CUBIE_HD static CUBIE_FORCEINLINE run_failures none() {
    return {TM(false), TM(false), TM(false), TM(false), TM(false), TM(false), TM(false), TM(false), TM(false)};
  }
  CUBIE_HD CUBIE_FORCEINLINE TM any() const {
    return too_small | max_steps | stagnation | nonfinite | singular | newton_iters | newton_diverged | linear_iters |
           linear_breakdown;
  }
};

/// The status word of one run (one lane) from its reasons.
CUBIE_HD CUBIE_FORCEINLINE u32 compose_status(bool too_small, bool max_steps, bool stagnation, bool nonfinite,
                                              bool singular, bool newton_iters, bool newton_diverged,
                                              bool linear_iters = false, bool linear_breakdown = false) {
  return (too_small ? u32(status_step_too_small) : 0u) | (max_steps ? u32(status_max_steps_exceeded) : 0u) |
         (stagnation ? u32(status_stagnation) : 0u) | (nonfinite ? u32(status_nonfinite_state) : 0u) |
         (singular ? u32(status_singular_matrix) : 0u) | (newton_iters ? u32(status_newton_max_iters) : 0u) |
         (newton_diverged ? u32(status_newton_diverged) : 0u) | (linear_iters ? u32(status_linear_max_iters) : 0u) |
         (linear_breakdown ? u32(status_linear_breakdown) : 0u);
}

}  // namespace cubie
