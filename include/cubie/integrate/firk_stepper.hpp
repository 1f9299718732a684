// cubie/integrate/firk_stepper.hpp
// The one generic fully implicit Runge-Kutta stepper (Gauss-Legendre, Radau IIA), unrolled at
// compile time from a method's constexpr firk_tableau. The s-stage system is solved by
// simplified Newton iterations in RADAU5's transformed variables W = T^-1 Z (Hairer & Wanner,
// Solving ODEs II, IV.8): one real N x N solve per real eigenvalue of A^-1 and one complex
// N x N solve per complex pair, per iteration, instead of one sN x sN solve.
//
// Hairer's reuse: J and the factorisations are kept across steps. J is evaluated again only
// after a step whose Newton iterations contracted slowly (theta > 1e-3, RADAU5's thet), after
// a rejected step whose J was not evaluated at its own starting point, or after an event
// moved the run; the factorisations again only when J or h changed (the family's controller
// keeps h exactly when the proposed change is within [1, 1.2], RADAU5's quot1/quot2, so
// consecutive steps share them). On a SIMD pack each lane keeps or renews its own J (a lane's
// results do not depend on its neighbours); the pack factorises again when any lane's J or h
// changed, which leaves the other lanes' factors as they were, bit for bit.
// Stage predictor: the previous step's collocation polynomial extrapolated (RADAU5).
//
// With linear_solver other than direct the same transformed blocks are solved matrix-free
// (firk_krylov.hpp: Jacobian-vector products at the step's start, the complex block as a real
// system of 2N unknowns), with J taken afresh at every step's start, which costs no
// factorisation. A system without a direct solver (above dense_direct_max_states states
// without a generated sparse LU, direct_linear_solver_built) solves only so, and its stepper
// keeps no factors at all: stepper_for<Method, S, N, Sys> picks that storage.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/fixed_vector.hpp"
#include "../core/math.hpp"
#include "../core/static_for.hpp"
#include "dirk_stepper.hpp"
#include "error_norm.hpp"
#include "firk_krylov.hpp"
#include "firk_matrices.hpp"
#include "firk_tableau.hpp"
#include "jacobian.hpp"
#include "jacobian_vector.hpp"
#include "newton.hpp"
#include "newton_settings.hpp"
#include "rhs_call.hpp"
#include "stepper.hpp"

namespace cubie {

namespace firk_detail {
/// Sys (void: not known) is solved matrix-free only: no factors are kept for it.
template <class Sys, class S>
constexpr bool krylov_only() {
  if constexpr (is_void<Sys>) return false;
  else return !direct_linear_solver_built<Sys, S>();
}

/// The LU storage for System: none where it solves matrix-free only, the factor pattern's
/// entries for a sparse system, N x N otherwise (and where the system is not known).
struct no_matrices {};
template <class System, class S, int N, int R, int P>
struct matrices_for {
  using type = firk_matrices<S, N, R, P>;
};
template <class System, class S, int N, int R, int P>
  requires(!is_void<System>)
struct matrices_for<System, S, N, R, P> {
  using type = typename type_if<krylov_only<System, S>(), no_matrices, matrices_of<System, S, N, R, P>>::type;
};
}  // namespace firk_detail

/// @brief Fully implicit Runge-Kutta steps of `Method` on N states in arithmetic S, for the
/// system System (void where it is not known: the factors' storage is then always kept).
template <class Method, class S, int N, class System = void>
class firk_stepper {
  using V = value_type_t<S>;
  using Mask = mask_t<S>;
  static constexpr auto tab = Method::tableau;
  static constexpr int R = decltype(tab)::reals;
  static constexpr int P = decltype(tab)::pairs;
  static constexpr bool krylov_only = firk_detail::krylov_only<System, S>();

 public:
  static constexpr int stages = decltype(tab)::stages;
  static constexpr bool adaptive = has_error_estimate(tab);
  static constexpr int order = tab.order;
  static constexpr int error_order = tab.error_order;
  static constexpr bool last_stage_at_solution = is_stiffly_accurate(tab);
  using work_type = newton_work;
  static_assert(!adaptive || R >= 1, "the embedded estimate solves with the first real eigenvalue's matrix");

  /// RADAU5's thet: a step whose Newton iterations contracted by at most this keeps J.
  static constexpr double keep_jacobian_theta = 1e-3;

  template <class VS>
  CUBIE_HD CUBIE_FORCEINLINE void configure(const newton_settings<VS>& ns) {
    ns_.atol = V(ns.atol);
    ns_.rtol = V(ns.rtol);
    ns_.max_iters = ns.max_iters;
    ns_.target_iters = ns.target_iters;
    ns_.krylov.solver = ns.krylov.solver;
    ns_.krylov.atol = V(ns.krylov.atol);
    ns_.krylov.rtol = V(ns.krylov.rtol);
    ns_.krylov.max_iters = ns.krylov.max_iters;
    ns_.krylov.preconditioner = ns.krylov.preconditioner;
    ns_.krylov.preconditioner_order = ns.krylov.preconditioner_order;
  }

  template <class Sys, int Q>
  CUBIE_HD CUBIE_FORCEINLINE void start(const Sys& sys, S t, const fixed_vector<S, N>& y,
                                        const fixed_vector<S, Q>& p) {
    call_rhs(sys, t, y.data(), p.data(), f0_.data());
    have_prev_ = Mask(false);
    reuse_.start();
    fresh_ = Mask(true);
  }

  CUBIE_HD CUBIE_FORCEINLINE const fixed_vector<S, N>& slope() const { return f0_; }

  /// One trial step of size h from (t, y). Not ok where the Newton iterations failed
  /// (newton_failures() says why), a matrix could not be factorised (singular), or, matrix-free,
  /// a linear solve failed.
  template <class Sys, int Q>
  CUBIE_HD CUBIE_FORCEINLINE step_outcome<S> step(const Sys& sys, S t, S h, const fixed_vector<S, N>& y,
                                                  const fixed_vector<S, Q>& p, work_type& work) {
    static_assert(Sys::n_states == N, "the stepper's state count must match the system's");
    work.jacobian_evaluations = 0;
    work.factorizations = 0;
    work.rhs_evaluations = 0;
    // The linear solver (linear_solver setting): the LU where it is built, else matrix-free.
    if constexpr (!krylov_only && direct_linear_solver_built<Sys, S>()) {
      if constexpr (has_jacobian_vector_product<Sys, S>) {
        if (ns_.krylov.solver != linear_solver_kind::direct) return step_matrix_free(sys, t, h, y, p, work);
      }
      return step_direct(sys, t, h, y, p, work);
    } else {
      return step_matrix_free(sys, t, h, y, p, work);
    }
  }

 private:
  // The LU path: J and the factors kept across steps (Hairer's reuse, above).
  template <class Sys, int Q>
  CUBIE_HD CUBIE_FORCEINLINE step_outcome<S> step_direct(const Sys& sys, S t, S h, const fixed_vector<S, N>& y,
                                                         const fixed_vector<S, Q>& p, work_type& work) {
    const Mask take = reuse_.take_jacobian();
    if (math::any(take)) {
      m_.evaluate(sys, t, y, p, take);
      work.jacobian_evaluations = 1;
    }
    if (reuse_.take_factorization(h)) {
      Mask ok = Mask(true);
      const S inv_h = S(1.0) / h;
      static_for<0, R>([&](auto k) CUBIE_INLINE_LAMBDA {
        constexpr int r = decltype(k)::value;
        constexpr double gr = tab.gamma[r];
        ok = math::mask_and(ok, m_.template factor_real<r>(sys, S(gr) * inv_h));
      });
      static_for<0, P>([&](auto k) CUBIE_INLINE_LAMBDA {
        constexpr int q = decltype(k)::value;
        constexpr double aq = tab.alpha[q], bq = tab.beta[q];
        ok = math::mask_and(ok, m_.template factor_complex<q>(sys, S(aq) * inv_h, S(bq) * inv_h));
      });
      factored_ = ok;
      work.factorizations = R + P;
    }
    const direct_solves<decltype(m_)> lin{m_};
    return iterate(sys, lin, t, h, y, p, work);
  }

  // The matrix-free path: J v at the step's start, nothing to factorise.
  template <class Sys, int Q>
  CUBIE_HD CUBIE_FORCEINLINE step_outcome<S> step_matrix_free(const Sys& sys, S t, S h, const fixed_vector<S, N>& y,
                                                              const fixed_vector<S, Q>& p, work_type& work) {
    tally_.iterations = S(0.0);
    firk_matrix_free<Sys, S> mf(ns_.krylov, tally_);
    mf.evaluate(sys, t, y, p);
    work.jacobian_evaluations = 1;
    factored_ = Mask(true);
    const krylov_solves<Sys> lin{mf};
    return iterate(sys, lin, t, h, y, p, work);
  }

  // The linear solves of one Newton iteration through the kept factors (never fail) ...
  template <class Matrices>
  struct direct_solves {
    static constexpr bool matrix_free = false;
    const Matrices& m;
    template <int Rk, class Sys>
    CUBIE_HD CUBIE_FORCEINLINE Mask real(const Sys& sys, S, fixed_vector<S, N>& x) const {
      m.template solve_real<Rk>(sys, x);
      return Mask(false);
    }
    template <int Q, class Sys>
    CUBIE_HD CUBIE_FORCEINLINE Mask cplx(const Sys& sys, S, S, fixed_vector<S, N>& xr, fixed_vector<S, N>& xi) const {
      m.template solve_complex<Q>(sys, xr, xi);
      return Mask(false);
    }
  };
  // ... or matrix-free, for the shift given (the lanes where a solve failed).
  template <class Sys>
  struct krylov_solves {
    static constexpr bool matrix_free = true;
    const firk_matrix_free<Sys, S>& m;
    template <int Rk>
    CUBIE_HD CUBIE_FORCEINLINE Mask real(const Sys& sys, S c, fixed_vector<S, N>& x) const {
      return m.solve_real(sys, c, x);
    }
    template <int Q>
    CUBIE_HD CUBIE_FORCEINLINE Mask cplx(const Sys& sys, S cr, S ci, fixed_vector<S, N>& xr, fixed_vector<S, N>& xi) const {
      return m.solve_complex(sys, cr, ci, xr, xi);
    }
  };

  // The simplified Newton iterations of the transformed stage system and the step's result.
  template <class Sys, class Lin, int Q>
  CUBIE_HD CUBIE_FORCEINLINE step_outcome<S> iterate(const Sys& sys, const Lin& lin, S t, S h,
                                                     const fixed_vector<S, N>& y, const fixed_vector<S, Q>& p,
                                                     work_type& work) {
    h_trial_ = h;

    fixed_vector<S, N> weight;
    CUBIE_UNROLL_STATES(N)
    for (int n = 0; n < N; ++n) weight[n] = S(1.0) / (S(ns_.atol) + S(ns_.rtol) * math::abs(y[n]));

    predict(h);
    fixed_vector<S, N> w[stages];
    transform_inverse(z_, w);

    // RADAU5's faccon: the rate estimate starts from the last one's, raised towards 1.
    eta_ = math::controller_pow(math::max(eta_, S(1e-16)), S(0.8));
    const S inv_h = S(1.0) / h;
    Mask running = Mask(true), converged = Mask(false), diverged = Mask(false);
    S iterations = S(0.0), norm_prev = S(1.0), thq_prev = S(0.0);
    reuse_.theta = S(0.0);
    for (int it = 0; it < ns_.max_iters; ++it) {
      if (!math::any(running)) break;
      fixed_vector<S, N> f[stages];
      static_for<0, stages>([&](auto stage) CUBIE_INLINE_LAMBDA {
        constexpr int i = decltype(stage)::value;
        constexpr double ci = tab.c[i];
        fixed_vector<S, N> yi;
        CUBIE_UNROLL_STATES(N)
        for (int n = 0; n < N; ++n) yi[n] = y[n] + z_[i][n];
        call_rhs(sys, t + h * S(ci), yi.data(), p.data(), f[i].data());
      });
      // The transformed residuals T^-1 F - (Lambda / h) W, solved block by block.
      fixed_vector<S, N> dw[stages];
      transform_inverse(f, dw);
      // A matrix-free solve can fail (too many linear iterations, breakdown): that lane's
      // iteration stops unconverged, and the step is rejected.
      Mask lin_failed = Mask(false);
      static_for<0, R>([&](auto kk) CUBIE_INLINE_LAMBDA {
        constexpr int r = decltype(kk)::value;
        constexpr double gr = tab.gamma[r];
        const S g = S(gr) * inv_h;
        CUBIE_UNROLL_STATES(N)
        for (int n = 0; n < N; ++n) dw[r][n] = dw[r][n] - g * w[r][n];
        lin_failed = math::mask_or(lin_failed, lin.template real<r>(sys, g, dw[r]));
      });
      static_for<0, P>([&](auto kk) CUBIE_INLINE_LAMBDA {
        constexpr int q = decltype(kk)::value;
        constexpr int a = R + 2 * q, b = a + 1;
        constexpr double aq = tab.alpha[q], bq = tab.beta[q];
        const S al = S(aq) * inv_h, be = S(bq) * inv_h;
        CUBIE_UNROLL_STATES(N)
        for (int n = 0; n < N; ++n) {
          const S wa = w[a][n], wb = w[b][n];
          dw[a][n] = dw[a][n] - al * wa + be * wb;
          dw[b][n] = dw[b][n] - be * wa - al * wb;
        }
        lin_failed = math::mask_or(lin_failed, lin.template cplx<q>(sys, al, be, dw[a], dw[b]));
      });
      S acc = S(0.0);
      CUBIE_UNROLL
      for (int k = 0; k < stages; ++k) {
        CUBIE_UNROLL_STATES(N)
        for (int n = 0; n < N; ++n) {
          const S q = dw[k][n] * weight[n];
          acc = acc + q * q;
        }
      }
      const S norm = math::sqrt(acc * S(1.0 / (stages * N)));
      Mask div_now = math::mask_not((norm * S(0.0)) == S(0.0));
      Mask slow_now = Mask(false);
      if (it > 0) {
        // RADAU5: the contraction of the last two increments, then their geometric mean.
        const S thq = norm / math::max(norm_prev, S(1e-30));
        const S theta = it == 1 ? thq : math::sqrt(thq * thq_prev);
        thq_prev = thq;
        div_now = div_now | (theta >= S(0.99));
        const S th = math::min(theta, S(0.99));
        eta_ = math::select(running & !div_now & !lin_failed, th / (S(1.0) - th), eta_);
        reuse_.theta = math::select(running, theta, reuse_.theta);
        // The error left after the iterations still allowed would exceed the tolerance.
        const S left = S(V(ns_.max_iters - 1 - it));  // in V: no fp64 conversion (newton.hpp)
        slow_now = eta_ * norm * math::controller_pow(math::max(th, S(1e-30)), left) > S(1.0);
      }
      const Mask moved = running & !div_now & !lin_failed;
      CUBIE_UNROLL
      for (int k = 0; k < stages; ++k) {
        CUBIE_UNROLL_STATES(N)
        for (int n = 0; n < N; ++n) w[k][n] = math::select(moved, w[k][n] + dw[k][n], w[k][n]);
      }
      back_transform(w);
      iterations = math::select(running, iterations + S(1.0), iterations);
      // At least two iterations unless the increment is exactly zero, as SciPy's Radau: the
      // first increment alone, judged by the last step's rate (RADAU5 accepts it), left POLLU
      // 4.6 tolerances off at rtol 1e-6 where SciPy ends 0.05 off; with a measured rate,
      // 0.02 (tests/stiff, 2026-12-04).
      const Mask conv_now = moved & (((eta_ * norm <= S(1.0)) & Mask(it > 0)) | (norm == S(0.0)));
      diverged = diverged | (running & div_now);
      converged = converged | conv_now;
      running = moved & !conv_now & !slow_now;
      norm_prev = norm;
    }
    iters_ = math::max(iters_, iterations);
    trial_newton_ = iterations;

    y_new_ = y;
    static_for<0, stages>([&](auto stage) CUBIE_INLINE_LAMBDA {
      constexpr int i = decltype(stage)::value;
      constexpr double di = tab.d[i];
      if constexpr (di != 0.0) {
        CUBIE_UNROLL_STATES(N)
        for (int n = 0; n < N; ++n) y_new_[n] = y_new_[n] + S(di) * z_[i][n];
      }
    });
    Mask estimate_failed = Mask(false);
    if constexpr (adaptive) estimate_failed = estimate(sys, lin, t, h, y, p, work);

    if constexpr (Lin::matrix_free) {
      // A failed linear solve is the reason where it happened (Newton stopped there), as in
      // the DIRK family; a failed estimate solve rejects the step for the same reason.
      failure_.set_matrix_free(converged, diverged, math::mask_or(math::mask_not(converged), estimate_failed), tally_);
      trial_linear_ = tally_.iterations;
    } else {
      failure_.set(converged, diverged);
      trial_linear_ = iterations * S(double(R + P));  // one solve per block per iteration
    }
    return step_outcome<S>{math::mask_and(factored_, math::mask_and(converged, math::mask_not(estimate_failed))),
                           math::mask_not(factored_)};
  }

 public:
  CUBIE_HD CUBIE_FORCEINLINE const fixed_vector<S, N>& proposal() const { return y_new_; }

  /// RADAU5's rule: the filtered estimate where the first fails on a first step or a retry.
  template <class VT>
  CUBIE_HD CUBIE_FORCEINLINE S error_norm(const fixed_vector<S, N>& y, const VT* atol, const VT* rtol) const {
    const S first = mean_square_error_norm<false>(y, y_new_, err_, err_, atol, rtol);
    if constexpr (adaptive) {
      const Mask refine = fresh_ & (first > S(1.0));
      if (math::any(refine))
        return math::select(refine, mean_square_error_norm<false>(y, y_new_, err2_, err2_, atol, rtol), first);
    }
    return first;
  }

  CUBIE_HD CUBIE_FORCEINLINE newton_failure<S> newton_failures() const { return failure_; }

  /// iteration_counters: the last trial's Newton iterations, and its linear iterations: with
  /// the LU one solve per real eigenvalue and one (complex) per complex pair of A^-1, per
  /// iteration; matrix-free the Krylov iterations of all its solves (the estimate's too).
  CUBIE_HD CUBIE_FORCEINLINE iteration_counts<S> trial_iterations() const {
    return {trial_newton_, trial_linear_};
  }

  CUBIE_HD CUBIE_FORCEINLINE S take_newton_iterations() {
    const S n = iters_;
    iters_ = S(0.0);
    return n;
  }

  /// Accepted lanes keep the trial's stages for the next predictor, take f at the new point,
  /// and keep J unless their Newton iterations contracted slowly; rejected lanes retry with
  /// a J evaluated at their own starting point (RADAU5).
  template <class Sys, int Q>
  CUBIE_HD CUBIE_FORCEINLINE void advance(const Sys& sys, mask_t<S> accepted, S t, const fixed_vector<S, N>& y,
                                          const fixed_vector<S, Q>& p) {
    if (math::any(accepted)) {
      fixed_vector<S, N> f;
      call_rhs(sys, t, y.data(), p.data(), f.data());
      CUBIE_UNROLL_STATES(N)
      for (int n = 0; n < N; ++n) f0_[n] = math::select(accepted, f[n], f0_[n]);
      CUBIE_UNROLL
      for (int i = 0; i < stages; ++i) {
        CUBIE_UNROLL_STATES(N)
        for (int n = 0; n < N; ++n) z_prev_[i][n] = math::select(accepted, z_[i][n], z_prev_[i][n]);
      }
      h_prev_ = math::select(accepted, h_trial_, h_prev_);
      have_prev_ = have_prev_ | accepted;
    }
    reuse_.advance(accepted, keep_jacobian_theta);
    fresh_ = !accepted;
  }

  /// After an event moved lanes to (t, y): f there, no predictor, a new J.
  template <class Sys, int Q>
  CUBIE_HD CUBIE_FORCEINLINE void restart(const Sys& sys, mask_t<S> moved, S t, const fixed_vector<S, N>& y,
                                          const fixed_vector<S, Q>& p) {
    fixed_vector<S, N> f;
    call_rhs(sys, t, y.data(), p.data(), f.data());
    CUBIE_UNROLL_STATES(N)
    for (int n = 0; n < N; ++n) f0_[n] = math::select(moved, f[n], f0_[n]);
    have_prev_ = have_prev_ & !moved;
    reuse_.restart(moved);
    fresh_ = fresh_ | moved;
  }

  /// A fixed step's move: every lane takes the proposal.
  template <class Sys, int Q>
  CUBIE_HD CUBIE_FORCEINLINE void advance_all(const Sys& sys, S t_next, fixed_vector<S, N>& y,
                                              const fixed_vector<S, Q>& p) {
    y = y_new_;
    advance(sys, Mask(true), t_next, y, p);
  }

 private:
  // z_ <- the previous step's collocation polynomial u, extrapolated: Z_i = u(t + h + c_i h')
  // - u(t + h), with u through (0, 0) and (c_j, Z_j) in units of the previous step; zero
  // where there is no previous step.
  CUBIE_HD CUBIE_FORCEINLINE void predict(S h) {
    if (!math::any(have_prev_)) {
      CUBIE_UNROLL
      for (int i = 0; i < stages; ++i) {
        CUBIE_UNROLL_STATES(N)
        for (int n = 0; n < N; ++n) z_[i][n] = S(0.0);
      }
      return;
    }
    const S ratio = h / math::select(have_prev_, h_prev_, h);
    static_for<0, stages>([&](auto stage) CUBIE_INLINE_LAMBDA {
      constexpr int i = decltype(stage)::value;
      constexpr double ci = tab.c[i];
      const S x = S(1.0) + S(ci) * ratio;
      CUBIE_UNROLL_STATES(N)
      for (int n = 0; n < N; ++n) z_[i][n] = S(0.0);
      static_for<0, stages>([&](auto node) CUBIE_INLINE_LAMBDA {
        constexpr int j = decltype(node)::value;
        const S wgt = basis<j>(x) - basis<j>(S(1.0));
        CUBIE_UNROLL_STATES(N)
        for (int n = 0; n < N; ++n) z_[i][n] = z_[i][n] + wgt * z_prev_[j][n];
      });
      CUBIE_UNROLL_STATES(N)
      for (int n = 0; n < N; ++n) z_[i][n] = math::select(have_prev_, z_[i][n], S(0.0));
    });
  }

  // The Lagrange basis polynomial of node c_J over the nodes {0, c_1, .., c_s}, at x.
  template <int J>
  CUBIE_HD static CUBIE_FORCEINLINE S basis(S x) {
    constexpr double cj = tab.c[J];
    S v = x * S(1.0 / cj);
    static_for<0, stages>([&](auto node) CUBIE_INLINE_LAMBDA {
      constexpr int m = decltype(node)::value;
      if constexpr (m != J) {
        constexpr double cm = tab.c[m];
        v = v * (x - S(cm)) * S(1.0 / (cj - cm));
      }
    });
    return v;
  }

  // out_k = sum_i TI[k][i] in_i (W = T^-1 Z, and T^-1 F).
  CUBIE_HD static CUBIE_FORCEINLINE void transform_inverse(const fixed_vector<S, N> (&in)[stages],
                                                           fixed_vector<S, N> (&out)[stages]) {
    static_for<0, stages>([&](auto row) CUBIE_INLINE_LAMBDA {
      constexpr int k = decltype(row)::value;
      combine<k, true>(in, out[k]);
    });
  }

  // z_i = sum_k T[i][k] w_k.
  CUBIE_HD CUBIE_FORCEINLINE void back_transform(const fixed_vector<S, N> (&w)[stages]) {
    static_for<0, stages>([&](auto row) CUBIE_INLINE_LAMBDA {
      constexpr int i = decltype(row)::value;
      combine<i, false>(w, z_[i]);
    });
  }

  // out = sum_j M[Row][j] in_j, M = T^-1 (Inverse) or T; zero coefficients skipped.
  template <int Row, bool Inverse>
  CUBIE_HD static CUBIE_FORCEINLINE void combine(const fixed_vector<S, N> (&in)[stages], fixed_vector<S, N>& out) {
    CUBIE_UNROLL_STATES(N)
    for (int n = 0; n < N; ++n) out[n] = S(0.0);
    static_for<0, stages>([&](auto col) CUBIE_INLINE_LAMBDA {
      constexpr int j = decltype(col)::value;
      constexpr double m = Inverse ? tab.TI[Row][j] : tab.T[Row][j];
      if constexpr (m != 0.0) {
        CUBIE_UNROLL_STATES(N)
        for (int n = 0; n < N; ++n) out[n] = out[n] + S(m) * in[j][n];
      }
    });
  }

  // RADAU5's estimate: (gamma/h I - J)^-1 (f(t, y) + sum e_i Z_i / h); on a first step or
  // after a rejection also the one filtered once more through f at y + err (Hairer & Wanner
  // IV.8, (8.20)), which keeps stiff components from rejecting good steps: error_norm()
  // takes it where the first one fails (the tolerances reach the stepper only there).
  // Returns the lanes where a matrix-free solve of it failed.
  template <class Sys, class Lin, int Q>
  CUBIE_HD CUBIE_FORCEINLINE Mask estimate(const Sys& sys, const Lin& lin, S t, S h, const fixed_vector<S, N>& y,
                                           const fixed_vector<S, Q>& p, work_type& work) {
    constexpr double g0 = tab.gamma[0];
    const S c0 = S(g0) / h;
    fixed_vector<S, N> ez;
    CUBIE_UNROLL_STATES(N)
    for (int n = 0; n < N; ++n) ez[n] = S(0.0);
    const S inv_h = S(1.0) / h;
    static_for<0, stages>([&](auto stage) CUBIE_INLINE_LAMBDA {
      constexpr int i = decltype(stage)::value;
      constexpr double ei = tab.e[i];
      if constexpr (ei != 0.0) {
        CUBIE_UNROLL_STATES(N)
        for (int n = 0; n < N; ++n) ez[n] = ez[n] + S(ei) * z_[i][n];
      }
    });
    CUBIE_UNROLL_STATES(N)
    for (int n = 0; n < N; ++n) ez[n] = ez[n] * inv_h;
    CUBIE_UNROLL_STATES(N)
    for (int n = 0; n < N; ++n) err_[n] = f0_[n] + ez[n];
    Mask failed = lin.template real<0>(sys, c0, err_);
    if (math::any(fresh_)) {
      fixed_vector<S, N> ye, f;
      CUBIE_UNROLL_STATES(N)
      for (int n = 0; n < N; ++n) ye[n] = y[n] + err_[n];
      call_rhs(sys, t, ye.data(), p.data(), f.data());
      CUBIE_UNROLL_STATES(N)
      for (int n = 0; n < N; ++n) f[n] = f[n] + ez[n];
      failed = math::mask_or(failed, math::mask_and(fresh_, lin.template real<0>(sys, c0, f)));
      err2_ = f;
      work.rhs_evaluations = work.rhs_evaluations + 1;
    }
    return failed;
  }

  typename firk_detail::matrices_for<System, S, N, R, P>::type m_;  // J and its factors, kept across steps
  fixed_vector<S, N> f0_;                  // f at the step's start
  fixed_vector<S, N> y_new_;
  fixed_vector<S, N> err_;
  fixed_vector<S, N> err2_;                // the filtered estimate (fresh_ lanes)
  fixed_vector<S, N> z_[stages];           // the trial's stages Z_i = Y_i - y
  fixed_vector<S, N> z_prev_[stages];      // the last accepted step's
  S h_prev_ = S(0.0);
  S h_trial_ = S(0.0);
  Mask have_prev_ = Mask(false);
  jacobian_reuse<S> reuse_;                // when J and the factors are taken again (newton.hpp)
  Mask fresh_ = Mask(true);                // a first step or a retry: the filtered estimate
  Mask factored_ = Mask(false);
  S eta_ = S(1.0);
  S iters_ = S(0.0);
  S trial_newton_ = S(0.0);  // Newton iterations of the last trial (iteration_counters)
  S trial_linear_ = S(0.0);  // its linear iterations: LU solves, or Krylov iterations
  newton_failure<S> failure_ = newton_failure<S>::none();
  linear_tally<S> tally_{mask_t<S>(false), mask_t<S>(false), S(0.0)};  // matrix-free solves
  newton_settings<V> ns_{V(1e-8), V(1e-8), 10, 4,
                         {linear_solver_kind::direct, V(1e-9), V(1e-9), 100, preconditioner_kind::jacobi, 1}};
};

/// Fully implicit tableaus are stepped by firk_stepper.
template <int Stages, int Reals, int Pairs>
struct stepper_family<firk_tableau<Stages, Reals, Pairs>> {
  template <class Method, class S, int N>
  using type = firk_stepper<Method, S, N>;
  template <class Method, class S, int N, class Sys>
  using with_system = firk_stepper<Method, S, N, Sys>;
};

}  // namespace cubie
