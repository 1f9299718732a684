// cubie/integrate/firk_matrices.hpp
// The matrices a fully implicit Runge-Kutta stepper keeps from step to step (and a DIRK
// stepper, with one real shift: dirk_stepper.hpp): J, and the
// factors of gamma_r/h I - J (each real eigenvalue of A^-1) and of (alpha_q + i beta_q)/h I - J
// (each complex pair), kept apart so J can be factorised again for a new h without being
// evaluated again. Sized for N states alone (the stepper does not know the system type):
// a system with the sparse interface (jacobian.hpp; generated for model files) uses the
// first sparse_nnz entries of each array (sparse_nnz <= N * N), the others the dense N x N.
//
// The complex systems of a sparse system go through its
//   auto factor_shifted_complex(S cr, S ci, S* re, S* im) const;  // re: J in, factors out
//   void solve_factored_complex(const S* lr, const S* li, S* xr, S* xi) const;
// (JACOBIAN_CONTRACT.md), in factor_shifted's elimination order and fill; dense Jacobians
// (hand-written or dual numbers) through a complex LU with partial pivoting.
#pragma once
#include "../core/dense_lu.hpp"
#include "../core/dense_lu_complex.hpp"
#include "../core/execution_space.hpp"
#include "../core/fixed_vector.hpp"
#include "../core/scalar_traits.hpp"
#include "jacobian.hpp"

namespace cubie {

namespace jacobian_detail {
template <class Sys, class S>
concept has_sparse_complex = requires(const Sys& sys, S c, S* re, const S* lu, S* x) {
  sys.factor_shifted_complex(c, c, re, re);
  sys.solve_factored_complex(lu, lu, x, x);
};
}  // namespace jacobian_detail

namespace firk_detail {
/// System void: the stepper does not know the system (nothing is kept for it).
template <class T>
inline constexpr bool is_void = false;
template <>
inline constexpr bool is_void<void> = true;

template <bool C, class A, class B>
struct type_if {
  using type = A;
};
template <class A, class B>
struct type_if<false, A, B> {
  using type = B;
};

// The factors of each kind, none at all for a count of 0 (GL4 has no real eigenvalue, the
// DIRK family no complex ones).
template <class LU, int Count>
struct factor_array {
  LU f[Count];
  CUBIE_HD CUBIE_FORCEINLINE LU& operator[](int i) { return f[i]; }
  CUBIE_HD CUBIE_FORCEINLINE const LU& operator[](int i) const { return f[i]; }
};
template <class LU>
struct factor_array<LU, 0> {};  // no operator[]: the steppers index only the kinds they have

// The factors of a sparse system: its K pattern entries (no pivots: the order is generated).
template <class S, int K>
struct sparse_real_factors {
  S a[K];
};
template <class S, int K>
struct sparse_complex_factors {
  S re[K];
  S im[K];
};
}  // namespace firk_detail

/// J and the factors of R real shifts and P complex ones. Sparse = true keeps only the K
/// entries of a sparse system's factor pattern (K = sparse_nnz; the stepper chooses it when it
/// knows the system): for the 100-state Brusselator 4 x 10^4 values fewer per run than the
/// dense N x N arrays, which otherwise sit unused in every GPU thread's local memory.
template <class S, int N, int R, int P, bool Sparse = false, int K = N * N>
struct firk_matrices {
  using real_lu = typename firk_detail::type_if<Sparse, firk_detail::sparse_real_factors<S, K>, dense_lu<S, N>>::type;
  using complex_lu =
      typename firk_detail::type_if<Sparse, firk_detail::sparse_complex_factors<S, K>, dense_lu_complex<S, N>>::type;
  S jac[K];
  firk_detail::factor_array<real_lu, R> real;
  firk_detail::factor_array<complex_lu, P> cplx;

  template <class Sys>
  static constexpr bool sparse() {
    constexpr jacobian_source source = iteration_matrix<Sys, S>::source;  // its static_assert names what is missing
    static_assert(!Sparse || source == jacobian_source::sparse, "sparse storage is for systems with a sparse LU");
    if constexpr (source == jacobian_source::sparse) {
      static_assert(Sys::sparse_nnz <= K, "sparse_nnz cannot exceed the entries kept (n_states^2)");
      static_assert(P == 0 || jacobian_detail::has_sparse_complex<Sys, S>,
                    "cubie: this system has the sparse Jacobian interface (factor_shifted, solve_factored) but not "
                    "its complex-shift members, which Radau IIA and Gauss-Legendre methods need for A^-1's complex "
                    "eigenvalues. Add `auto factor_shifted_complex(S cr, S ci, S* re, S* im) const` (re holds J "
                    "at the pattern on entry; (re, im) the LU factors of (cr + i ci) I - J on return) and "
                    "`void solve_factored_complex(const S* lr, const S* li, S* xr, S* xi) const` "
                    "(JACOBIAN_CONTRACT.md).");
    }
    return source == jacobian_source::sparse;
  }

  /// Whether evaluate gives f at (t, y) as well (dual numbers carry it).
  template <class Sys>
  static constexpr bool gives_f() {
    return !sparse<Sys>() && iteration_matrix<Sys, S>::source == jacobian_source::dual_numbers;
  }

  /// J at (t, y) for the lanes in `take`; the others keep theirs, so a run's J (and its
  /// results) do not depend on its neighbours in a SIMD pack. Where gives_f and `f` is given,
  /// f at (t, y) into *f on every lane (a stepper that needs f there saves its evaluation).
  template <class Sys, int Q>
  CUBIE_HD CUBIE_FORCEINLINE void evaluate(const Sys& sys, S t, const fixed_vector<S, N>& y,
                                           const fixed_vector<S, Q>& p, mask_t<S> take,
                                           fixed_vector<S, N>* f = nullptr) {
    if (math::all(take)) {
      evaluate_into(sys, t, y, p, jac, f);
    } else {
      S fresh[K];
      evaluate_into(sys, t, y, p, fresh, f);
      constexpr int used = jacobian_size<Sys>();
      CUBIE_UNROLL_SIZED(N, used)
      for (int k = 0; k < used; ++k) jac[k] = math::select(take, fresh[k], jac[k]);
    }
  }

  /// The entries of J in use: sparse_nnz, or N * N.
  template <class Sys>
  static constexpr int jacobian_size() {
    if constexpr (sparse<Sys>()) return Sys::sparse_nnz;
    else return N * N;
  }

  template <class Sys, int Q>
  CUBIE_HD CUBIE_FORCEINLINE static void evaluate_into(const Sys& sys, S t, const fixed_vector<S, N>& y,
                                                       const fixed_vector<S, Q>& p, S* out,
                                                       fixed_vector<S, N>* f_out = nullptr) {
    constexpr jacobian_source source = iteration_matrix<Sys, S>::source;
    if constexpr (sparse<Sys>()) {
      sys.jacobian_sparse(t, y.data(), p.data(), out);
    } else if constexpr (source == jacobian_source::dense_user) {
      sys.jacobian(t, y.data(), p.data(), out);
    } else {
      (void)sys;
      fixed_vector<S, N> f, ft;
      S* fp = f_out ? f_out->data() : f.data();
      if constexpr (dual_vector_mode<N>()) dual_jacobian<false, Sys>(t, y, p, fp, out, ft.data());
      else dual_jacobian_by_columns<false, Sys>(t, y, p, fp, out, ft.data());
    }
  }

  /// real[r] <- factors of c I - J.
  template <int Rk, class Sys>
  CUBIE_HD CUBIE_FORCEINLINE mask_t<S> factor_real(const Sys& sys, S c) {
    if constexpr (sparse<Sys>()) {
      CUBIE_UNROLL_SIZED(N, Sys::sparse_nnz)
      for (int k = 0; k < Sys::sparse_nnz; ++k) real[Rk].a[k] = jac[k];
      return mask_t<S>(sys.factor_shifted(c, real[Rk].a));
    } else {
      (void)sys;
      CUBIE_UNROLL_SIZED(N, N * N)
      for (int k = 0; k < N * N; ++k) real[Rk].a[k] = jac[k];
      return real[Rk].factor_shifted(c);
    }
  }

  /// cplx[q] <- factors of (cr + i ci) I - J.
  template <int Q, class Sys>
  CUBIE_HD CUBIE_FORCEINLINE mask_t<S> factor_complex(const Sys& sys, S cr, S ci) {
    if constexpr (sparse<Sys>()) {
      CUBIE_UNROLL_SIZED(N, Sys::sparse_nnz)
      for (int k = 0; k < Sys::sparse_nnz; ++k) cplx[Q].re[k] = jac[k];
      return mask_t<S>(sys.factor_shifted_complex(cr, ci, cplx[Q].re, cplx[Q].im));
    } else {
      (void)sys;
      return cplx[Q].factor_shifted(cr, ci, jac);
    }
  }

  template <int Rk, class Sys>
  CUBIE_HD CUBIE_FORCEINLINE void solve_real(const Sys& sys, fixed_vector<S, N>& x) const {
    solve_with(sys, real[Rk], x);
  }

  /// x <- M^-1 x with the real factors `f` (real[r], or a copy of them).
  template <class Sys>
  CUBIE_HD CUBIE_FORCEINLINE static void solve_with(const Sys& sys, const real_lu& f, fixed_vector<S, N>& x) {
    if constexpr (sparse<Sys>()) sys.solve_factored(f.a, x.data());
    else {
      (void)sys;
      f.solve(x.data());
    }
  }

  template <int Q, class Sys>
  CUBIE_HD CUBIE_FORCEINLINE void solve_complex(const Sys& sys, fixed_vector<S, N>& xr, fixed_vector<S, N>& xi) const {
    if constexpr (sparse<Sys>()) sys.solve_factored_complex(cplx[Q].re, cplx[Q].im, xr.data(), xi.data());
    else {
      (void)sys;
      cplx[Q].solve(xr.data(), xi.data());
    }
  }
};

namespace firk_detail {
/// The firk_matrices a stepper keeps for a known System with R real and P complex shifts: the
/// generated sparse LU's pattern entries for a sparse system, N x N otherwise (firk_stepper.hpp;
/// dirk_stepper.hpp with one real shift).
template <class System, class S>
constexpr bool sparse_storage() {
  return jacobian_source_of<System, S>() == jacobian_source::sparse;
}
template <class System, class S, int N>
constexpr int stored_entries() {
  if constexpr (sparse_storage<System, S>()) return int(System::sparse_nnz);
  else return N * N;
}
template <class System, class S, int N, int R, int P>
using matrices_of = firk_matrices<S, N, R, P, sparse_storage<System, S>(), stored_entries<System, S, N>()>;
}  // namespace firk_detail

}  // namespace cubie
