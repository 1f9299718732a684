// cubie/integrate/krylov.hpp
// Matrix-free linear solvers for one run (one GPU thread, or one SIMD pack of runs): minimal
// residual, steepest descent, BiCGSTAB and restarted GMRES on A x = b, A given only as a
// product. Each lane stops as it converges or breaks down; a pack iterates while any lane
// still runs, the finished lanes' values frozen. Fixed storage, fixed iteration limits.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/fixed_vector.hpp"
#include "../core/math.hpp"
#include "../core/scalar_traits.hpp"
#include "krylov_settings.hpp"

namespace cubie {

/// How one linear solve ended, per lane.
template <class S>
struct linear_outcome {
  mask_t<S> converged;
  mask_t<S> max_iters;  // not converged within krylov_max_iters
  mask_t<S> breakdown;  // a BiCGSTAB/GMRES recurrence's denominator vanished (or went non-finite)
  S iterations;         // iterations taken (operator products, BiCGSTAB counts its two as one)
};

namespace krylov_detail {

template <class S, int N>
CUBIE_HD CUBIE_FORCEINLINE S dot(const fixed_vector<S, N>& a, const fixed_vector<S, N>& b) {
  S acc = S(0.0);
  CUBIE_KRYLOV_UNROLL(N)
  for (int n = 0; n < N; ++n) acc = acc + a[n] * b[n];
  return acc;
}

/// Root-mean-square of w .* r.
template <class S, int N>
CUBIE_HD CUBIE_FORCEINLINE S weighted_norm(const fixed_vector<S, N>& r, const fixed_vector<S, N>& w) {
  S acc = S(0.0);
  CUBIE_KRYLOV_UNROLL(N)
  for (int n = 0; n < N; ++n) {
    const S q = r[n] * w[n];
    acc = acc + q * q;
  }
  return math::sqrt(acc * S(1.0 / N));
}

/// a / b where `ok`, else 0 (no division by zero in lanes that do not use the quotient).
template <class S>
CUBIE_HD CUBIE_FORCEINLINE S safe_div(mask_t<S> ok, S a, S b) {
  return math::select(ok, a / math::select(ok, b, S(1.0)), S(0.0));
}

template <class S>
CUBIE_HD CUBIE_FORCEINLINE mask_t<S> finite_nonzero(S v) {
  return math::mask_and(v != S(0.0), (v * S(0.0)) == S(0.0));
}

/// Minimal residual (mode "mr") or steepest descent: one search direction per iteration,
/// z = P r, with the step that minimises ||r - a A z|| (mr) or makes r - a A z orthogonal to
/// z (steepest descent). A zero denominator makes no progress: the lane runs out of
/// iterations (the design's behaviour on a degenerate operator).
template <bool MinimalResidual, class S, int N, class Op, class Prec, class VS>
CUBIE_HD linear_outcome<S> one_direction(const krylov_settings<VS>& ks, const Op& op, const Prec& prec,
                                         const fixed_vector<S, N>& w, const fixed_vector<S, N>& b,
                                         fixed_vector<S, N>& x) {
  using M = mask_t<S>;
  fixed_vector<S, N> r = b, z, q;
  CUBIE_KRYLOV_UNROLL(N)
  for (int n = 0; n < N; ++n) x[n] = S(0.0);
  M converged = weighted_norm(r, w) <= S(1.0);
  M running = math::mask_not(converged);
  S iterations = S(0.0);
  for (int k = 0; k < ks.max_iters; ++k) {
    if (!math::any(running)) break;
    prec(r, z);
    op(z, q);
    const S num = MinimalResidual ? dot(q, r) : dot(z, r);
    const S den = MinimalResidual ? dot(q, q) : dot(q, z);
    const S a = safe_div(math::mask_and(running, finite_nonzero(den)), num, den);
    CUBIE_KRYLOV_UNROLL(N)
    for (int n = 0; n < N; ++n) {
      x[n] = x[n] + a * z[n];
      r[n] = r[n] - a * q[n];
    }
    iterations = math::select(running, iterations + S(1.0), iterations);
    const M conv_now = math::mask_and(running, weighted_norm(r, w) <= S(1.0));
    converged = math::mask_or(converged, conv_now);
    running = math::mask_and(running, math::mask_not(conv_now));
  }
  return {converged, running, M(false), iterations};
}

/// Right-preconditioned BiCGSTAB (van der Vorst 1992): two products per iteration, the
/// residual checked after each half.
template <class S, int N, class Op, class Prec, class VS>
CUBIE_HD linear_outcome<S> bicgstab(const krylov_settings<VS>& ks, const Op& op, const Prec& prec,
                                    const fixed_vector<S, N>& w, const fixed_vector<S, N>& b, fixed_vector<S, N>& x) {
  using M = mask_t<S>;
  fixed_vector<S, N> r = b, r0 = b, p, v, ph, sh, tv;
  CUBIE_KRYLOV_UNROLL(N)
  for (int n = 0; n < N; ++n) {
    x[n] = S(0.0);
    p[n] = S(0.0);
    v[n] = S(0.0);
  }
  M converged = weighted_norm(r, w) <= S(1.0);
  M running = math::mask_not(converged);
  M broken = M(false);
  S rho = S(1.0), alpha = S(1.0), omega = S(1.0), iterations = S(0.0);
  for (int k = 0; k < ks.max_iters; ++k) {
    if (!math::any(running)) break;
    iterations = math::select(running, iterations + S(1.0), iterations);
    const S rho_new = dot(r0, r);
    // rho_new = 0: r is orthogonal to the shadow residual, the recurrence cannot go on.
    M ok = math::mask_and(running, finite_nonzero(rho_new));
    const S beta = safe_div(ok, rho_new, rho) * safe_div(ok, alpha, omega);
    CUBIE_KRYLOV_UNROLL(N)
    for (int n = 0; n < N; ++n) p[n] = math::select(ok, r[n] + beta * (p[n] - omega * v[n]), p[n]);
    prec(p, ph);
    op(ph, v);
    const S den = dot(r0, v);
    ok = math::mask_and(ok, finite_nonzero(den));
    broken = math::mask_or(broken, math::mask_and(running, math::mask_not(ok)));
    running = ok;
    alpha = math::select(ok, safe_div(ok, rho_new, den), alpha);
    const S a = math::select(ok, alpha, S(0.0));
    fixed_vector<S, N> s;
    CUBIE_KRYLOV_UNROLL(N)
    for (int n = 0; n < N; ++n) {
      x[n] = x[n] + a * ph[n];
      s[n] = r[n] - a * v[n];
    }
    const M half = math::mask_and(running, weighted_norm(s, w) <= S(1.0));
    converged = math::mask_or(converged, half);
    running = math::mask_and(running, math::mask_not(half));
    CUBIE_KRYLOV_UNROLL(N)
    for (int n = 0; n < N; ++n) r[n] = math::select(half, s[n], r[n]);
    if (!math::any(running)) break;
    prec(s, sh);
    op(sh, tv);
    const S tt = dot(tv, tv);
    const S ts = dot(tv, s);
    M ok2 = math::mask_and(running, finite_nonzero(tt));
    const S om = safe_div(ok2, ts, tt);
    ok2 = math::mask_and(ok2, finite_nonzero(om));
    broken = math::mask_or(broken, math::mask_and(running, math::mask_not(ok2)));
    running = ok2;
    omega = math::select(ok2, om, omega);
    rho = math::select(ok2, rho_new, rho);
    const S o = math::select(ok2, om, S(0.0));
    CUBIE_KRYLOV_UNROLL(N)
    for (int n = 0; n < N; ++n) {
      x[n] = x[n] + o * sh[n];
      r[n] = math::select(ok2, s[n] - o * tv[n], r[n]);
    }
    const M conv = math::mask_and(running, weighted_norm(r, w) <= S(1.0));
    converged = math::mask_or(converged, conv);
    running = math::mask_and(running, math::mask_not(conv));
  }
  return {converged, running, broken, iterations};
}

/// Restarted GMRES(m), right-preconditioned, Givens rotations (Saad & Schultz 1986). A lane
/// that converges inside a cycle keeps its length there; the others go on, and every lane's
/// correction is formed at the cycle's end from its own length.
template <class S, int N, class Op, class Prec, class VS>
CUBIE_HD linear_outcome<S> gmres(const krylov_settings<VS>& ks, const Op& op, const Prec& prec,
                                 const fixed_vector<S, N>& w, const fixed_vector<S, N>& b, fixed_vector<S, N>& x) {
  using M = mask_t<S>;
  constexpr int m = gmres_restart < N ? gmres_restart : N;
  fixed_vector<S, N> r = b;
  CUBIE_KRYLOV_UNROLL(N)
  for (int n = 0; n < N; ++n) x[n] = S(0.0);
  M converged = weighted_norm(r, w) <= S(1.0);
  M running = math::mask_not(converged);
  M broken = M(false);
  S iterations = S(0.0);
  S wmax = S(0.0);
  CUBIE_KRYLOV_UNROLL(N)
  for (int n = 0; n < N; ++n) wmax = math::max(wmax, w[n]);
  const S sqrt_n = math::sqrt(S(double(N)));
  int spent = 0;
  while (spent < ks.max_iters && math::any(running)) {
    fixed_vector<S, N> V[m + 1];
    S H[m + 1][m];  // Hessenberg, rotated into R in place
    S cs[m], sn[m], g[m + 1];
    const S beta = math::sqrt(dot(r, r));
    const S inv = safe_div(math::mask_and(running, finite_nonzero(beta)), S(1.0), beta);
    CUBIE_KRYLOV_UNROLL(N)
    for (int n = 0; n < N; ++n) V[0][n] = r[n] * inv;
    g[0] = beta;
    S length = S(0.0);  // columns used per lane in this cycle
    M in_cycle = running;
    int j = 0;
    for (; j < m && spent < ks.max_iters; ++j, ++spent) {
      if (!math::any(in_cycle)) break;
      fixed_vector<S, N> z, u;
      prec(V[j], z);
      op(z, u);
      for (int i = 0; i <= j; ++i) {  // modified Gram-Schmidt
        H[i][j] = dot(u, V[i]);
        CUBIE_KRYLOV_UNROLL(N)
        for (int n = 0; n < N; ++n) u[n] = u[n] - H[i][j] * V[i][n];
      }
      H[j + 1][j] = math::sqrt(dot(u, u));
      const S inv_h = safe_div(finite_nonzero(H[j + 1][j]), S(1.0), H[j + 1][j]);
      CUBIE_KRYLOV_UNROLL(N)
      for (int n = 0; n < N; ++n) V[j + 1][n] = u[n] * inv_h;
      for (int i = 0; i < j; ++i) {
        const S a = H[i][j], c = H[i + 1][j];
        H[i][j] = cs[i] * a + sn[i] * c;
        H[i + 1][j] = cs[i] * c - sn[i] * a;
      }
      const S rad = math::sqrt(H[j][j] * H[j][j] + H[j + 1][j] * H[j + 1][j]);
      const M rok = finite_nonzero(rad);
      // A zero column (A z = 0): the lane cannot continue this cycle.
      broken = math::mask_or(broken, math::mask_and(in_cycle, math::mask_not(rok)));
      in_cycle = math::mask_and(in_cycle, rok);
      running = math::mask_and(running, math::mask_not(broken));
      cs[j] = math::select(rok, safe_div(rok, H[j][j], rad), S(1.0));
      sn[j] = safe_div(rok, H[j + 1][j], rad);
      H[j][j] = math::select(rok, rad, S(1.0));
      H[j + 1][j] = S(0.0);
      g[j + 1] = -sn[j] * g[j];
      g[j] = cs[j] * g[j];
      length = math::select(in_cycle, S(double(j + 1)), length);
      iterations = math::select(in_cycle, iterations + S(1.0), iterations);
      // |g[j+1]| is the residual's 2-norm; ||w r||_rms <= max(w) |g| / sqrt(N) bounds the
      // weighted norm (the true residual confirms it after the update).
      const M est = math::mask_and(in_cycle, math::abs(g[j + 1]) * wmax <= sqrt_n);
      in_cycle = math::mask_and(in_cycle, math::mask_not(est));
    }
    // y = R^-1 g over each lane's own length.
    S yv[m];
    for (int i = m - 1; i >= 0; --i) {
      if (i >= j) {
        yv[i] = S(0.0);
        continue;
      }
      S acc = g[i];
      for (int k = i + 1; k < j; ++k) acc = acc - H[i][k] * yv[k];
      const M use = S(double(i)) < length;
      yv[i] = safe_div(math::mask_and(use, finite_nonzero(H[i][i])), acc, H[i][i]);
    }
    fixed_vector<S, N> vy, dx;
    CUBIE_KRYLOV_UNROLL(N)
    for (int n = 0; n < N; ++n) vy[n] = S(0.0);
    for (int i = 0; i < j; ++i) {
      CUBIE_KRYLOV_UNROLL(N)
      for (int n = 0; n < N; ++n) vy[n] = vy[n] + yv[i] * V[i][n];
    }
    prec(vy, dx);
    CUBIE_KRYLOV_UNROLL(N)
    for (int n = 0; n < N; ++n) x[n] = math::select(running, x[n] + dx[n], x[n]);
    // The true residual for the restart and the convergence test.
    fixed_vector<S, N> ax;
    op(x, ax);
    CUBIE_KRYLOV_UNROLL(N)
    for (int n = 0; n < N; ++n) r[n] = math::select(running, b[n] - ax[n], r[n]);
    const M conv = math::mask_and(running, weighted_norm(r, w) <= S(1.0));
    converged = math::mask_or(converged, conv);
    running = math::mask_and(running, math::mask_not(conv));
  }
  return {converged, math::mask_and(running, math::mask_not(broken)), broken, iterations};
}

}  // namespace krylov_detail

/// Solves A x = b from x = 0 with the solver `ks.solver` (not direct). op(v, out): out = A v;
/// prec(r, z): z = P r, the right preconditioner (A P u = b, x = P u). `w`: the weights of the
/// convergence test, ||b - A x||_w <= 1 (root mean square).
template <class S, int N, class Op, class Prec, class VS>
CUBIE_HD linear_outcome<S> krylov_solve(const krylov_settings<VS>& ks, const Op& op, const Prec& prec,
                                        const fixed_vector<S, N>& w, const fixed_vector<S, N>& b,
                                        fixed_vector<S, N>& x) {
  switch (ks.solver) {
    case linear_solver_kind::steepest_descent: return krylov_detail::one_direction<false>(ks, op, prec, w, b, x);
    case linear_solver_kind::bicgstab: return krylov_detail::bicgstab(ks, op, prec, w, b, x);
    case linear_solver_kind::gmres: return krylov_detail::gmres(ks, op, prec, w, b, x);
    default: return krylov_detail::one_direction<true>(ks, op, prec, w, b, x);
  }
}

}  // namespace cubie
