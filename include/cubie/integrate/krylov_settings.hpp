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

/// From this many states on, the GPU's Krylov code is compact (krylov_compact): the
/// Jacobian-vector product is one out-of-line function per kernel instead of a copy of the
/// unrolled (dual-number) rhs at each of the solvers' ~26 call sites
/// (CUBIE_JVP_OUT_OF_LINE_STATES, core/execution_space.hpp). The 100-state Brusselator's
/// radau_iia_5 kernel was 7.7 MB of PTX and minutes of nvcc per kernel without the compact code
/// (bench/RESULTS.md, "Newton-Krylov kernels' size"). Smaller systems keep their inlined
/// products; the CPU keeps g++'s own choices (where it fuses multiply-adds depends on what it
/// inlines).
inline constexpr int krylov_compact_min_states = jvp_out_of_line_states;

#if CUBIE_IS_DEVICE_PASS() || CUBIE_IS_NVRTC()
template <int N>
inline constexpr bool krylov_compact = N >= krylov_compact_min_states;
#else
template <int N>
inline constexpr bool krylov_compact = false;
#endif
// Before a Krylov loop over N unknowns (N states, or 2 N for a FIRK complex pair's real form).
// By default no pragma: nvcc's own choice, which fully unrolls most of the 100-state solvers'
// loops (the code measured before the compact code, whose PTX the default build reproduces
// exactly). -DCUBIE_KRYLOV_LOOPS_BY_4=S unrolls them by 4 from 2 S unknowns on (and fully
// below), as the compact code of 2026-12-04 21:03 did from S = 32: it is not part of
// CUBIE_LARGE_SYSTEM_STATES, only a variant to measure (bench/gpu/krylov_compact_session.sh).
// A pragma whose count depends on N cannot say "the compiler's choice", so the switch is a
// preprocessor one.
#if defined(CUBIE_KRYLOV_LOOPS_BY_4) && (defined(__CUDACC__) || defined(__CUDACC_RTC__))
inline constexpr int krylov_loops_by_4_states = CUBIE_KRYLOV_LOOPS_BY_4;  // (a pragma's text is not macro-expanded)
#define CUBIE_KRYLOV_UNROLL(N) CUBIE_PRAGMA(unroll((N) >= 2 * ::cubie::krylov_loops_by_4_states ? 4 : (N)))
#else
#define CUBIE_KRYLOV_UNROLL(N)
#endif

#if defined(__CUDACC__) || CUBIE_IS_NVRTC()
#define CUBIE_KRYLOV_NOINLINE __noinline__
#else
#define CUBIE_KRYLOV_NOINLINE __attribute__((noinline))
#endif

/// GMRES restarts after this many inner iterations (fewer for smaller systems): each one keeps
/// another Krylov vector of n_states per run.
inline constexpr int gmres_restart = 10;

}  // namespace cubie
