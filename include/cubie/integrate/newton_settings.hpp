// cubie/integrate/newton_settings.hpp
// The constants of the simplified Newton iteration that implicit Runge-Kutta stages solve
// with (newton.hpp), resolved once per solve on the host (Solver) and read by every run.
#pragma once
#include "../core/execution_space.hpp"
#include "krylov_settings.hpp"

namespace cubie {

/// Newton constants in the state precision V.
template <class V>
struct newton_settings {
  // An iterate is converged when the predicted remaining error, eta * ||dZ||, is at most 1
  // in the root-mean-square norm with weights 1 / (atol + rtol |y_n|) (Hairer & Wanner IV.8).
  V atol;
  V rtol;
  int max_iters;     // iterations per stage before the step is rejected (status 2 if it cannot retry)
  int target_iters;  // the iteration count the gustafsson controller aims for
  krylov_settings<V> krylov;  // the linear solver of each iteration (direct: the LU)
};

}  // namespace cubie
