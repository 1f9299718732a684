// cubie/integrate/jacobian.hpp
// Where an implicit stepper's Jacobian comes from, and the iteration matrix M = c I - J it
// factorises. In order of preference, the optional members of a system Sys<S> (CUBIE_HD):
//   1. the sparse interface, generated for model files (pattern, elimination order and fill
//      fixed at generation, no run-time pivoting):
//        static constexpr int sparse_nnz = K;   // entries of the factor pattern
//        void jacobian_sparse(S t, const S* y, const S* p, S* jv) const;  // J at the pattern
//        auto factor_shifted(S c, S* jv) const;  // jv <- LU of c I - J; mask of usable runs
//        void solve_factored(const S* lu, S* x) const;  // x <- (c I - J)^-1 x
//      and, for the FIRK methods' complex eigenvalues (firk_matrices.hpp), the same order and
//      fill with a complex shift on split arrays:
//        auto factor_shifted_complex(S cr, S ci, S* re, S* im) const;  // re: J in; (re, im) <-
//                                               // LU of (cr + i ci) I - J; mask of usable runs
//        void solve_factored_complex(const S* lr, const S* li, S* xr, S* xi) const;
//   2. a hand-written dense Jacobian: void jacobian(S t, const S* y, const S* p, S* J) const,
//      J[i*N + j] = d f_i / d y_j, factorised by the pivoting dense LU (core/dense_lu.hpp);
//   3. forward-mode dual numbers through the same template, Sys<dual<S, K>>: exact J, f and
//      df/dt, factorised by the dense LU.
// A system offering none of them stops the build with a message naming what to add.
// df/dt (non-autonomous systems) comes from void time_derivative(S t, const S* y, const S* p,
// S* dfdt) const, else from dual numbers; systems declaring `static constexpr bool
// autonomous = true` skip it.
//
// Dual numbers come in two modes: vector (one evaluation carrying N (+1 for t) partials)
// and column-at-a-time (N (+1) evaluations carrying one). Measured with
// bench/jacobian/dual_modes.sh (bench/RESULTS.md, "Dual-number Jacobians"):
//  - CPU (SIMD packs): below 8 states column mode executes about half the instructions (g++
//    shares the values, transcendental functions included, across the unrolled passes);
//    from 10 states vector mode executes 15-50% fewer.
//  - GPU: up to 10 states both fit the registers; vector mode executes as many PTX
//    instructions on polynomial systems and fewer where f calls sin/cos (nvcc recomputes
//    them in every pass: 152 against 262); from 15 states vector mode's live partials spill
//    (Lorenz-96, 20 states: 254 registers and 2.4 KB of spills against 124 registers, none).
// Hence: host, column mode below 8 states and vector mode from 8; device, vector mode up to
// 12 states and column mode above.
#pragma once
#include "../core/dense_lu.hpp"
#include "../core/dual.hpp"
#include "../core/execution_space.hpp"
#include "../core/fixed_vector.hpp"
#include "../core/math.hpp"
#include "../core/scalar_traits.hpp"

namespace cubie {

/// Sys<S> as Sys<D>: the same system template in another arithmetic (dual numbers).
template <class Sys, class D>
struct rebind_system;
template <template <class> class T, class S, class D>
  requires requires { typename T<D>; }
struct rebind_system<T<S>, D> {
  using type = T<D>;
};

namespace jacobian_detail {

template <class Sys, class S>
concept has_dense_jacobian = requires(const Sys& sys, S t, const S* y, const S* p, S* J) { sys.jacobian(t, y, p, J); };

template <class Sys, class S>
concept has_time_derivative =
    requires(const Sys& sys, S t, const S* y, const S* p, S* ft) { sys.time_derivative(t, y, p, ft); };

template <class Sys, class S>
concept has_sparse_jacobian = requires(const Sys& sys, S t, const S* y, const S* p, S c, S* jv, const S* lu, S* x) {
  static_cast<int>(Sys::sparse_nnz);
  sys.jacobian_sparse(t, y, p, jv);
  sys.factor_shifted(c, jv);
  sys.solve_factored(lu, x);
};

/// Sys can be instantiated with dual numbers D and its rhs accepts them. (Errors inside the
/// rhs body cannot be detected before they happen; dual's explicit conversion then names
/// the problem in its own message.)
template <class Sys, class D>
concept differentiable_with = requires { typename rebind_system<Sys, D>::type; } &&
                              requires(const typename rebind_system<Sys, D>::type& sys, D t, const D* y, const D* p,
                                       D* dy) { sys.rhs(t, y, p, dy); };

template <class Sys>
constexpr bool declared_autonomous() {
  if constexpr (requires { Sys::autonomous; }) return static_cast<bool>(Sys::autonomous);
  else return false;
}

template <class T>
struct always_false {
  static constexpr bool value = false;
};

}  // namespace jacobian_detail

/// How Sys's Jacobian is obtained (the paths above).
enum class jacobian_source { sparse, dense_user, dual_numbers, unavailable };

template <class Sys, class S>
constexpr jacobian_source jacobian_source_of() {
  if constexpr (jacobian_detail::has_sparse_jacobian<Sys, S>) return jacobian_source::sparse;
  else if constexpr (jacobian_detail::has_dense_jacobian<Sys, S>) return jacobian_source::dense_user;
  else if constexpr (jacobian_detail::differentiable_with<Sys, dual<S, 1>>) return jacobian_source::dual_numbers;
  else return jacobian_source::unavailable;
}

/// Vector mode (true) or column-at-a-time for N states where this code is compiled (above).
template <int N>
constexpr bool dual_vector_mode() {
#if CUBIE_IS_DEVICE_PASS() || CUBIE_IS_NVRTC()
  return N <= 12;
#else
  return N >= 8;
#endif
}

/// f, J = df/dy (row-major, J[i*N + j] = d f_i / d y_j) and, with `WithT`, df/dt at (t, y) from
/// one evaluation of Sys<dual<S, N + WithT>>.
template <bool WithT, class Sys, class S, int N, int P>
CUBIE_HD CUBIE_FORCEINLINE void dual_jacobian(S t, const fixed_vector<S, N>& y, const fixed_vector<S, P>& p, S* f,
                                              S* J, S* ft) {
  constexpr int K = N + (WithT ? 1 : 0);
  using D = dual<S, K>;
  using DualSys = typename rebind_system<Sys, D>::type;
  const DualSys dsys{};
  D yd[N];
  D pd[P > 0 ? P : 1];
  CUBIE_UNROLL
  for (int i = 0; i < N; ++i) yd[i] = D::variable(y[i], i);
  CUBIE_UNROLL
  for (int j = 0; j < P; ++j) pd[j] = D(p[j]);
  const D td = WithT ? D::variable(t, K - 1) : D(t);
  D fd[N];
  dsys.rhs(td, yd, pd, fd);
  CUBIE_UNROLL
  for (int i = 0; i < N; ++i) {
    f[i] = fd[i].v;
    CUBIE_UNROLL
    for (int j = 0; j < N; ++j) J[i * N + j] = fd[i].d[j];
    if constexpr (WithT) ft[i] = fd[i].d[K - 1];
  }
}

/// The same Jacobian one column per evaluation of Sys<dual<S, 1>> (N + WithT evaluations;
/// the compiler shares what does not depend on the column, such as the values).
template <bool WithT, class Sys, class S, int N, int P>
CUBIE_HD CUBIE_FORCEINLINE void dual_jacobian_by_columns(S t, const fixed_vector<S, N>& y,
                                                         const fixed_vector<S, P>& p, S* f, S* J, S* ft) {
  using D = dual<S, 1>;
  using DualSys = typename rebind_system<Sys, D>::type;
  const DualSys dsys{};
  D pd[P > 0 ? P : 1];
  CUBIE_UNROLL
  for (int j = 0; j < P; ++j) pd[j] = D(p[j]);
  CUBIE_UNROLL
  for (int col = 0; col < N + (WithT ? 1 : 0); ++col) {
    D yd[N];
    CUBIE_UNROLL
    for (int i = 0; i < N; ++i) yd[i] = col == i ? D::variable(y[i], 0) : D(y[i]);
    const D td = col == N ? D::variable(t, 0) : D(t);
    D fd[N];
    dsys.rhs(td, yd, pd, fd);
    CUBIE_UNROLL
    for (int i = 0; i < N; ++i) {
      if (col == 0) f[i] = fd[i].v;
      if (col < N) J[i * N + col] = fd[i].d[0];
      else ft[i] = fd[i].d[0];
    }
  }
}

/// df/dt at (t, y) for a system with a Jacobian of its own but no time_derivative: one
/// evaluation with a single partial, along t.
template <class Sys, class S, int N, int P>
CUBIE_HD CUBIE_FORCEINLINE void dual_time_derivative(S t, const fixed_vector<S, N>& y, const fixed_vector<S, P>& p,
                                                     S* ft) {
  using D = dual<S, 1>;
  using DualSys = typename rebind_system<Sys, D>::type;
  const DualSys dsys{};
  D yd[N];
  D pd[P > 0 ? P : 1];
  CUBIE_UNROLL
  for (int i = 0; i < N; ++i) yd[i] = D(y[i]);
  CUBIE_UNROLL
  for (int j = 0; j < P; ++j) pd[j] = D(p[j]);
  D fd[N];
  dsys.rhs(D::variable(t, 0), yd, pd, fd);
  CUBIE_UNROLL
  for (int i = 0; i < N; ++i) ft[i] = fd[i].d[0];
}

namespace jacobian_detail {
template <class Sys, class S, bool Sparse = has_sparse_jacobian<Sys, S>>
struct storage {
  dense_lu<S, Sys::n_states> lu;
};
template <class Sys, class S>
struct storage<Sys, S, true> {
  S jv[Sys::sparse_nnz];
};
}  // namespace jacobian_detail

/// The iteration matrix M = c I - J of one run (or one SIMD pack of runs) at one point:
/// evaluate() fills J (and f, df/dt), factor(c) factorises M, solve() applies M^-1.
template <class Sys, class S>
class iteration_matrix {
 public:
  static constexpr int N = Sys::n_states;
  static constexpr jacobian_source source = jacobian_source_of<Sys, S>();
  static_assert(source != jacobian_source::unavailable,
                "cubie: an implicit method needs this system's Jacobian, and the system has none: its rhs cannot "
                "be evaluated with dual numbers (the template must accept S = cubie::dual<...>, with S and "
                "cubie::math functions throughout) and it has no jacobian member. Add "
                "`CUBIE_HD void jacobian(S t, const S* y, const S* p, S* J) const` filling J[i*n_states + j] = "
                "d f_i / d y_j (and time_derivative(t, y, p, dfdt), or `static constexpr bool autonomous = true` "
                "if f does not read t).");
  /// f does not read t: df/dt is zero and never formed.
  static constexpr bool autonomous = jacobian_detail::declared_autonomous<Sys>();
  /// evaluate() produces f at the point as a by-product (dual numbers' values).
  static constexpr bool gives_f = source == jacobian_source::dual_numbers;

  /// J at (t, y); f there too when gives_f, df/dt into `ft` unless autonomous or not
  /// wanted (Newton iterations need J alone: WithTime = false).
  template <bool WithTime = true, int P>
  CUBIE_HD CUBIE_FORCEINLINE void evaluate(const Sys& sys, S t, const fixed_vector<S, N>& y,
                                           const fixed_vector<S, P>& p, fixed_vector<S, N>& f,
                                           fixed_vector<S, N>& ft) {
    constexpr bool with_t = WithTime && !autonomous;
    if constexpr (source == jacobian_source::dual_numbers) {
      (void)sys;
      if constexpr (dual_vector_mode<N>()) dual_jacobian<with_t, Sys>(t, y, p, f.data(), store_.lu.a, ft.data());
      else dual_jacobian_by_columns<with_t, Sys>(t, y, p, f.data(), store_.lu.a, ft.data());
    } else {
      if constexpr (source == jacobian_source::sparse) sys.jacobian_sparse(t, y.data(), p.data(), store_.jv);
      else sys.jacobian(t, y.data(), p.data(), store_.lu.a);
      (void)f;
      if constexpr (with_t) {
        if constexpr (jacobian_detail::has_time_derivative<Sys, S>) {
          sys.time_derivative(t, y.data(), p.data(), ft.data());
        } else {
          static_assert(jacobian_detail::differentiable_with<Sys, dual<S, 1>>,
                        "cubie: this system supplies its Jacobian but not df/dt, and its rhs cannot be evaluated "
                        "with dual numbers to obtain it. Add `CUBIE_HD void time_derivative(S t, const S* y, const "
                        "S* p, S* dfdt) const`, or declare `static constexpr bool autonomous = true` if f does not "
                        "read t.");
          dual_time_derivative<Sys>(t, y, p, ft.data());
        }
      }
    }
  }

  /// f, J and df/dt at (t, y) from the generated member that writes them in one body, sharing
  /// their subexpressions (model files without drivers; rosenbrock_stepper on GPUs).
  template <int P>
  CUBIE_HD CUBIE_FORCEINLINE void evaluate_with_f(const Sys& sys, S t, const fixed_vector<S, N>& y,
                                                  const fixed_vector<S, P>& p, fixed_vector<S, N>& f,
                                                  fixed_vector<S, N>& ft)
    requires(source == jacobian_source::sparse)
  {
    sys.rhs_jacobian_sparse(t, y.data(), p.data(), f.data(), store_.jv, ft.data());
  }

  /// The sparse factors after factor() (sparse source only), for a stepper that keeps them
  /// elsewhere and calls the system's solve_factored itself (rosenbrock_stepper on the GPU).
  CUBIE_HD CUBIE_FORCEINLINE const S* sparse_factors() const
    requires(source == jacobian_source::sparse)
  {
    return store_.jv;
  }

  /// x <- M^-1 x.
  CUBIE_HD CUBIE_FORCEINLINE void solve(const Sys& sys, fixed_vector<S, N>& x) const {
    if constexpr (source == jacobian_source::sparse) sys.solve_factored(store_.jv, x.data());
    else {
      (void)sys;
      store_.lu.solve(x.data());
    }
  }

  /// Factorises M = c I - J (the sparse path through the system's generated code). Returns
  /// the runs whose M is nonsingular with finite factors.
  CUBIE_HD CUBIE_FORCEINLINE mask_t<S> factor(const Sys& sys, S c) {
    if constexpr (source == jacobian_source::sparse) return mask_t<S>(sys.factor_shifted(c, store_.jv));
    else {
      (void)sys;
      return store_.lu.factor_shifted(c);
    }
  }

 private:
  jacobian_detail::storage<Sys, S> store_;
};

}  // namespace cubie
