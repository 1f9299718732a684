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
#pragma once
#include "../core/execution_space.hpp"
#include "../core/fixed_vector.hpp"
#include "../core/math.hpp"
#include "../core/static_for.hpp"
#include "dirk_stepper.hpp"
#include "error_norm.hpp"
#include "firk_matrices.hpp"
#include "firk_tableau.hpp"
#include "jacobian.hpp"
#include "newton_settings.hpp"
#include "stepper.hpp"

namespace cubie {

/// @brief Fully implicit Runge-Kutta steps of `Method` on N states in arithmetic S.
template <class Method, class S, int N>
class firk_stepper {
  using V = value_type_t<S>;
  using Mask = mask_t<S>;
  static constexpr auto tab = Method::tableau;
  static constexpr int R = decltype(tab)::reals;
  static constexpr int P = decltype(tab)::pairs;

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
  }

  template <class Sys, int Q>
  CUBIE_HD CUBIE_FORCEINLINE void start(const Sys& sys, S t, const fixed_vector<S, N>& y,
                                        const fixed_vector<S, Q>& p) {
    sys.rhs(t, y.data(), p.data(), f0_.data());
    have_prev_ = Mask(false);
    want_jac_ = Mask(true);
    fresh_ = Mask(true);
    h_fact_ = S(0.0);
  }

  CUBIE_HD CUBIE_FORCEINLINE const fixed_vector<S, N>& slope() const { return f0_; }

  /// One trial step of size h from (t, y). Not ok where the Newton iterations failed
  /// (newton_failures() says why) or a matrix could not be factorised (singular).
  template <class Sys, int Q>
  CUBIE_HD CUBIE_FORCEINLINE step_outcome<S> step(const Sys& sys, S t, S h, const fixed_vector<S, N>& y,
                                                  const fixed_vector<S, Q>& p, work_type& work) {
    static_assert(Sys::n_states == N, "the stepper's state count must match the system's");
    work.jacobian_evaluations = 0;
    work.factorizations = 0;
    work.rhs_evaluations = 0;
    if (math::any(want_jac_)) {
      m_.evaluate(sys, t, y, p, want_jac_);
      jac_fresh_ = jac_fresh_ | want_jac_;
      want_jac_ = Mask(false);
      h_fact_ = S(0.0);
      work.jacobian_evaluations = 1;
    }
    if (math::any(h != h_fact_)) {
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
      h_fact_ = h;
      work.factorizations = R + P;
    }
    h_trial_ = h;

    fixed_vector<S, N> weight;
    CUBIE_UNROLL
    for (int n = 0; n < N; ++n) weight[n] = S(1.0) / (S(ns_.atol) + S(ns_.rtol) * math::abs(y[n]));

    predict(h);
    fixed_vector<S, N> w[stages];
    transform_inverse(z_, w);

    // RADAU5's faccon: the rate estimate starts from the last one's, raised towards 1.
    eta_ = math::controller_pow(math::max(eta_, S(1e-16)), S(0.8));
    const S inv_h = S(1.0) / h;
    Mask running = Mask(true), converged = Mask(false), diverged = Mask(false);
    S iterations = S(0.0), norm_prev = S(1.0), thq_prev = S(0.0);
    theta_ = S(0.0);
    for (int it = 0; it < ns_.max_iters; ++it) {
      if (!math::any(running)) break;
      fixed_vector<S, N> f[stages];
      static_for<0, stages>([&](auto stage) CUBIE_INLINE_LAMBDA {
        constexpr int i = decltype(stage)::value;
        constexpr double ci = tab.c[i];
        fixed_vector<S, N> yi;
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) yi[n] = y[n] + z_[i][n];
        sys.rhs(t + h * S(ci), yi.data(), p.data(), f[i].data());
      });
      // The transformed residuals T^-1 F - (Lambda / h) W, solved block by block.
      fixed_vector<S, N> dw[stages];
      transform_inverse(f, dw);
      static_for<0, R>([&](auto kk) CUBIE_INLINE_LAMBDA {
        constexpr int r = decltype(kk)::value;
        constexpr double gr = tab.gamma[r];
        const S g = S(gr) * inv_h;
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) dw[r][n] = dw[r][n] - g * w[r][n];
        m_.template solve_real<r>(sys, dw[r]);
      });
      static_for<0, P>([&](auto kk) CUBIE_INLINE_LAMBDA {
        constexpr int q = decltype(kk)::value;
        constexpr int a = R + 2 * q, b = a + 1;
        constexpr double aq = tab.alpha[q], bq = tab.beta[q];
        const S al = S(aq) * inv_h, be = S(bq) * inv_h;
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) {
          const S wa = w[a][n], wb = w[b][n];
          dw[a][n] = dw[a][n] - al * wa + be * wb;
          dw[b][n] = dw[b][n] - be * wa - al * wb;
        }
        m_.template solve_complex<q>(sys, dw[a], dw[b]);
      });
      S acc = S(0.0);
      CUBIE_UNROLL
      for (int k = 0; k < stages; ++k) {
        CUBIE_UNROLL
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
        eta_ = math::select(running & !div_now, th / (S(1.0) - th), eta_);
        theta_ = math::select(running, theta, theta_);
        // The error left after the iterations still allowed would exceed the tolerance.
        const S left = S(double(ns_.max_iters - 1 - it));
        slow_now = eta_ * norm * math::controller_pow(math::max(th, S(1e-30)), left) > S(1.0);
      }
      const Mask moved = running & !div_now;
      CUBIE_UNROLL
      for (int k = 0; k < stages; ++k) {
        CUBIE_UNROLL
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
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) y_new_[n] = y_new_[n] + S(di) * z_[i][n];
      }
    });
    if constexpr (adaptive) estimate(sys, t, h, y, p, work);

    failure_.diverged = diverged;
    failure_.max_iters = math::mask_and(math::mask_not(converged), math::mask_not(diverged));
    return step_outcome<S>{math::mask_and(factored_, converged), math::mask_not(factored_)};
  }

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

  /// iteration_counters: the last trial's Newton iterations, and its linear solves: one per
  /// real eigenvalue and one (complex) per complex pair of A^-1, per iteration.
  CUBIE_HD CUBIE_FORCEINLINE iteration_counts<S> trial_iterations() const {
    return {trial_newton_, trial_newton_ * S(double(R + P))};
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
      sys.rhs(t, y.data(), p.data(), f.data());
      CUBIE_UNROLL
      for (int n = 0; n < N; ++n) f0_[n] = math::select(accepted, f[n], f0_[n]);
      CUBIE_UNROLL
      for (int i = 0; i < stages; ++i) {
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) z_prev_[i][n] = math::select(accepted, z_[i][n], z_prev_[i][n]);
      }
      h_prev_ = math::select(accepted, h_trial_, h_prev_);
      have_prev_ = have_prev_ | accepted;
    }
    const Mask slow = theta_ > S(keep_jacobian_theta);
    want_jac_ = (accepted & slow) | (!accepted & (want_jac_ | !jac_fresh_));
    jac_fresh_ = jac_fresh_ & !accepted;
    fresh_ = !accepted;
  }

  /// After an event moved lanes to (t, y): f there, no predictor, a new J.
  template <class Sys, int Q>
  CUBIE_HD CUBIE_FORCEINLINE void restart(const Sys& sys, mask_t<S> moved, S t, const fixed_vector<S, N>& y,
                                          const fixed_vector<S, Q>& p) {
    fixed_vector<S, N> f;
    sys.rhs(t, y.data(), p.data(), f.data());
    CUBIE_UNROLL
    for (int n = 0; n < N; ++n) f0_[n] = math::select(moved, f[n], f0_[n]);
    have_prev_ = have_prev_ & !moved;
    want_jac_ = want_jac_ | moved;
    jac_fresh_ = jac_fresh_ & !moved;
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
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) z_[i][n] = S(0.0);
      }
      return;
    }
    const S ratio = h / math::select(have_prev_, h_prev_, h);
    static_for<0, stages>([&](auto stage) CUBIE_INLINE_LAMBDA {
      constexpr int i = decltype(stage)::value;
      constexpr double ci = tab.c[i];
      const S x = S(1.0) + S(ci) * ratio;
      CUBIE_UNROLL
      for (int n = 0; n < N; ++n) z_[i][n] = S(0.0);
      static_for<0, stages>([&](auto node) CUBIE_INLINE_LAMBDA {
        constexpr int j = decltype(node)::value;
        const S wgt = basis<j>(x) - basis<j>(S(1.0));
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) z_[i][n] = z_[i][n] + wgt * z_prev_[j][n];
      });
      CUBIE_UNROLL
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
    CUBIE_UNROLL
    for (int n = 0; n < N; ++n) out[n] = S(0.0);
    static_for<0, stages>([&](auto col) CUBIE_INLINE_LAMBDA {
      constexpr int j = decltype(col)::value;
      constexpr double m = Inverse ? tab.TI[Row][j] : tab.T[Row][j];
      if constexpr (m != 0.0) {
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) out[n] = out[n] + S(m) * in[j][n];
      }
    });
  }

  // RADAU5's estimate: (gamma/h I - J)^-1 (f(t, y) + sum e_i Z_i / h); on a first step or
  // after a rejection also the one filtered once more through f at y + err (Hairer & Wanner
  // IV.8, (8.20)), which keeps stiff components from rejecting good steps: error_norm()
  // takes it where the first one fails (the tolerances reach the stepper only there).
  template <class Sys, int Q>
  CUBIE_HD CUBIE_FORCEINLINE void estimate(const Sys& sys, S t, S h, const fixed_vector<S, N>& y,
                                           const fixed_vector<S, Q>& p, work_type& work) {
    fixed_vector<S, N> ez;
    CUBIE_UNROLL
    for (int n = 0; n < N; ++n) ez[n] = S(0.0);
    const S inv_h = S(1.0) / h;
    static_for<0, stages>([&](auto stage) CUBIE_INLINE_LAMBDA {
      constexpr int i = decltype(stage)::value;
      constexpr double ei = tab.e[i];
      if constexpr (ei != 0.0) {
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) ez[n] = ez[n] + S(ei) * z_[i][n];
      }
    });
    CUBIE_UNROLL
    for (int n = 0; n < N; ++n) ez[n] = ez[n] * inv_h;
    CUBIE_UNROLL
    for (int n = 0; n < N; ++n) err_[n] = f0_[n] + ez[n];
    m_.template solve_real<0>(sys, err_);
    if (math::any(fresh_)) {
      fixed_vector<S, N> ye, f;
      CUBIE_UNROLL
      for (int n = 0; n < N; ++n) ye[n] = y[n] + err_[n];
      sys.rhs(t, ye.data(), p.data(), f.data());
      CUBIE_UNROLL
      for (int n = 0; n < N; ++n) f[n] = f[n] + ez[n];
      m_.template solve_real<0>(sys, f);
      err2_ = f;
      work.rhs_evaluations = work.rhs_evaluations + 1;
    }
  }

  firk_matrices<S, N, R, P> m_;            // J and the factorisations, kept across steps
  fixed_vector<S, N> f0_;                  // f at the step's start
  fixed_vector<S, N> y_new_;
  fixed_vector<S, N> err_;
  fixed_vector<S, N> err2_;                // the filtered estimate (fresh_ lanes)
  fixed_vector<S, N> z_[stages];           // the trial's stages Z_i = Y_i - y
  fixed_vector<S, N> z_prev_[stages];      // the last accepted step's
  S h_prev_ = S(0.0);
  S h_trial_ = S(0.0);
  S h_fact_ = S(0.0);                      // the h the factors were made for (0: none)
  Mask have_prev_ = Mask(false);
  Mask want_jac_ = Mask(true);             // the next trial evaluates J
  Mask jac_fresh_ = Mask(false);           // J was evaluated at the current starting point
  Mask fresh_ = Mask(true);                // a first step or a retry: the filtered estimate
  Mask factored_ = Mask(false);
  S theta_ = S(0.0);                       // the last Newton iterations' contraction
  S eta_ = S(1.0);
  S iters_ = S(0.0);
  S trial_newton_ = S(0.0);  // Newton iterations of the last trial (iteration_counters)
  newton_failure<S> failure_{mask_t<S>(false), mask_t<S>(false)};
  newton_settings<V> ns_{V(1e-8), V(1e-8), 10, 4};
};

/// Fully implicit tableaus are stepped by firk_stepper.
template <int Stages, int Reals, int Pairs>
struct stepper_family<firk_tableau<Stages, Reals, Pairs>> {
  template <class Method, class S, int N>
  using type = firk_stepper<Method, S, N>;
};

}  // namespace cubie
