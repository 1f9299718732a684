// cubie/integrate/dirk_stepper.hpp
// The one generic diagonally implicit Runge-Kutta stepper (DIRK, SDIRK, ESDIRK), unrolled
// at compile time from a method's constexpr dirk_tableau: the iteration matrix
// M = I / (h a_ii) - J, factorised, then per implicit stage a simplified Newton iteration
// (newton.hpp). A stage whose Newton iteration fails rejects the step (the loop retries it
// smaller); the reasons, too many iterations or divergence, become the run's status where
// it cannot retry.
//
// Hairer's reuse (newton.hpp's jacobian_reuse, shared with firk_stepper.hpp): one run per
// stepper (GPU threads; CPU SIMD packs take J at every step, see keeps_factors) with a method
// of one diagonal (all but Crank-Nicolson) keeps J and the factors of M across steps, J until a
// step's Newton iterations contract slowly (theta > 1e-5; RADAU5 keeps it to 1e-3), a rejected step's J was not taken
// at its own start, or an event moved the run; the factors until J or h changes (the family's
// controller keeps h exactly for proposed gains within [1, 1.2]). They are kept in
// firk_matrices with one real shift, where the system has a direct solver (the dense or the
// generated sparse LU). Crank-Nicolson, and every step solved matrix-free (linear_solver other
// than direct), take J at each step's start.
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
#include "firk_matrices.hpp"
#include "matrix_free_matrix.hpp"
#include "newton.hpp"
#include "newton_settings.hpp"
#include "rhs_call.hpp"
#include "stepper.hpp"

// CUBIE_DIRK_KEEP_FACTORS=0 (a compiler or NVRTC option: stiff_bench --nvrtc-option) makes
// one-run steppers take J and factorise at every step, as SIMD packs do: the reuse's before
// and after from one build (bench/gpu/dirk_reuse_session.sh).
#ifndef CUBIE_DIRK_KEEP_FACTORS
#define CUBIE_DIRK_KEEP_FACTORS 1
#endif

namespace cubie {

/// Implicit work of one step, the same for every lane of a pack (Newton iterations differ
/// per lane: take_newton_iterations()).
struct newton_work {
  int jacobian_evaluations = 0;
  int factorizations = 0;
  int rhs_evaluations = 0;  // f at the step's start alone (the Jacobian's, with dual numbers, not counted)
};

namespace dirk_detail {
/// Whether the stepper keeps J and its factors across steps for System: one run per stepper
/// (a GPU thread; not a CPU SIMD pack, which would factorise again whenever any of its lanes'
/// h changed: on POLLU that was nearly every step, and keeping cost 1.35x the CPU time), a
/// known system with a direct solver, and a method with one diagonal.
template <class System, class S, bool OneDiagonal>
constexpr bool keeps_factors() {
  if constexpr (!CUBIE_DIRK_KEEP_FACTORS || firk_detail::is_void<System> || !OneDiagonal || scalar_traits<S>::lanes != 1) return false;
  else return direct_linear_solver_built<System, S>();
}

/// J and the factors of M (firk_matrices with one real shift: the dense or the sparse
/// pattern's storage), or nothing where they are not kept.
struct no_kept_factors {};
template <bool Keep, class System, class S, int N>
struct kept_storage {
  using type = no_kept_factors;
};
template <class System, class S, int N>
struct kept_storage<true, System, S, N> {
  using type = firk_detail::matrices_of<System, S, N, 1, 0>;
};
}  // namespace dirk_detail

/// @brief Diagonally implicit Runge-Kutta steps of `Method` on N states in arithmetic S,
/// for the system System (void where it is not known: nothing is then kept across steps).
/// Per-run state: f at the step's start, the trial solution, its error estimate, the
/// Newton settings and rate estimate, the kept J and factors, and the last trial's failure
/// reasons.
template <class Method, class S, int N, class System = void>
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
  /// J and the factors of M kept across steps (Hairer's reuse, above).
  static constexpr bool keeps_factors = dirk_detail::keeps_factors<System, S, !several_diagonals(tableau)>();
  /// A step whose Newton iterations contracted by at most this keeps J. RADAU5's 1e-3 (the
  /// FIRK family's) left the older J in the DIRKs' stages too long: l_stable_sdirk_4 took 2.9x
  /// the steps on HIRES (5,212 against 1,811; its estimate is unfiltered) and kvaerno5 1.3x;
  /// with 1e-5 1,876 and 281 (examples/stiff/hires.toml, rtol 1e-8, 2026-12-04).
  static constexpr double keep_jacobian_theta = 1e-5;
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
    call_rhs(sys, t, y.data(), p.data(), f0_.data());
    if constexpr (carries_first_stage) k_first_ = f0_;
    reuse_.start();
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
      if constexpr (keeps_factors) {
        kept_solves m{kept_};
        return step_with(sys, m, t, h, y, p, work);
      } else {
        iteration_matrix<Sys, S> m;
        return step_with(sys, m, t, h, y, p, work);
      }
    } else {
      matrix_free_matrix<Sys, S> m(ns_.krylov, tally_);
      return step_with(sys, m, t, h, y, p, work);
    }
  }

  /// The step with the iteration matrix `m`: the kept factors (kept_solves), or a matrix
  /// evaluated for this trial alone (the LU, or matrix-free).
  template <class Sys, class W, int P>
  CUBIE_HD CUBIE_FORCEINLINE step_outcome<S> step_with(const Sys& sys, W& m, S t, S h, const fixed_vector<S, N>& y,
                                                       const fixed_vector<S, P>& p, work_type& work) {
    tally_.iterations = S(0.0);  // this trial's Krylov iterations (matrix-free only)
    constexpr double gamma0 = first_diagonal(tableau);
    int rhs_count = 0, jacobians = 0, factorizations = 0;
    Mask factored;
    // Crank-Nicolson's estimate solves with another diagonal: J is kept for it.
    [[maybe_unused]] typename firk_detail::type_if<several_diagonals(tableau), W, char>::type jacobian_copy;
    if constexpr (requires { W::kept; }) {
      // f at the start (the slope, the events); J where the last step asked for it, and the
      // factors where J or h changed. Dual numbers give f with J, as in the every-step path
      // (f is then not evaluated again: one f a step fewer where J is taken; no change in
      // the counts, bench/stiff/dirk_reuse_bench.cpp).
      const Mask take = reuse_.take_jacobian();
      constexpr bool j_gives_f = decltype(kept_)::template gives_f<Sys>();
      if (math::any(take)) {
        kept_.evaluate(sys, t, y, p, take, &f0_);
        jacobians = 1;
      }
      if (!j_gives_f || jacobians == 0) {
        call_rhs(sys, t, y.data(), p.data(), f0_.data());
        rhs_count = 1;
      }
      if (reuse_.take_factorization(h)) {
        factored_ = kept_.template factor_real<0>(sys, S(1.0 / gamma0) / h);
        factorizations = 1;
      }
      factored = factored_;
      m.refresh();
    } else {
      fixed_vector<S, N> unused_ft;
      m.template evaluate<false>(sys, t, y, p, f0_, unused_ft);
      if constexpr (!W::gives_f) {
        call_rhs(sys, t, y.data(), p.data(), f0_.data());
        ++rhs_count;
      }
      if constexpr (several_diagonals(tableau)) jacobian_copy = m;
      factored = m.factor(sys, S(1.0 / gamma0) / h);
      jacobians = 1;
      factorizations = 1;
    }

    fixed_vector<S, N> weight;
    CUBIE_UNROLL_STATES(N)
    for (int n = 0; n < N; ++n) weight[n] = S(1.0) / (S(ns_.atol) + S(ns_.rtol) * math::abs(y[n]));
    // The rate estimate starts each step from the last one's, raised towards 1 (Hairer).
    eta_ = math::controller_pow(math::max(eta_, S(1e-16)), S(0.8));

    // The stages: their Newton iterations, the solution and the estimate.
    Mask converged, diverged;
    auto solve_stages = [&]() CUBIE_INLINE_LAMBDA {
      converged = Mask(true);
      diverged = Mask(false);
      newton_sum_ = S(0.0);
      reuse_.theta = S(0.0);
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
            factored = math::mask_and(factored, refactor<i>(sys, m, jacobian_copy, h));
            ++factorizations;
          }
          fixed_vector<S, N> base = y;
          static_for<0, i>([&](auto col) CUBIE_INLINE_LAMBDA {
            constexpr int j = decltype(col)::value;
            constexpr double a = tableau.a[i][j];
            if constexpr (a != 0.0) {
              const S ha = h * S(a);
              CUBIE_UNROLL_STATES(N)
              for (int n = 0; n < N; ++n) base[n] = base[n] + ha * k[j][n];
            }
          });
          // The predictor: the previous stage's slope over this stage's span.
          fixed_vector<S, N> Z;
          const S haii = h * S(aii);
          if constexpr (i > 0) {
            CUBIE_UNROLL_STATES(N)
            for (int n = 0; n < N; ++n) Z[n] = haii * k[i - 1][n];
          } else if constexpr (tableau.predictor == stage_predictor::explicit_euler) {
            CUBIE_UNROLL_STATES(N)
            for (int n = 0; n < N; ++n) Z[n] = haii * f0_[n];
          } else {
            CUBIE_UNROLL_STATES(N)
            for (int n = 0; n < N; ++n) Z[n] = S(0.0);
          }
          const newton_outcome<S> o =
              newton_stage(sys, m, ns_, t + h * S(tableau.c[i]), S(1.0 / aii) / h, base, p, weight, Z, eta_);
          converged = math::mask_and(converged, o.converged);
          diverged = math::mask_or(diverged, o.diverged);
          iters_ = math::max(iters_, o.iterations);
          newton_sum_ = newton_sum_ + o.iterations;
          reuse_.theta = math::max(reuse_.theta, o.theta);
          // The slope from the stage equation itself, (Y_i - base) / (h a_ii): no extra f, and
          // exact for the converged iterate (Hairer & Wanner IV.8).
          const S inv = S(1.0 / aii) / h;
          CUBIE_UNROLL_STATES(N)
          for (int n = 0; n < N; ++n) k[i][n] = Z[n] * inv;
          if constexpr (stiffly_accurate && i == stages - 1) {
            CUBIE_UNROLL_STATES(N)
            for (int n = 0; n < N; ++n) y_new_[n] = base[n] + Z[n];
            if constexpr (carries_first_stage) k_last_ = k[i];
          }
        }
        accumulate<i>(h, k[i], y);
      });
    };
    [[maybe_unused]] const S eta_start = eta_;
    solve_stages();
    if constexpr (requires { W::kept; }) {
      // A lane whose Newton iterations failed with J from an earlier point tries once more
      // with J taken here, at the same h, before the step is rejected (Hairer & Wanner IV.8;
      // a fixed-step run would otherwise end there); the other lanes keep their results.
      const Mask retry = math::mask_and(math::mask_and(math::mask_not(converged), math::mask_not(reuse_.fresh)), factored);
      if (math::any(retry)) {
        const fixed_vector<S, N> y_first = y_new_, err_first = err_, k_last_first = k_last_;
        const S eta_first = eta_, theta_first = reuse_.theta, newton_first = newton_sum_, iters_first = iters_;
        const Mask converged_first = converged, diverged_first = diverged;
        kept_.evaluate(sys, t, y, p, retry);
        reuse_.renewed(retry);
        reuse_.take_factorization(h);
        factored_ = kept_.template factor_real<0>(sys, S(1.0 / gamma0) / h);
        factored = factored_;
        m.refresh();
        ++jacobians;
        ++factorizations;
        eta_ = math::select(retry, eta_start, eta_);
        solve_stages();
        CUBIE_UNROLL_STATES(N)
        for (int n = 0; n < N; ++n) {
          y_new_[n] = math::select(retry, y_new_[n], y_first[n]);
          err_[n] = math::select(retry, err_[n], err_first[n]);
          k_last_[n] = math::select(retry, k_last_[n], k_last_first[n]);
        }
        eta_ = math::select(retry, eta_, eta_first);
        reuse_.theta = math::select(retry, reuse_.theta, theta_first);
        newton_sum_ = math::select(retry, newton_sum_ + newton_first, newton_first);  // both attempts count
        iters_ = math::select(retry, iters_, iters_first);
        converged = math::mask_or(math::mask_and(retry, converged), math::mask_and(math::mask_not(retry), converged_first));
        diverged = math::mask_or(math::mask_and(retry, diverged), math::mask_and(math::mask_not(retry), diverged_first));
      }
    }
    // The estimate is left unfiltered: filtered through (I - h a_ss J)^-1 as RADAU5 does,
    // l_stable_sdirk_4 took 8x fewer steps on Robertson but ended 200 tolerances off on
    // HIRES (dirk_solve_test.cpp's problems, measured 2026-12-04).
    if constexpr (requires { m.solve_failed(); }) {
      // A failed linear solve is the reason where it happened (Newton stopped there).
      failure_.set_matrix_free(converged, diverged, math::mask_not(converged), tally_);
      linear_sum_ = tally_.iterations;
    } else {
      failure_.set(converged, diverged);
      linear_sum_ = newton_sum_;  // one LU solve per Newton iteration
    }
    work.jacobian_evaluations = jacobians;
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

  /// f at the start is evaluated by every step; ESDIRKs carry their last stage slope to the
  /// accepted point as the next first stage. Kept J: accepted lanes whose Newton iterations
  /// contracted slowly, and rejected lanes whose J was not taken at their start, ask for a
  /// new one.
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE void advance(const Sys& /*sys*/, mask_t<S> accepted, S /*t*/,
                                          const fixed_vector<S, N>& /*y*/, const fixed_vector<S, P>& /*p*/) {
    if constexpr (carries_first_stage) {
      CUBIE_UNROLL_STATES(N)
      for (int n = 0; n < N; ++n) k_first_[n] = math::select(accepted, k_last_[n], k_first_[n]);
    }
    reuse_.advance(accepted, keep_jacobian_theta);
  }

  /// After an event moved lanes to (t, y): their first stage is f there; the other lanes
  /// keep theirs.
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE void restart(const Sys& sys, mask_t<S> moved, S t, const fixed_vector<S, N>& y,
                                          const fixed_vector<S, P>& p) {
    if constexpr (carries_first_stage) {
      fixed_vector<S, N> f;
      call_rhs(sys, t, y.data(), p.data(), f.data());
      CUBIE_UNROLL_STATES(N)
      for (int n = 0; n < N; ++n) k_first_[n] = math::select(moved, f[n], k_first_[n]);
    } else {
      (void)sys, (void)t, (void)y, (void)p;  // the next step evaluates f there
    }
    reuse_.restart(moved);  // J from before the event no longer describes the run
  }

  /// A fixed step's move: every lane takes the proposal.
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE void advance_all(const Sys& /*sys*/, S /*t_next*/, fixed_vector<S, N>& y,
                                              const fixed_vector<S, P>& /*p*/) {
    y = y_new_;
    if constexpr (carries_first_stage) k_first_ = k_last_;
    reuse_.advance(Mask(true), keep_jacobian_theta);
  }

 private:
  // The kept factors as newton_stage's matrix. On the CPU it solves with a copy of them, taken
  // once they are final for the step (refresh): read in place through the stepper, the
  // compiler reloaded them around the Newton iteration's stores, and one run of HIRES (8
  // states, a cheap LU, 6-13 Newton iterations a step) took 1.11-1.17x the CPU time of the
  // every-step stepper, whose matrix is a local (bench/RESULTS.md, issue 9). A GPU thread
  // solves in place: there the stepper's arrays live in local memory, and a copy would add
  // its loads, stores and local memory.
  struct kept_solves {
    static constexpr bool kept = true;
    using storage = typename dirk_detail::kept_storage<keeps_factors, System, S, N>::type;
    const storage& m;
    CUBIE_HD CUBIE_FORCEINLINE explicit kept_solves(const storage& kept) : m(kept) {}
#if CUBIE_IS_DEVICE_PASS() || CUBIE_IS_NVRTC()
    CUBIE_HD CUBIE_FORCEINLINE void refresh() {}
    template <class Sys>
    CUBIE_HD CUBIE_FORCEINLINE void solve(const Sys& sys, fixed_vector<S, N>& x) const {
      m.template solve_real<0>(sys, x);
    }
#else
    typename storage::real_lu f;
    CUBIE_HD CUBIE_FORCEINLINE void refresh() { f = m.real[0]; }
    template <class Sys>
    CUBIE_HD CUBIE_FORCEINLINE void solve(const Sys& sys, fixed_vector<S, N>& x) const {
      storage::solve_with(sys, f, x);
    }
#endif
  };

  // Crank-Nicolson: M again for stage I's diagonal, from the copy of J (a template on the
  // stage, so that only the methods with several diagonals compile it).
  template <int I, class Sys, class W, class C>
  CUBIE_HD CUBIE_FORCEINLINE Mask refactor(const Sys& sys, W& m, const C& jacobian, S h) {
    constexpr double aii = tableau.a[I][I];
    m = jacobian;
    return m.factor(sys, S(1.0 / aii) / h);
  }

  // Folds stage I into the running solution and error sums.
  template <int I>
  CUBIE_HD CUBIE_FORCEINLINE void accumulate(S h, const fixed_vector<S, N>& ki, const fixed_vector<S, N>& y) {
    if constexpr (!stiffly_accurate) {
      if constexpr (I == 0) y_new_ = y;
      constexpr double b = tableau.b[I];
      if constexpr (b != 0.0) {
        const S hb = h * S(b);
        CUBIE_UNROLL_STATES(N)
        for (int n = 0; n < N; ++n) y_new_[n] = y_new_[n] + hb * ki[n];
      }
    }
    if constexpr (adaptive) {
      constexpr double e = tableau.e[I];
      if constexpr (I == 0) {
        CUBIE_UNROLL_STATES(N)
        for (int n = 0; n < N; ++n) err_[n] = S(0.0);
      }
      if constexpr (e != 0.0) {
        const S he = h * S(e);
        CUBIE_UNROLL_STATES(N)
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
  [[no_unique_address]] typename dirk_detail::kept_storage<keeps_factors, System, S, N>::type kept_;
  jacobian_reuse<S> reuse_;      // when the kept J and factors are taken again (newton.hpp)
  Mask factored_ = Mask(false);  // the kept factors are usable
  newton_failure<S> failure_ = newton_failure<S>::none();
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
  template <class Method, class S, int N, class Sys>
  using with_system = dirk_stepper<Method, S, N, Sys>;
};

}  // namespace cubie
