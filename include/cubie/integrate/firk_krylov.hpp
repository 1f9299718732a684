// cubie/integrate/firk_krylov.hpp
// The FIRK family's linear systems without forming J (Newton-Krylov): firk_stepper's
// transformed Newton iteration solves, per real eigenvalue gamma of A^-1, (c I - J) x = b with
// c = gamma/h, and per complex pair alpha +- i beta, ((cr + i ci) I - J)(xr + i xi) = br + i bi
// with cr = alpha/h, ci = beta/h (RADAU5's structure; Gauss-Legendre's blocks alike). Here both
// run through the Krylov methods of krylov.hpp with Jacobian-vector products at the step's
// start (jacobian_vector.hpp: the generated jvp, else dual numbers):
//   real:    (I - s J) x = s b,                                  s = 1/c
//   complex: [[I - s J, -k I], [k I, I - s J]] (xr, xi) = s (br, bi),   s = 1/cr, k = ci/cr
// the complex one as its equivalent real system of 2N unknowns, two products per
// application. The scaling makes the residual a state-sized quantity, judged as the DIRK
// family's (krylov_atol, krylov_rtol against the step's start).
// Preconditioners, per state the inverse of the operator with J replaced by its diagonal
// (jacobi) or by 0 (neumann), then preconditioner_order stationary sweeps: for the complex
// system that base is the 2 x 2 block [[d, -k], [k, d]]^-1, d = 1 - s J_nn (jacobi) or 1, so
// the neumann series converges where s |J| < 1 in spite of the shift's imaginary part (with
// B = I it would not: |1 + i k| > 1 for Radau IIA's pair).
#pragma once
#include "../core/execution_space.hpp"
#include "../core/fixed_vector.hpp"
#include "../core/math.hpp"
#include "../core/scalar_traits.hpp"
#include "jacobian_vector.hpp"
#include "krylov.hpp"
#include "krylov_settings.hpp"
#include "matrix_free_matrix.hpp"

namespace cubie {

/// The FIRK stepper's matrix-free linear solver for one step: the point J is taken at, J's
/// diagonal for the jacobi preconditioner, and the tally the stepper reports from.
template <class Sys, class S>
class firk_matrix_free {
  using V = value_type_t<S>;
  using M = mask_t<S>;

 public:
  static constexpr int N = Sys::n_states;

  CUBIE_HD CUBIE_FORCEINLINE firk_matrix_free(const krylov_settings<V>& ks, linear_tally<S>& tally)
      : ks_(&ks), tally_(&tally) {}

  /// Fixes the point (t, y) whose J the products use (and J's diagonal for jacobi).
  template <int P>
  CUBIE_HD CUBIE_FORCEINLINE void evaluate(const Sys& sys, S t, const fixed_vector<S, N>& y,
                                           const fixed_vector<S, P>& p) {
    t_ = t;
    y_ = y;
    p_ = p.data();
    if (ks_->preconditioner == preconditioner_kind::jacobi)
      jacobian_diagonal_of<Sys, S, N>(sys, t, y.data(), p.data(), diag_.data());
    else
      for (int n = 0; n < N; ++n) diag_[n] = S(0.0);
  }

  /// x <- (c I - J)^-1 x approximately; the lanes where the solve failed.
  CUBIE_HD CUBIE_KRYLOV_NOINLINE M solve_real(const Sys& sys, S c, fixed_vector<S, N>& x) const {
    const S s = S(1.0) / c;
    fixed_vector<S, N> b, w;
    CUBIE_KRYLOV_UNROLL(N)
    for (int n = 0; n < N; ++n) {
      b[n] = s * x[n];
      w[n] = weight(n);
    }
    auto op = [&](const fixed_vector<S, N>& v, fixed_vector<S, N>& out) {
      fixed_vector<S, N> jv;
      jacobian_vector_product<Sys, S, N>(sys, t_, y_.data(), p_, v.data(), jv.data());
      CUBIE_KRYLOV_UNROLL(N)
      for (int n = 0; n < N; ++n) out[n] = v[n] - s * jv[n];
    };
    const int order = sweeps();
    fixed_vector<S, N> inv_d;
    CUBIE_KRYLOV_UNROLL(N)
    for (int n = 0; n < N; ++n) {
      const S d = S(1.0) - s * diag_[n];
      const M usable = krylov_detail::finite_nonzero(d);
      inv_d[n] = math::select(usable, krylov_detail::safe_div(usable, S(1.0), d), S(1.0));
    }
    auto prec = [&](const fixed_vector<S, N>& r, fixed_vector<S, N>& z) {
      CUBIE_KRYLOV_UNROLL(N)
      for (int n = 0; n < N; ++n) z[n] = inv_d[n] * r[n];
      for (int k = 0; k < order; ++k) {
        fixed_vector<S, N> az;
        op(z, az);
        CUBIE_KRYLOV_UNROLL(N)
        for (int n = 0; n < N; ++n) z[n] = z[n] + inv_d[n] * (r[n] - az[n]);
      }
    };
    fixed_vector<S, N> sol;
    const linear_outcome<S> o = krylov_solve(*ks_, op, prec, w, b, sol);
    x = sol;
    return record(o);
  }

  /// (xr, xi) <- ((cr + i ci) I - J)^-1 (xr + i xi) approximately; the lanes where it failed.
  CUBIE_HD CUBIE_KRYLOV_NOINLINE M solve_complex(const Sys& sys, S cr, S ci, fixed_vector<S, N>& xr,
                                                 fixed_vector<S, N>& xi) const {
    constexpr int N2 = 2 * N;
    const S s = S(1.0) / cr;
    const S k = ci * s;
    fixed_vector<S, N2> b, w;
    CUBIE_KRYLOV_UNROLL(N)
    for (int n = 0; n < N; ++n) {
      b[n] = s * xr[n];
      b[N + n] = s * xi[n];
      w[n] = weight(n);
      w[N + n] = w[n];
    }
    auto op = [&](const fixed_vector<S, N2>& v, fixed_vector<S, N2>& out) {
      fixed_vector<S, N> jr, ji;
      jacobian_vector_product<Sys, S, N>(sys, t_, y_.data(), p_, v.data(), jr.data());
      jacobian_vector_product<Sys, S, N>(sys, t_, y_.data(), p_, v.data() + N, ji.data());
      CUBIE_KRYLOV_UNROLL(N)
      for (int n = 0; n < N; ++n) {
        out[n] = v[n] - s * jr[n] - k * v[N + n];
        out[N + n] = k * v[n] + v[N + n] - s * ji[n];
      }
    };
    // The base B per state: [[d, -k], [k, d]]^-1 = [[d, k], [-k, d]] / (d^2 + k^2); none: B = I.
    const bool none = ks_->preconditioner == preconditioner_kind::none;
    const int order = sweeps();
    fixed_vector<S, N> bd, bk;
    CUBIE_KRYLOV_UNROLL(N)
    for (int n = 0; n < N; ++n) {
      const S d = S(1.0) - s * diag_[n];
      const S det = d * d + k * k;
      const M usable = krylov_detail::finite_nonzero(det);
      const S inv = krylov_detail::safe_div(usable, S(1.0), det);
      bd[n] = none ? S(1.0) : math::select(usable, d * inv, S(1.0));
      bk[n] = none ? S(0.0) : math::select(usable, k * inv, S(0.0));
    }
    auto apply_b = [&](const fixed_vector<S, N2>& r, fixed_vector<S, N2>& z, bool add) {
      CUBIE_KRYLOV_UNROLL(N)
      for (int n = 0; n < N; ++n) {
        const S zr = bd[n] * r[n] + bk[n] * r[N + n];
        const S zi = bd[n] * r[N + n] - bk[n] * r[n];
        z[n] = add ? z[n] + zr : zr;
        z[N + n] = add ? z[N + n] + zi : zi;
      }
    };
    auto prec = [&](const fixed_vector<S, N2>& r, fixed_vector<S, N2>& z) {
      apply_b(r, z, false);
      for (int j = 0; j < order; ++j) {
        fixed_vector<S, N2> az, res;
        op(z, az);
        CUBIE_KRYLOV_UNROLL(N2)
        for (int n = 0; n < N2; ++n) res[n] = r[n] - az[n];
        apply_b(res, z, true);
      }
    };
    fixed_vector<S, N2> sol;
    const linear_outcome<S> o = krylov_solve(*ks_, op, prec, w, b, sol);
    CUBIE_KRYLOV_UNROLL(N)
    for (int n = 0; n < N; ++n) {
      xr[n] = sol[n];
      xi[n] = sol[N + n];
    }
    return record(o);
  }

 private:
  CUBIE_HD CUBIE_FORCEINLINE S weight(int n) const {
    return S(1.0) / (S(ks_->atol) + S(ks_->rtol) * math::abs(y_[n]));
  }

  CUBIE_HD CUBIE_FORCEINLINE int sweeps() const {
    return ks_->preconditioner == preconditioner_kind::none ? 0 : ks_->preconditioner_order;
  }

  CUBIE_HD CUBIE_FORCEINLINE M record(const linear_outcome<S>& o) const {
    tally_->max_iters = math::mask_or(tally_->max_iters, o.max_iters);
    tally_->breakdown = math::mask_or(tally_->breakdown, o.breakdown);
    tally_->iterations = tally_->iterations + o.iterations;
    return math::mask_not(o.converged);
  }

  const krylov_settings<V>* ks_;
  linear_tally<S>* tally_;
  S t_ = S(0.0);
  fixed_vector<S, N> y_;
  const S* p_ = nullptr;
  fixed_vector<S, N> diag_;
};

}  // namespace cubie
