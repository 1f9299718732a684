// cubie/integrate/krylov_settings.hpp
// Which linear solver the Newton iterations use (the generated/pivoting LU, or a matrix-free
// Krylov method) and the Krylov constants, resolved once per solve on the host.
#pragma once
#include "../core/execution_space.hpp"

namespace cubie {

/// The linear solver of the Newton families. direct: LU of M = c I - J (sparse when
/// generated, else dense). The others solve with Jacobian-vector products only.
enum class linear_solver_kind : int { direct = 0, minimal_residual = 1, steepest_descent = 2, bicgstab = 3, gmres = 4 };

/// Right preconditioner of the Krylov methods for A = I - g J: a fixed number
/// (preconditioner_order) of stationary iterations z <- z + B (r - A z) from z = B r, with
/// B = I (neumann: the truncated series sum (gJ)^k) or B = diag(A)^-1 (jacobi).
enum class preconditioner_kind : int { none = 0, jacobi = 1, neumann = 2 };

/// Krylov constants in the state precision V.
template <class V>
struct krylov_settings {
  linear_solver_kind solver;
  // A solve is converged when the residual of (I - g J) x = b, in state units, is at most 1 in
  // the root-mean-square norm with weights 1 / (atol + rtol |y_n|).
  V atol;
  V rtol;
  int max_iters;  // iterations per linear solve (status 4 where the step cannot retry)
  preconditioner_kind preconditioner;
  int preconditioner_order;
};

/// Above this many states a system without a generated sparse LU gets no direct (dense LU)
/// linear solver: its unrolled factorisation and dual-number Jacobian would take too long to
/// compile and too much memory per run; the Newton families then solve matrix-free only
/// (direct_linear_solver_built, jacobian_vector.hpp).
inline constexpr int dense_direct_max_states = 40;

/// GMRES restarts after this many inner iterations (fewer for smaller systems): each one keeps
/// another Krylov vector of n_states per run.
inline constexpr int gmres_restart = 10;

}  // namespace cubie
