// cubie/integrate/dirk_stepper.hpp
// The one generic diagonally implicit Runge-Kutta stepper (DIRK, SDIRK, ESDIRK), unrolled
// at compile time from a method's constexpr dirk_tableau: per step one Jacobian at the
// step's start and one factorisation of M = I / (h a_ii) - J per distinct diagonal, then
// per implicit stage a simplified Newton iteration (newton.hpp). A stage whose Newton
// iteration fails rejects the step (the loop retries it smaller); the reasons, too many
// iterations or divergence, become the run's status where it cannot retry.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/fixed_vector.hpp"
#include "../core/math.hpp"
#include "../core/static_for.hpp"
#include "dirk_tableau.hpp"
#include "error_norm.hpp"
#include "iteration_counters.hpp"
#include "jacobian.hpp"
#include "jacobian_vector.hpp"
#include "matrix_free_matrix.hpp"
#include "newton.hpp"
#include "newton_settings.hpp"
#include "stepper.hpp"

namespace cubie {

/// Implicit work of one step, the same for every lane of a pack (Newton iterations differ
/// per lane: take_newton_iterations()).
struct newton_work {
  int jacobian_evaluations = 0;
  int factorizations = 0;
  int rhs_evaluations = 0;  // f at the step's start alone (the Jacobian's, with dual numbers, not counted)
};

/// Why the last trial step's Newton iterations failed, per lane (both false where they
/// converged).
template <class S>
struct newton_failure {
  mask_t<S> max_iters;  // not converged within newton_max_iters (or could not be)
  mask_t<S> diverged;
  mask_t<S> linear_max_iters;  // a matrix-free linear solve did not converge in krylov_max_iters
  mask_t<S> linear_breakdown;  // a matrix-free linear solve broke down
};

/// @brief Diagonally implicit Runge-Kutta steps of `Method` on N states in arithmetic S.
/// Per-run state: f at the step's start, the trial solution, its error estimate, the
/// Newton settings and rate estimate, and the last trial's failure reasons.
template <class Method, class S, int N>
class dirk_stepper {
  using V = value_type_t<S>;
  using Mask = mask_t<S>;

 public:
  static constexpr auto tableau = Method::tableau;
  static constexpr int stages = decltype(tableau)::stages;
  static constexpr bool adaptive = has_error_estimate(tableau);
  static constexpr int order = tableau.order;
  static constexpr int error_order = tableau.error_order;
  static constexpr bool stiffly_accurate = is_stiffly_accurate(tableau);
  static constexpr bool last_stage_at_solution = stiffly_accurate;
  /// An ESDIRK whose last stage is the solution starts each step from the previous step's
  /// last stage slope, (Y_s - base_s) / (h a_ss), rather than from f(y): f(y) multiplies the
  /// Newton error left in stiff components by the stiff eigenvalues (h |lambda| up to 1e14
  /// on Robertson), which the next stages would have to cancel; the stage slope is free of
  /// it (OrdinaryDiffEq.jl's ESDIRKs do the same).
  static constexpr bool carries_first_stage = tableau.a[0][0] == 0.0 && stiffly_accurate;
  using work_type = newton_work;
  static_assert(explicit_stages_valid(tableau), "only the first stage may be explicit, at (t, y)");

  /// The Newton constants of this solve (the loop passes loop_settings::newton).
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

  /// f(t, y) at the starting point (the initial step size estimate reads it).
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE void start(const Sys& sys, S t, const fixed_vector<S, N>& y,
                                        const fixed_vector<S, P>& p) {
    sys.rhs(t, y.data(), p.data(), f0_.data());
    if constexpr (carries_first_stage) k_first_ = f0_;
  }

  /// f at the start of the last step (after start(): at the first point).
  CUBIE_HD CUBIE_FORCEINLINE const fixed_vector<S, N>& slope() const { return f0_; }

  /// One trial step of size h from (t, y). Not ok where a stage's Newton iteration failed
  /// (newton_failures() says why) or M could not be factorised (singular).
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE step_outcome<S> step(const Sys& sys, S t, S h, const fixed_vector<S, N>& y,
                                                  const fixed_vector<S, P>& p, work_type& work) {
    static_assert(Sys::n_states == N, "the stepper's state count must match the system's");
    // The linear solver (linear_solver setting): the LU where it is built, else matrix-free.
    if constexpr (direct_linear_solver_built<Sys, S>()) {
      if constexpr (has_jacobian_vector_product<Sys, S>) {
        if (ns_.krylov.solver != linear_solver_kind::direct) {
          matrix_free_matrix<Sys, S> m(ns_.krylov, tally_);
          return step_with(sys, m, t, h, y, p, work);
        }
      }
      iteration_matrix<Sys, S> m;
      return step_with(sys, m, t, h, y, p, work);
    } else {
      matrix_free_matrix<Sys, S> m(ns_.krylov, tally_);
      return step_with(sys, m, t, h, y, p, work);
    }
  }

  /// The step with the iteration matrix `m` (LU or matrix-free).
  template <class Sys, class W, int P>
  CUBIE_HD CUBIE_FORCEINLINE step_outcome<S> step_with(const Sys& sys, W& m, S t, S h, const fixed_vector<S, N>& y,
                                                       const fixed_vector<S, P>& p, work_type& work) {
    tally_.iterations = S(0.0);  // this trial's Krylov iterations (matrix-free only)
    fixed_vector<S, N> unused_ft;
    m.template evaluate<false>(sys, t, y, p, f0_, unused_ft);
    int rhs_count = 0;
    if constexpr (!W::gives_f) {
      sys.rhs(t, y.data(), p.data(), f0_.data());
      ++rhs_count;
    }
    // Crank-Nicolson's estimate solves with another diagonal: J is kept for it.
    [[maybe_unused]] W jacobian_copy;
    if constexpr (several_diagonals(tableau)) jacobian_copy = m;
    constexpr double gamma0 = first_diagonal(tableau);
    Mask factored = m.factor(sys, S(1.0 / gamma0) / h);
    int factorizations = 1;

    fixed_vector<S, N> weight;
    CUBIE_UNROLL
    for (int n = 0; n < N; ++n) weight[n] = S(1.0) / (S(ns_.atol) + S(ns_.rtol) * math::abs(y[n]));
    // The rate estimate starts each step from the last one's, raised towards 1 (Hairer).
    eta_ = math::controller_pow(math::max(eta_, S(1e-16)), S(0.8));

    Mask converged = Mask(true), diverged = Mask(false);
    newton_sum_ = S(0.0);
    fixed_vector<S, N> k[stages];  // stage slopes f(Y_i)
    static_for<0, stages>([&](auto stage) CUBIE_INLINE_LAMBDA {
      constexpr int i = decltype(stage)::value;
      constexpr double aii = tableau.a[i][i];
      if constexpr (aii == 0.0) {
        // The explicit first stage of an ESDIRK method.
        if constexpr (carries_first_stage) k[i] = k_first_;
        else k[i] = f0_;
      } else {
        if constexpr (several_diagonals(tableau) && previous_diagonal(tableau, i) != 0.0 &&
                      previous_diagonal(tableau, i) != aii) {
          m = jacobian_copy;
          factored = math::mask_and(factored, m.factor(sys, S(1.0 / aii) / h));
          ++factorizations;
        }
        fixed_vector<S, N> base = y;
        static_for<0, i>([&](auto col) CUBIE_INLINE_LAMBDA {
          constexpr int j = decltype(col)::value;
          constexpr double a = tableau.a[i][j];
          if constexpr (a != 0.0) {
            const S ha = h * S(a);
            CUBIE_UNROLL
            for (int n = 0; n < N; ++n) base[n] = base[n] + ha * k[j][n];
          }
        });
        // The predictor: the previous stage's slope over this stage's span.
        fixed_vector<S, N> Z;
        const S haii = h * S(aii);
        if constexpr (i > 0) {
          CUBIE_UNROLL
          for (int n = 0; n < N; ++n) Z[n] = haii * k[i - 1][n];
        } else if constexpr (tableau.predictor == stage_predictor::explicit_euler) {
          CUBIE_UNROLL
          for (int n = 0; n < N; ++n) Z[n] = haii * f0_[n];
        } else {
          CUBIE_UNROLL
          for (int n = 0; n < N; ++n) Z[n] = S(0.0);
        }
        const newton_outcome<S> o =
            newton_stage(sys, m, ns_, t + h * S(tableau.c[i]), S(1.0 / aii) / h, base, p, weight, Z, eta_);
        converged = math::mask_and(converged, o.converged);
        diverged = math::mask_or(diverged, o.diverged);
        iters_ = math::max(iters_, o.iterations);
        newton_sum_ = newton_sum_ + o.iterations;
        // The slope from the stage equation itself, (Y_i - base) / (h a_ii): no extra f, and
        // exact for the converged iterate (Hairer & Wanner IV.8).
        const S inv = S(1.0 / aii) / h;
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) k[i][n] = Z[n] * inv;
        if constexpr (stiffly_accurate && i == stages - 1) {
          CUBIE_UNROLL
          for (int n = 0; n < N; ++n) y_new_[n] = base[n] + Z[n];
          if constexpr (carries_first_stage) k_last_ = k[i];
        }
      }
      accumulate<i>(h, k[i], y);
    });
    // The estimate is left unfiltered: filtered through (I - h a_ss J)^-1 as RADAU5 does,
    // l_stable_sdirk_4 took 8x fewer steps on Robertson but ended 200 tolerances off on
    // HIRES (dirk_solve_test.cpp's problems, measured 2026-12-04).
    failure_.diverged = diverged;
    failure_.max_iters = math::mask_and(math::mask_not(converged), math::mask_not(diverged));
    if constexpr (requires { m.solve_failed(); }) {
      // A failed linear solve is the reason where it happened (Newton stopped there).
      const Mask failed = math::mask_not(converged);
      failure_.linear_breakdown = math::mask_and(failed, tally_.breakdown);
      failure_.linear_max_iters =
          math::mask_and(failed, math::mask_and(tally_.max_iters, math::mask_not(tally_.breakdown)));
      const Mask linear = math::mask_or(failure_.linear_breakdown, failure_.linear_max_iters);
      failure_.diverged = math::mask_and(failure_.diverged, math::mask_not(linear));
      failure_.max_iters = math::mask_and(failure_.max_iters, math::mask_not(linear));
      tally_.max_iters = Mask(false);
      tally_.breakdown = Mask(false);
      linear_sum_ = tally_.iterations;
    } else {
      linear_sum_ = newton_sum_;  // one LU solve per Newton iteration
      failure_.linear_max_iters = Mask(false);
      failure_.linear_breakdown = Mask(false);
    }
    work.jacobian_evaluations = 1;
    work.factorizations = factorizations;
    work.rhs_evaluations = rhs_count;
    return step_outcome<S>{math::mask_and(factored, converged), math::mask_not(factored)};
  }

  /// The trial step's solution.
  CUBIE_HD CUBIE_FORCEINLINE const fixed_vector<S, N>& proposal() const { return y_new_; }

  /// The trial's mean-square error norm against tolerances per state.
  template <class VT>
  CUBIE_HD CUBIE_FORCEINLINE S error_norm(const fixed_vector<S, N>& y, const VT* atol, const VT* rtol) const {
    return mean_square_error_norm<false>(y, y_new_, err_, err_, atol, rtol);
  }

  /// iteration_counters: the last trial's Newton iterations over all stages, and its linear
  /// iterations (one per Newton iteration with the LU; the Krylov iterations matrix-free).
  CUBIE_HD CUBIE_FORCEINLINE iteration_counts<S> trial_iterations() const { return {newton_sum_, linear_sum_}; }

  /// Why the last trial's Newton iterations failed, per lane.
  CUBIE_HD CUBIE_FORCEINLINE newton_failure<S> newton_failures() const { return failure_; }

  /// The most Newton iterations any stage of the last trial took, per lane (and resets the
  /// count for the next trial): the gustafsson controller's input.
  CUBIE_HD CUBIE_FORCEINLINE S take_newton_iterations() {
    const S n = iters_;
    iters_ = S(0.0);
    return n;
  }

  /// f at the start is evaluated by every step (it comes with the Jacobian); ESDIRKs carry
  /// their last stage slope to the accepted point as the next first stage.
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE void advance(const Sys& /*sys*/, mask_t<S> accepted, S /*t*/,
                                          const fixed_vector<S, N>& /*y*/, const fixed_vector<S, P>& /*p*/) {
    if constexpr (carries_first_stage) {
      CUBIE_UNROLL
      for (int n = 0; n < N; ++n) k_first_[n] = math::select(accepted, k_last_[n], k_first_[n]);
    } else {
      (void)accepted;
    }
  }

  /// After an event moved lanes to (t, y): their first stage is f there; the other lanes
  /// keep theirs.
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE void restart(const Sys& sys, mask_t<S> moved, S t, const fixed_vector<S, N>& y,
                                          const fixed_vector<S, P>& p) {
    if constexpr (carries_first_stage) {
      fixed_vector<S, N> f;
      sys.rhs(t, y.data(), p.data(), f.data());
      CUBIE_UNROLL
      for (int n = 0; n < N; ++n) k_first_[n] = math::select(moved, f[n], k_first_[n]);
    } else {
      (void)sys, (void)moved, (void)t, (void)y, (void)p;  // the next step evaluates f there
    }
  }

  /// A fixed step's move: every lane takes the proposal.
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE void advance_all(const Sys& /*sys*/, S /*t_next*/, fixed_vector<S, N>& y,
                                              const fixed_vector<S, P>& /*p*/) {
    y = y_new_;
    if constexpr (carries_first_stage) k_first_ = k_last_;
  }

 private:
  // Folds stage I into the running solution and error sums.
  template <int I>
  CUBIE_HD CUBIE_FORCEINLINE void accumulate(S h, const fixed_vector<S, N>& ki, const fixed_vector<S, N>& y) {
    if constexpr (!stiffly_accurate) {
      if constexpr (I == 0) y_new_ = y;
      constexpr double b = tableau.b[I];
      if constexpr (b != 0.0) {
        const S hb = h * S(b);
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) y_new_[n] = y_new_[n] + hb * ki[n];
      }
    }
    if constexpr (adaptive) {
      constexpr double e = tableau.e[I];
      if constexpr (I == 0) {
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) err_[n] = S(0.0);
      }
      if constexpr (e != 0.0) {
        const S he = h * S(e);
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) err_[n] = err_[n] + he * ki[n];
      }
    }
  }

  fixed_vector<S, N> f0_;     // f at the step's start
  fixed_vector<S, N> y_new_;  // the trial solution
  fixed_vector<S, N> err_;    // h sum e_i k_i
  fixed_vector<S, N> k_first_;  // ESDIRK: the next step's first stage (unused by the others)
  fixed_vector<S, N> k_last_;   // ESDIRK: the trial's last stage slope
  S eta_ = S(1.0);            // Newton rate estimate, carried between stages and steps
  S iters_ = S(0.0);          // most iterations of a stage since the last take
  S newton_sum_ = S(0.0);     // Newton iterations of the last trial, all stages
  S linear_sum_ = S(0.0);     // its linear iterations: LU solves, or Krylov iterations
  newton_failure<S> failure_{mask_t<S>(false), mask_t<S>(false), mask_t<S>(false), mask_t<S>(false)};
  linear_tally<S> tally_{mask_t<S>(false), mask_t<S>(false), S(0.0)};  // matrix-free solves
  newton_settings<V> ns_{V(1e-8), V(1e-8), 10, 4,
                         {linear_solver_kind::direct, V(1e-9), V(1e-9), 100, preconditioner_kind::jacobi, 1}};
};

}  // namespace cubie

namespace cubie {

/// DIRK tableaus are stepped by dirk_stepper.
template <int Stages>
struct stepper_family<dirk_tableau<Stages>> {
  template <class Method, class S, int N>
  using type = dirk_stepper<Method, S, N>;
};

}  // namespace cubie
