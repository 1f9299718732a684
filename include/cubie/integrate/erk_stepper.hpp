// cubie/integrate/erk_stepper.hpp
// The one generic explicit Runge-Kutta stepper, unrolled at compile time from a method's
// constexpr tableau: zero coefficients vanish, stage vectors stay in registers, and the
// solution and error sums accumulate as stages finish so each stage dies early.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/fixed_vector.hpp"
#include "../core/math.hpp"
#include "../core/scalar_traits.hpp"
#include "../core/static_for.hpp"
#include "butcher_tableau.hpp"
#include "error_norm.hpp"
#include "stepper.hpp"

// Host only (SIMD packs): from how many stages an explicit method's stage sums are loops over
// the states (erk_stepper::rolled), and the unrolling those loops get. 12: DOP853 alone.
// Vern7 (10 stages) would gain as much, but rolled its results change in the last bits (GCC
// contracts the unrolled sums into multiply-adds differently), so its bit-identity
// references would have to be recorded again; DOP853's stay the same.
#ifndef CUBIE_ERK_ROLLED_STAGES
#define CUBIE_ERK_ROLLED_STAGES 12
#endif
#ifndef CUBIE_ERK_ROLLED_LOOP
#if defined(__CUDACC__) || defined(__CUDACC_RTC__)
#define CUBIE_ERK_ROLLED_LOOP
#else
#define CUBIE_ERK_ROLLED_LOOP _Pragma("GCC unroll 1")
#endif
#endif

namespace cubie {

/// @brief Explicit Runge-Kutta steps of `Method` on N states in arithmetic S.
/// Per-run state: f at the current point (the first stage of the next step), the trial
/// solution, its error estimates and, for first-same-as-last methods, f at the trial point.
/// StiffnessEstimate (algorithm = "auto", auto_switch_stepper.hpp) keeps what Hairer's
/// stiffness test needs: the last two stages share c = 1, so ||k_s - k_(s-1)|| /
/// ||Y_s - Y_(s-1)|| estimates |lambda| of the dominant mode (DOPRI5's test, Hairer &
/// Wanner IV.2); off, it costs nothing.
template <class Method, class S, int N, bool StiffnessEstimate = false>
class erk_stepper {
 public:
  static constexpr auto tableau = Method::tableau;
  static constexpr int stages = decltype(tableau)::stages;
  static constexpr bool fsal = is_first_same_as_last(tableau);
  static constexpr bool adaptive = tableau.estimate != error_estimate_kind::none;
  static constexpr bool two_estimates = tableau.estimate == error_estimate_kind::dop853;
  static constexpr int order = tableau.order;
  static constexpr int error_order = tableau.error_order;
  using work_type = no_step_work;
  // Host SIMD packs of a many-stage method (DOP853, Vern7): the stage sums run as loops over
  // the states instead of unrolled copies. Their stage vectors live in memory either way
  // (12 stages of 28 packs is 336 vector registers' worth), and the unrolled copies were
  // most of the model compile time; the GPU keeps every loop unrolled (registers).
  static constexpr bool rolled = scalar_traits<S>::lanes > 1 && stages >= CUBIE_ERK_ROLLED_STAGES;
  static_assert(!StiffnessEstimate || (fsal && tableau.c[stages - 2] == 1.0 && tableau.c[stages - 1] == 1.0),
                "the stiffness estimate needs a first-same-as-last method whose last two stages sit at c = 1");

  /// f(t, y) at the starting point.
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE void start(const Sys& sys, S t, const fixed_vector<S, N>& y,
                                        const fixed_vector<S, P>& p) {
    sys.rhs(t, y.data(), p.data(), k0_.data());
  }

  /// f at the current point: after start(), and after each step of a first-same-as-last
  /// method (the others evaluate it at the start of their next step).
  CUBIE_HD CUBIE_FORCEINLINE const fixed_vector<S, N>& slope() const { return k0_; }

  /// One trial step of size h from (t, y): the proposal, its error estimate and, for
  /// first-same-as-last methods, f at the proposal. Explicit steps always succeed.
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE step_outcome<S> step(const Sys& sys, S t, S h, const fixed_vector<S, N>& y,
                                                  const fixed_vector<S, P>& p, work_type& /*work*/) {
    // The first stage: first-same-as-last methods carry it from the last step; others
    // evaluate it here, at each lane's own point (a rejected lane's is the one it retries
    // from), rather than after the previous step, which keeps the compiled step loop tight.
    if constexpr (!fsal) sys.rhs(t, y.data(), p.data(), k0_.data());
    fixed_vector<S, N> k[stages];
    k[0] = k0_;
    accumulate<0>(h, k[0], y);
    static_for<1, stages>([&](auto stage) CUBIE_INLINE_LAMBDA {
      constexpr int i = decltype(stage)::value;
      fixed_vector<S, N> ys;
      if constexpr (rolled) {
        stage_point_rolled<i>(h, y, k, ys);
      } else {
        ys = y;
        static_for<0, i>([&](auto col) CUBIE_INLINE_LAMBDA {
          constexpr int j = decltype(col)::value;
          constexpr double a = tableau.a[i][j];
          if constexpr (a != 0.0) {
            const S ha = h * S(a);
            CUBIE_UNROLL
            for (int n = 0; n < N; ++n) ys[n] = ys[n] + ha * k[j][n];
          }
        });
      }
      constexpr double c = tableau.c[i];
      // First same as last: the last stage point is the new solution itself.
      if constexpr (fsal && i == stages - 1) y_new_ = ys;
      if constexpr (StiffnessEstimate && i == stages - 2) y_before_last_ = ys;
      sys.rhs(t + h * S(c), ys.data(), p.data(), k[i].data());
      accumulate<i>(h, k[i], y);
      if constexpr (fsal && i == stages - 1) k_last_ = k[i];
      if constexpr (StiffnessEstimate && i == stages - 1) {
        S num = S(0.0), den = S(0.0);
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) {
          const S dk = k[i][n] - k[i - 1][n];
          const S dy = ys[n] - y_before_last_[n];
          num = num + dk * dk;
          den = den + dy * dy;
        }
        stiff_num_ = num;
        stiff_den_ = den;
      }
    });
    return step_outcome<S>::succeeded();
  }

  /// The trial step's solution.
  CUBIE_HD CUBIE_FORCEINLINE const fixed_vector<S, N>& proposal() const { return y_new_; }

  /// Hairer's h |lambda| of the last trial of size h (0 where its last two stage points
  /// coincide). Only with StiffnessEstimate.
  /// The same estimate tested against `limit` squared, h^2 num > limit^2 den: no division,
  /// square root or their slow paths (47 of a float64 auto first pass's 812 step-loop
  /// instructions, offline); the switch CUBIE_STIFFNESS_SQUARED_TEST uses it (auto_switch_stepper.hpp).
  CUBIE_HD CUBIE_FORCEINLINE mask_t<S> stiffness_above(S h, S limit) const {
    static_assert(StiffnessEstimate, "erk_stepper keeps the stiffness estimate only when asked");
    return math::mask_and(stiff_den_ > S(0.0), h * h * stiff_num_ > limit * limit * stiff_den_);
  }
  CUBIE_HD CUBIE_FORCEINLINE S stiffness_h_lambda(S h) const {
    static_assert(StiffnessEstimate, "erk_stepper keeps the stiffness estimate only when asked");
    const mask_t<S> some = stiff_den_ > S(0.0);
    return math::select(some, math::abs(h) * math::sqrt(stiff_num_ / math::select(some, stiff_den_, S(1.0))), S(0.0));
  }

  /// The trial's mean-square error norm (error_norm.hpp) against tolerances per state.
  template <class V>
  CUBIE_HD CUBIE_FORCEINLINE S error_norm(const fixed_vector<S, N>& y, const V* atol, const V* rtol) const {
    return mean_square_error_norm<two_estimates>(y, y_new_, err_, err3_, atol, rtol);
  }

  /// After the loop moved the accepted lanes to (t, y): f there becomes the next first
  /// stage for first-same-as-last methods (the others evaluate it in the next step).
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE void advance(const Sys& /*sys*/, mask_t<S> accepted, S /*t*/,
                                          const fixed_vector<S, N>& /*y*/, const fixed_vector<S, P>& /*p*/) {
    if constexpr (fsal) {
      CUBIE_UNROLL
      for (int n = 0; n < N; ++n) k0_[n] = math::select(accepted, k_last_[n], k0_[n]);
    } else {
      (void)accepted;
    }
  }

  /// After an event moved the lanes in `moved` to (t, y) (a reset, or the step cut short):
  /// f there becomes their next first stage; the other lanes keep theirs.
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE void restart(const Sys& sys, mask_t<S> moved, S t, const fixed_vector<S, N>& y,
                                          const fixed_vector<S, P>& p) {
    if constexpr (fsal) {
      fixed_vector<S, N> f;
      sys.rhs(t, y.data(), p.data(), f.data());
      CUBIE_UNROLL
      for (int n = 0; n < N; ++n) k0_[n] = math::select(moved, f[n], k0_[n]);
    } else {
      (void)sys, (void)moved, (void)t, (void)y, (void)p;  // the next step evaluates f at its start
    }
  }

  /// A fixed step's move: every lane takes the proposal, reached at time t_next.
  template <class Sys, int P>
  CUBIE_HD CUBIE_FORCEINLINE void advance_all(const Sys& /*sys*/, S /*t_next*/, fixed_vector<S, N>& y,
                                              const fixed_vector<S, P>& /*p*/) {
    y = y_new_;
    if constexpr (fsal) k0_ = k_last_;
  }

 private:
  // Stage I's point, y + h sum_j a_Ij k_j, in one pass over the states: each state's sum is
  // formed in a register, in the same order as the unrolled form (same rounding).
  template <int I>
  CUBIE_FORCEINLINE void stage_point_rolled(S h, const fixed_vector<S, N>& y, const fixed_vector<S, N> (&k)[stages],
                                            fixed_vector<S, N>& ys) const {
    S ha[I];
    static_for<0, I>([&](auto col) CUBIE_INLINE_LAMBDA {
      constexpr int j = decltype(col)::value;
      constexpr double a = tableau.a[I][j];
      if constexpr (a != 0.0) ha[j] = h * S(a);
    });
    CUBIE_ERK_ROLLED_LOOP
    for (int n = 0; n < N; ++n) {
      S acc = y[n];
      static_for<0, I>([&](auto col) CUBIE_INLINE_LAMBDA {
        constexpr int j = decltype(col)::value;
        if constexpr (tableau.a[I][j] != 0.0) acc = acc + ha[j] * k[j][n];
      });
      ys[n] = acc;
    }
  }

  // Folds stage I into the running solution and error sums.
  template <int I>
  CUBIE_HD CUBIE_FORCEINLINE void accumulate(S h, const fixed_vector<S, N>& ki, const fixed_vector<S, N>& y) {
    if constexpr (rolled) {
      accumulate_rolled<I>(h, ki, y);
      return;
    }
    // First-same-as-last methods take y_new from their last stage point instead.
    constexpr double b = fsal ? 0.0 : tableau.b[I];
    if constexpr (I == 0 && !fsal) {
      CUBIE_UNROLL
      for (int n = 0; n < N; ++n) y_new_[n] = y[n];
    }
    if constexpr (b != 0.0) {
      const S hb = h * S(b);
      CUBIE_UNROLL
      for (int n = 0; n < N; ++n) y_new_[n] = y_new_[n] + hb * ki[n];
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
    if constexpr (two_estimates) {
      constexpr double e3 = tableau.e3[I];
      if constexpr (I == 0) {
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) err3_[n] = S(0.0);
      }
      if constexpr (e3 != 0.0) {
        const S he = h * S(e3);
        CUBIE_UNROLL
        for (int n = 0; n < N; ++n) err3_[n] = err3_[n] + he * ki[n];
      }
    }
  }

  // accumulate() in one pass over the states (rolled steppers); the same sums in the same order.
  template <int I>
  CUBIE_FORCEINLINE void accumulate_rolled(S h, const fixed_vector<S, N>& ki, const fixed_vector<S, N>& y) {
    constexpr double b = fsal ? 0.0 : tableau.b[I];
    constexpr double e = adaptive ? tableau.e[I] : 0.0;
    constexpr double e3 = two_estimates ? tableau.e3[I] : 0.0;
    const S hb = h * S(b), he = h * S(e), he3 = h * S(e3);
    CUBIE_ERK_ROLLED_LOOP
    for (int n = 0; n < N; ++n) {
      if constexpr (I == 0 && !fsal) y_new_[n] = y[n];
      if constexpr (b != 0.0) y_new_[n] = y_new_[n] + hb * ki[n];
      if constexpr (adaptive) {
        if constexpr (I == 0) err_[n] = S(0.0);
        if constexpr (e != 0.0) err_[n] = err_[n] + he * ki[n];
      }
      if constexpr (two_estimates) {
        if constexpr (I == 0) err3_[n] = S(0.0);
        if constexpr (e3 != 0.0) err3_[n] = err3_[n] + he3 * ki[n];
      }
    }
  }

  // State a method does not use takes no storage: the host compiler keeps a stepper's
  // vectors in registers only while the object stays small (scalar replacement of
  // aggregates has a size limit), and a SIMD pack vector is hundreds of bytes.
  // Unused vectors (err3_ but for DOP853, k_last_ for methods that are not first-same-as-
  // last) are never read and cost nothing once the step is inlined.
  fixed_vector<S, N> k0_;      // f at the current point
  fixed_vector<S, N> y_new_;   // the trial solution
  fixed_vector<S, N> err_;     // h * sum e_i k_i
  fixed_vector<S, N> err3_;    // DOP853's second estimate
  fixed_vector<S, N> k_last_;  // f at the trial point (first-same-as-last methods)
  // StiffnessEstimate only: the second-last stage point and the estimate's two sums.
  fixed_vector<S, N> y_before_last_;
  S stiff_num_ = S(0.0), stiff_den_ = S(0.0);
};

}  // namespace cubie

namespace cubie {

/// Butcher tableaus are stepped by erk_stepper.
template <int Stages>
struct stepper_family<butcher_tableau<Stages>> {
  template <class Method, class S, int N>
  using type = erk_stepper<Method, S, N>;
};

}  // namespace cubie
