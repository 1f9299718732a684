// cubie/integrate/rosenbrock_stepper.hpp
// The one generic Rosenbrock stepper, unrolled at compile time from a method's constexpr
// rosenbrock_tableau: per step one Jacobian (and df/dt) at the step's start, one
// factorisation of M = I/(h gamma) - J, then one f and one solve per stage; zero
// coefficients vanish and stages that share a point share their f.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/fixed_vector.hpp"
#include "../core/math.hpp"
#include "../core/static_for.hpp"
#include "error_norm.hpp"
#include "iteration_counters.hpp"
#include "jacobian.hpp"
#include "rosenbrock_tableau.hpp"
#include "shared_factor_slices.hpp"
#include "stepper.hpp"

/// CUBIE_ROSENBROCK_POINT_CHAIN (a compile definition, e.g. an NVRTC option): 1, the default,
/// forms a stage point that is the previous one plus its increment from that point (N
/// additions instead of i vectors of products), the solution of stiffly accurate methods as the
/// last point plus its increment (no running sum of b_i u_i) and an error estimate that is one
/// increment as that increment (Rodas5P: 285 fewer fp64 operations per step on 15 states);
/// 0 sums every point, solution and error from the increments (the earlier build, for
/// bench/gpu/ring_f64_session.sh). Rounding differs by ulps, on every backend alike.
#ifndef CUBIE_ROSENBROCK_POINT_CHAIN
#define CUBIE_ROSENBROCK_POINT_CHAIN 1
#endif

/// CUBIE_FUSED_JACOBIAN (a compile definition): 1 (the default in device code) starts a step
/// with the generated rhs_jacobian_sparse (f, J and df/dt in one body that shares their
/// subexpressions) where the system has it and the method does not carry f over; 0 (the
/// default on the host, where f must round as the model's rhs) calls jacobian_sparse,
/// time_derivative and rhs apart.
#ifndef CUBIE_FUSED_JACOBIAN
#define CUBIE_FUSED_JACOBIAN (CUBIE_IS_DEVICE_PASS() || CUBIE_IS_NVRTC())
#endif

/// CUBIE_FAST_NORM_RECIPROCAL (a compile definition): the error norm's scales by the
/// branch-free reciprocal on GPUs (default: as CUBIE_FAST_RECIPROCAL); 0 divides there while
/// the LU pivots keep CUBIE_FAST_RECIPROCAL's choice (bench/gpu/ring_f64_session.sh).
#ifndef CUBIE_FAST_NORM_RECIPROCAL
#define CUBIE_FAST_NORM_RECIPROCAL CUBIE_FAST_RECIPROCAL
#endif

/// CUBIE_STAGE_TIME_TERMS (a compile definition): for generated models whose f calls functions
/// of t alone (n_time_terms, time_terms, rhs_with_time_terms: codegen.cpp; the ring
/// modulator's sin(w1 t) and sin(w2 t)), 1 evaluates those terms at every distinct stage time
/// of a step together at the step's start, where they are independent of each other and of the
/// stages, and each stage's f reads them; 2 evaluates them at each distinct time just before
/// the first stage there, so stages at one time share them (Rodas5P: 5 times for 7 f); 0 calls
/// rhs at every stage. The values are rhs's, bit for bit: only where and how often they are
/// computed changes. Undefined (-1), the stepper chooses: 2 on the host; on GPUs 2 where the
/// per-run state fits the registers (the estimate of spills_factors below at most 384: the ring
/// modulator in float32, 9,982 -> 8,815 cycles of one warp's step offline) and 0 above (the ring
/// in float64, 255 registers: the two terms kept over stages 5 to 7 doubled its spills, 1.7 ->
/// 3.9 KB of local traffic per step; bench/RESULTS.md, issue 8, branch ring-sines).
#ifndef CUBIE_STAGE_TIME_TERMS
#define CUBIE_STAGE_TIME_TERMS -1
#endif

namespace cubie {

/// Implicit work of one step, the same for every lane of a pack (what the step did, not
/// a running total: the loop may accumulate it per run).
struct rosenbrock_work {
  int jacobian_evaluations = 0;
  int factorizations = 0;
  int linear_solves = 0;
  int rhs_evaluations = 0;  // f alone (the Jacobian's evaluation, which gives f with dual numbers, not counted)
};

/// @brief Rosenbrock steps of `Method` on N states in arithmetic S.
/// Per-run state: f at the current point, the trial solution and its error estimate, and
/// for methods whose last stage sits at the new solution, f there (the next step's f).
template <class Method, class S, int N>
class rosenbrock_stepper {
 public:
  static constexpr auto tableau = Method::tableau;
  static constexpr int stages = decltype(tableau)::stages;
  static constexpr bool adaptive = has_error_estimate(tableau);
  static constexpr int order = tableau.order;
  static constexpr int error_order = tableau.error_order;
  static constexpr bool last_stage_at_solution = is_first_same_as_last(tableau);
  using work_type = rosenbrock_work;
  static_assert(first_stage_at_start(tableau), "the first stage must sit at the step's start (t, y)");
  static_assert(!last_stage_at_solution || stage_point_source(tableau, stages - 1) < 0,
                "a last stage at the new solution must evaluate f there itself");
  static_assert(reused_stage_points(tableau) <= 1, "one stage point (besides the start) may be shared");
  // The point chain (CUBIE_ROSENBROCK_POINT_CHAIN above).
  static constexpr bool chain_points = CUBIE_ROSENBROCK_POINT_CHAIN != 0;
  static constexpr bool chain_solution = chain_points && !last_stage_at_solution && solution_follows_last(tableau);
  static constexpr int error_stage = chain_points ? error_is_one_stage(tableau) : -1;

  /// f(t, y) at the starting point (the initial step size estimate reads it).
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE void start(const Sys& sys, S t, const fixed_vector<S, N>& y,
                                        const fixed_vector<S, P>& p) {
    sys.rhs(t, y.data(), p.data(), f0_.data());
  }

  /// f at the current point: after start(), and after each step whose f comes along.
  CUBIE_HD CUBIE_FORCEINLINE const fixed_vector<S, N>& slope() const { return f0_; }

  /// One trial step of size h from (t, y). Not ok (and singular) where M could not be
  /// factorised: those runs stop with status_singular_matrix.
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE step_outcome<S> step(const Sys& sys, S t, S h, const fixed_vector<S, N>& y,
                                                  const fixed_vector<S, P>& p, work_type& work) {
    using W = iteration_matrix<Sys, S>;
    static_assert(W::N == N, "the stepper's state count must match the system's");
    // f at (t, y) comes with the Jacobian (dual numbers), from the last stage of the previous
    // step (methods whose last stage is the new solution), or from one evaluation here.
    constexpr bool carry_f = last_stage_at_solution && !W::gives_f;
    // Terms of t alone at the stage times (CUBIE_STAGE_TIME_TERMS above).
    constexpr int K = time_term_count<Sys>();
    constexpr int T = stage_time_count(tableau);
    constexpr bool early_terms = K > 0 && stage_time_terms<Sys>() == 1;
    [[maybe_unused]] S tt[T > 0 && K > 0 ? T : 1][K > 0 ? K : 1];
    if constexpr (early_terms) {
      static_for<0, T>([&](auto slot) CUBIE_INLINE_LAMBDA {
        constexpr double c = tableau.c[stage_time_stage(tableau, decltype(slot)::value)];
        sys.time_terms(t + h * S(c), y.data(), p.data(), tt[decltype(slot)::value]);
      });
    }
    W m;
    fixed_vector<S, N> ft;
    int rhs_count = 0;
    constexpr bool fused = CUBIE_FUSED_JACOBIAN && W::source == jacobian_source::sparse && !carry_f &&
                           requires(const Sys& s_, S t_, const S* y_, S* f_) {
                             s_.rhs_jacobian_sparse(t_, y_, y_, f_, f_, f_);
                           };
    if constexpr (fused) {
      m.evaluate_with_f(sys, t, y, p, f0_, ft);
      ++rhs_count;  // the same f as the separate call, counted alike on every backend
    } else {
      m.evaluate(sys, t, y, p, f0_, ft);
      if constexpr (!W::gives_f && !carry_f) {
        sys.rhs(t, y.data(), p.data(), f0_.data());
        ++rhs_count;
      }
    }
    const S inv_h = S(1.0) / h;
    const mask_t<S> ok = m.factor(sys, inv_h * S(1.0 / tableau.gamma));
#if CUBIE_IS_DEVICE_PASS() || CUBIE_IS_NVRTC()
    // Kernels that spill keep the first factor values in shared memory (shared_factor_slices.hpp);
    // each solve gathers them, and the fences keep them from living on in registers.
    constexpr int KS = shared_factor_values<Sys>();
    constexpr int KT = shared_factor_threads<Sys>();  // the kernel's block (integrate_kernel.cuh)
    constexpr int KW = shared_lu_group;
    using factors_t = split_factors<S, shared_factors_of<Sys>(), KS, KT, KW>;
    [[maybe_unused]] factors_t lu;
    if constexpr (KS > 0) {
      static_assert(shared_slice_elements<KS, KT, KW>() * int(sizeof(S)) <= shared_slice_block_bytes,
                    "the factor slices must fit the static shared memory of a block");
      __shared__ alignas(KW * sizeof(S)) S slices[shared_slice_elements<KS, KT, KW>()];
      lu.slice = slices + KW * threadIdx.x;
      lu.keep(m.sparse_factors());
      compiler_memory_fence();
    }
#endif

    fixed_vector<S, N> u[stages];  // the stage increments
    [[maybe_unused]] fixed_vector<S, N> y_prev;  // the last stage point that a later point or y_1 follows
    static_for<0, stages>([&](auto stage) CUBIE_INLINE_LAMBDA {
      constexpr int i = decltype(stage)::value;
      constexpr int source = i == 0 ? 0 : stage_point_source(tableau, i);
      fixed_vector<S, N>& r = u[i];
      if constexpr (source == 0) {
        r = f0_;
      } else if constexpr (source > 0) {
        r = f_shared_;
      } else {
        fixed_vector<S, N> yi;
        if constexpr (chain_points && point_follows_previous(tableau, i)) {
          CUBIE_UNROLL
          for (int n = 0; n < N; ++n) yi[n] = y_prev[n] + u[i - 1][n];
        } else {
          yi = y;
          static_for<0, i>([&](auto col) CUBIE_INLINE_LAMBDA {
            constexpr int j = decltype(col)::value;
            constexpr double a = tableau.a[i][j];
            if constexpr (a != 0.0) {
              CUBIE_UNROLL
              for (int n = 0; n < N; ++n) yi[n] = yi[n] + S(a) * u[j][n];
            }
          });
        }
        if constexpr (chain_points &&
                      (point_follows_previous(tableau, i + 1) || (chain_solution && i == stages - 1))) {
          y_prev = yi;
        }
        constexpr double c = tableau.c[i];
        if constexpr (K > 0) {
          constexpr int slot = stage_time_slot(tableau, i);
          if constexpr (!early_terms && stage_time_is_new(tableau, i))
            sys.time_terms(t + h * S(c), yi.data(), p.data(), tt[slot]);
          sys.rhs_with_time_terms(t + h * S(c), yi.data(), p.data(), tt[slot], r.data());
        } else {
          sys.rhs(t + h * S(c), yi.data(), p.data(), r.data());
        }
        ++rhs_count;
        if constexpr (stage_point_reused(tableau, i)) f_shared_ = r;
        if constexpr (last_stage_at_solution && i == stages - 1) y_new_ = yi;  // the point is y_1
        if constexpr (carry_f && i == stages - 1) f_last_ = r;
      }
      static_for<0, i>([&](auto col) CUBIE_INLINE_LAMBDA {
        constexpr int j = decltype(col)::value;
        constexpr double cij = tableau.C[i][j];
        if constexpr (cij != 0.0) {
          const S w = S(cij) * inv_h;
          CUBIE_UNROLL
          for (int n = 0; n < N; ++n) r[n] = r[n] + w * u[j][n];
        }
      });
      constexpr double d = tableau.d[i];
      if constexpr (d != 0.0 && !W::autonomous) {
        const S hd = h * S(d);
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) r[n] = r[n] + hd * ft[n];
      }
#if CUBIE_IS_DEVICE_PASS() || CUBIE_IS_NVRTC()
      if constexpr (KS > 0) {
        S f[shared_factors_of<Sys>()];
        lu.fetch(f);
        sys.solve_factored(f, r.data());
        compiler_memory_fence();
      } else {
        m.solve(sys, r);
      }
#else
      m.solve(sys, r);
#endif
      accumulate<i>(r, y);
    });
    if constexpr (chain_solution) {
      CUBIE_UNROLL
      for (int n = 0; n < N; ++n) y_new_[n] = y_prev[n] + u[stages - 1][n];
    }
    work.jacobian_evaluations = 1;
    work.factorizations = 1;
    work.linear_solves = stages;
    work.rhs_evaluations = rhs_count;
    return step_outcome<S>{ok, math::mask_not(ok)};
  }

  /// The trial step's solution.
  CUBIE_HD CUBIE_FORCEINLINE const fixed_vector<S, N>& proposal() const { return y_new_; }

  /// iteration_counters: no Newton iterations; one direct linear solve per stage.
  static constexpr iteration_counts<double> iterations_per_trial{0.0, double(stages)};

  /// The trial's mean-square error norm against tolerances per state.
  template <class V>
  CUBIE_HD CUBIE_FORCEINLINE S error_norm(const fixed_vector<S, N>& y, const V* atol, const V* rtol) const {
    // On GPUs the scales' reciprocals skip the division's slow-path branch (core/math.hpp
    // CUBIE_FAST_RECIPROCAL); the host divides, as before.
#if (CUBIE_IS_DEVICE_PASS() || CUBIE_IS_NVRTC()) && CUBIE_FAST_NORM_RECIPROCAL
    return mean_square_error_norm<false, true>(y, y_new_, err_, err_, atol, rtol);
#else
    return mean_square_error_norm<false>(y, y_new_, err_, err_, atol, rtol);
#endif
  }

  /// After the loop moved the accepted lanes to (t, y): their f is the last stage's when it
  /// was carried; otherwise the next step evaluates it.
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE void advance(const Sys& /*sys*/, mask_t<S> accepted, S /*t*/,
                                          const fixed_vector<S, N>& /*y*/, const fixed_vector<S, P>& /*p*/) {
    if constexpr (carries_f<Sys>()) {
      CUBIE_UNROLL
      for (int n = 0; n < N; ++n) f0_[n] = math::select(accepted, f_last_[n], f0_[n]);
    } else {
      (void)accepted;
    }
  }

  /// After an event moved the lanes in `moved` to (t, y) (a reset, or the step cut short), or
  /// they landed on a driver sample: a carried f (the last stage's) is stale there, so those
  /// lanes evaluate f at the new point; the other lanes keep theirs. Methods that do not carry
  /// f evaluate it (with the Jacobian) at the next step's start anyway.
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE void restart(const Sys& sys, mask_t<S> moved, S t, const fixed_vector<S, N>& y,
                                          const fixed_vector<S, P>& p) {
    if constexpr (carries_f<Sys>()) {
      fixed_vector<S, N> f;
      sys.rhs(t, y.data(), p.data(), f.data());
      CUBIE_UNROLL
      for (int n = 0; n < N; ++n) f0_[n] = math::select(moved, f[n], f0_[n]);
    } else {
      (void)sys, (void)moved, (void)t, (void)y, (void)p;
    }
  }

  /// A fixed step's move: every lane takes the proposal, reached at time t_next.
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE void advance_all(const Sys& /*sys*/, S /*t_next*/, fixed_vector<S, N>& y,
                                              const fixed_vector<S, P>& /*p*/) {
    y = y_new_;
    if constexpr (carries_f<Sys>()) f0_ = f_last_;
  }

  /// Threads per block the kernel is built for (public: integrate_kernel.cuh's
  /// kernel_block_threads reads it): a smaller block where the factor values do not fit the
  /// default one's static shared memory (shared_lu_threads), shared_slice_threads elsewhere.
  template <class Sys>
  static constexpr int shared_factor_threads() {
    if constexpr (!spills_factors<Sys>()) return shared_slice_threads;
    else return shared_lu_threads<S, Sys::sparse_nnz>();
  }

 private:
  template <class Sys>
  static constexpr int shared_factors_of() {
    if constexpr (jacobian_source_of<Sys, S>() == jacobian_source::sparse) return Sys::sparse_nnz;
    else return 1;
  }
  /// Factor values kept in shared memory on the GPU: only for generated sparse LUs in kernels
  /// whose per-run state (the estimate of integrate_kernel.cuh's kernel_min_blocks: stage
  /// vectors, six more vectors and the factors, in 32-bit registers) lies in (384, 640], where
  /// ptxas spills chiefly the factors (the ring modulator in float64: 554; 4.3 of 5.9 KB of
  /// local traffic per step were factor loads). Below, the factors stay in registers (the ring
  /// modulator in float32: 277, a 32-byte stack; shared copies only added 10% instructions);
  /// above, everything spills and the factors are a small part of it (POLLU in float64: 748;
  /// 10.5 KB of local traffic per step became 12.1 KB). Measured offline with
  /// bench/gpu/stiff_kernel_report.sh (bench/RESULTS.md, issue 8). 0 elsewhere.
  template <class Sys>
  static constexpr bool spills_factors() {
    // jacobian_source_of, not iteration_matrix: asking the block size of a kernel for a system
    // without a Jacobian must not instantiate the matrix (whose static_assert would fire).
    if constexpr (jacobian_source_of<Sys, S>() != jacobian_source::sparse) return false;
    else return per_run_registers<Sys>() > 384 && per_run_registers<Sys>() <= 640;
  }
  // 32-bit registers a run's state would take (stage vectors, six more vectors, the sparse
  // factors, or N^2 dense ones): the estimate of integrate_kernel.cuh's kernel_min_blocks.
  template <class Sys>
  static constexpr int per_run_registers() {
    if constexpr (jacobian_source_of<Sys, S>() == jacobian_source::sparse)
      return ((stages + 6) * N + Sys::sparse_nnz) * int(sizeof(S) / 4);
    else return ((stages + 6) * N + N * N) * int(sizeof(S) / 4);
  }
  template <class Sys>
  static constexpr int shared_factor_values() {
    if constexpr (!spills_factors<Sys>()) return 0;
    else return shared_lu_values<S, Sys::sparse_nnz, shared_factor_threads<Sys>()>();
  }
  // Where the stages' terms of t alone are computed (CUBIE_STAGE_TIME_TERMS): 0 none, 1 at the
  // step's start, 2 before each distinct time's first stage.
  template <class Sys>
  static constexpr int stage_time_terms() {
    if constexpr (CUBIE_STAGE_TIME_TERMS >= 0) {
      return CUBIE_STAGE_TIME_TERMS;
    } else {
#if CUBIE_IS_DEVICE_PASS() || CUBIE_IS_NVRTC()
      return per_run_registers<Sys>() <= 384 ? 2 : 0;
#else
      return 2;
#endif
    }
  }
  // Terms of t alone the stages' f take precomputed: the generated model's n_time_terms, 0 for
  // systems without them or where stage_time_terms() is 0.
  template <class Sys>
  static constexpr int time_term_count() {
    if constexpr (requires(const Sys& s_, S t_, const S* y_, S* f_) {
                    Sys::n_time_terms;
                    s_.time_terms(t_, y_, y_, f_);
                    s_.rhs_with_time_terms(t_, y_, y_, y_, f_);
                  }) {
      return stage_time_terms<Sys>() == 0 ? 0 : Sys::n_time_terms;
    } else {
      return 0;
    }
  }
  template <class Sys>
  static constexpr bool carries_f() {
    return last_stage_at_solution && !iteration_matrix<Sys, S>::gives_f;
  }

  // Folds stage I into the running solution and error sums, so a stage dies at its last use.
  template <int I>
  CUBIE_HD CUBIE_FORCEINLINE void accumulate(const fixed_vector<S, N>& ui, const fixed_vector<S, N>& y) {
    // Methods whose last stage sits at the new solution took y_1 from that stage's point;
    // with chain_solution y_1 is the last point plus its increment (step()).
    if constexpr (!last_stage_at_solution && !chain_solution) {
      if constexpr (I == 0) y_new_ = y;
      constexpr double b = tableau.b[I];
      if constexpr (b != 0.0) {
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) y_new_[n] = y_new_[n] + S(b) * ui[n];
      }
    }
    if constexpr (adaptive && error_stage >= 0) {
      if constexpr (I == error_stage) err_ = ui;
    } else if constexpr (adaptive) {
      constexpr double e = tableau.e[I];
      if constexpr (I == 0) {
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) err_[n] = S(0.0);
      }
      if constexpr (e != 0.0) {
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) err_[n] = err_[n] + S(e) * ui[n];
      }
    }
  }

  fixed_vector<S, N> f0_;      // f at the current point
  fixed_vector<S, N> y_new_;   // the trial solution
  fixed_vector<S, N> err_;     // sum e_i u_i
  fixed_vector<S, N> f_last_;  // f at the trial solution (methods whose last stage sits there)
  // f at a stage point a later stage shares (Rodas3P's stages 4 and 5); a member rather than a
  // local so compilers see it set before use. Unused by the other methods, it costs nothing
  // once the step is inlined.
  fixed_vector<S, N> f_shared_;
};

}  // namespace cubie

namespace cubie {

/// Rosenbrock tableaus are stepped by rosenbrock_stepper.
template <int Stages>
struct stepper_family<rosenbrock_tableau<Stages>> {
  template <class Method, class S, int N>
  using type = rosenbrock_stepper<Method, S, N>;
};

}  // namespace cubie
