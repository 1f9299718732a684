// cubie/integrate/matrix_free_matrix.hpp
// The Newton iteration matrix M = c I - J without forming J: the same interface as
// iteration_matrix (evaluate, factor, solve), with solve() running a Krylov method on the
// scaled system (I - g J) x = g b, g = 1/c, through Jacobian-vector products at the point
// evaluate() fixed (the simplified Newton iteration's J). Solves that fail (too many
// iterations, breakdown) are reported per lane for the Newton iteration and the run status.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/fixed_vector.hpp"
#include "../core/math.hpp"
#include "../core/scalar_traits.hpp"
#include "jacobian_vector.hpp"
#include "krylov.hpp"
#include "krylov_settings.hpp"

namespace cubie {

/// Linear-solver failures and iterations, per lane, kept by the stepper: copies of a
/// matrix (a second diagonal's) report into the same tally.
template <class S>
struct linear_tally {
  mask_t<S> max_iters;  // a solve did not converge in krylov_max_iters
  mask_t<S> breakdown;  // a solve broke down
  S iterations;         // linear iterations
};

template <class Sys, class S>
class matrix_free_matrix {
  using V = value_type_t<S>;
  using M = mask_t<S>;

 public:
  static constexpr int N = Sys::n_states;
  static constexpr bool gives_f = false;

  matrix_free_matrix() = default;
  CUBIE_HD CUBIE_FORCEINLINE matrix_free_matrix(const krylov_settings<V>& ks, linear_tally<S>& tally)
      : ks_(&ks), tally_(&tally) {}

  /// Fixes the point (t, y) whose J the products use; the diagonal too for a Jacobi
  /// preconditioner. f and df/dt are not produced (gives_f is false; Newton needs neither).
  template <bool WithTime = true, int P>
  CUBIE_HD CUBIE_FORCEINLINE void evaluate(const Sys& sys, S t, const fixed_vector<S, N>& y,
                                           const fixed_vector<S, P>& p, fixed_vector<S, N>& /*f*/,
                                           fixed_vector<S, N>& /*ft*/) {
    t_ = t;
    y_ = y;
    p_ = p.data();
    if (ks_->preconditioner == preconditioner_kind::jacobi) {
      jacobian_diagonal_of<Sys, S, N>(sys, t, y.data(), p.data(), diag_.data());
    }
  }

  /// M = c I - J: g = 1/c. Nothing to factorise; a non-finite or zero c is unusable.
  CUBIE_HD CUBIE_FORCEINLINE M factor(const Sys& /*sys*/, S c) {
    g_ = S(1.0) / c;
    return krylov_detail::finite_nonzero(g_);
  }

  /// x <- M^-1 x approximately (krylov_atol/krylov_rtol); solve_failed() says where not.
  CUBIE_HD CUBIE_FORCEINLINE void solve(const Sys& sys, fixed_vector<S, N>& x) { solve_scaled(sys, x); }

  /// The lanes whose last solve failed.
  CUBIE_HD CUBIE_FORCEINLINE M solve_failed() const { return last_failed_; }

 private:
  CUBIE_HD CUBIE_KRYLOV_NOINLINE void solve_scaled(const Sys& sys, fixed_vector<S, N>& x) {
    fixed_vector<S, N> b, w;
    CUBIE_KRYLOV_UNROLL(N)
    for (int n = 0; n < N; ++n) {
      b[n] = g_ * x[n];
      w[n] = S(1.0) / (S(ks_->atol) + S(ks_->rtol) * math::abs(y_[n]));
    }
    const S g = g_;
    auto op = [&](const fixed_vector<S, N>& v, fixed_vector<S, N>& out) {
      fixed_vector<S, N> jv;
      jacobian_vector_product<Sys, S, N>(sys, t_, y_.data(), p_, v.data(), jv.data());
      CUBIE_KRYLOV_UNROLL(N)
      for (int n = 0; n < N; ++n) out[n] = v[n] - g * jv[n];
    };
    // B: identity (neumann) or diag(A)^-1 (jacobi); then `order` stationary sweeps.
    const bool jacobi = ks_->preconditioner == preconditioner_kind::jacobi;
    const int order = ks_->preconditioner == preconditioner_kind::none ? 0 : ks_->preconditioner_order;
    fixed_vector<S, N> inv_d;
    CUBIE_KRYLOV_UNROLL(N)
    for (int n = 0; n < N; ++n) {
      const S d = S(1.0) - g * diag_[n];
      inv_d[n] = jacobi ? krylov_detail::safe_div(krylov_detail::finite_nonzero(d), S(1.0), d) : S(1.0);
      if (jacobi) inv_d[n] = math::select(krylov_detail::finite_nonzero(d), inv_d[n], S(1.0));
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
    last_failed_ = math::mask_not(o.converged);
    tally_->max_iters = math::mask_or(tally_->max_iters, o.max_iters);
    tally_->breakdown = math::mask_or(tally_->breakdown, o.breakdown);
    tally_->iterations = tally_->iterations + o.iterations;
  }

  const krylov_settings<V>* ks_ = nullptr;
  linear_tally<S>* tally_ = nullptr;
  S t_ = S(0.0);
  S g_ = S(1.0);
  fixed_vector<S, N> y_;
  const S* p_ = nullptr;
  fixed_vector<S, N> diag_{};
  M last_failed_ = M(false);
};

}  // namespace cubie
