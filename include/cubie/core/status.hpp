// cubie/core/status.hpp
// Per-run status bits, OR'd together; 0 is success. Values below 512 are CuBIE's,
// so files and scripts written for CuBIE read ours the same way; 512 and up are ours.
#pragma once
#include "types.hpp"

namespace cubie {

enum run_status : u32 {
  status_success = 0,
  status_newton_max_iters = 2,    // an implicit stage's Newton iteration did not converge in newton_max_iters
  status_linear_max_iters = 4,    // a matrix-free linear solve did not converge in krylov_max_iters
  status_step_too_small = 8,      // the controller wanted a step below dt_min
  status_max_steps_exceeded = 32, // max_steps accepted+rejected steps were spent
  status_stagnation = 64,         // t + dt == t in double: time cannot advance
  status_linear_breakdown = 128,  // a matrix-free linear solve broke down (BiCGSTAB/GMRES denominator 0)
  status_newton_diverged = 256,   // an implicit stage's Newton iteration diverged (contraction >= 1)
  status_nonfinite_state = 512,   // a state became NaN or infinite
  status_not_integrated = 1024,   // the run was never integrated (e.g. its chunk failed)
  status_singular_matrix = 2048,  // an implicit method's iteration matrix was singular
  // Beside a failure bit, never alone: an explicit method's run failed with its steps held
  // by the method's stability limit (h |lambda_max| >= half of it): the problem is stiff
  // there, and a Rosenbrock method suits it (integrate/stiffness_check.hpp).
  status_stability_limited = 4096,
};

}  // namespace cubie
