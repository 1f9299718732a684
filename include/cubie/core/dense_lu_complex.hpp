// cubie/core/dense_lu_complex.hpp
// LU with partial pivoting of a small dense complex N x N matrix (c I - J with a complex shift c,
// the Radau IIA iteration matrix of a complex eigenvalue pair), held as split real and
// imaginary arrays: no std::complex, so NVRTC and SIMD packs take it as dense_lu.hpp's real one.
//
// The same LINPACK order as dense_lu.hpp (swap k applied just before eliminating column k);
// the pivot is the entry of largest |re| + |im| (LINPACK's cabs1 for zgefa), per lane.
#pragma once
#include "execution_space.hpp"
#include "math.hpp"
#include "scalar_traits.hpp"

namespace cubie {

template <class S, int N>
struct dense_lu_complex {
  static_assert(N >= 1, "dense_lu_complex needs at least one row");
  S re[N * N];       // row-major; after factor(): U and L's multipliers, as in dense_lu
  S im[N * N];
  S inv_re[N];       // 1 / U[k][k]
  S inv_im[N];
  S pivot_row[N];    // the row swapped with row k at step k, as a number (lanes compare it)

  /// (re, im) <- (cr + i ci) I - J, J real and row-major, then factor().
  CUBIE_HD CUBIE_FORCEINLINE mask_t<S> factor_shifted(S cr, S ci, const S* J) {
    CUBIE_UNROLL
    for (int i = 0; i < N; ++i) {
      CUBIE_UNROLL
      for (int j = 0; j < N; ++j) {
        re[i * N + j] = (i == j) ? cr - J[i * N + j] : -J[i * N + j];
        im[i * N + j] = (i == j) ? ci : S(0.0);
      }
    }
    return factor();
  }

  /// Factors (re, im) in place. Returns the lanes whose every pivot was finite and nonzero
  /// (with a finite reciprocal).
  CUBIE_HD CUBIE_FORCEINLINE mask_t<S> factor() {
    mask_t<S> ok = mask_t<S>(true);
    CUBIE_UNROLL
    for (int k = 0; k < N; ++k) {
      S best = math::abs(re[k * N + k]) + math::abs(im[k * N + k]);
      S row = S(double(k));
      CUBIE_UNROLL
      for (int i = k + 1; i < N; ++i) {
        const S m = math::abs(re[i * N + k]) + math::abs(im[i * N + k]);
        const mask_t<S> larger = m > best;
        best = math::select(larger, m, best);
        row = math::select(larger, S(double(i)), row);
      }
      pivot_row[k] = row;
      CUBIE_UNROLL
      for (int i = k + 1; i < N; ++i) {
        const mask_t<S> here = row == S(double(i));
        if (!math::any(here)) continue;
        CUBIE_UNROLL
        for (int j = k; j < N; ++j) {
          const S rk = re[k * N + j], ri = re[i * N + j];
          re[k * N + j] = math::select(here, ri, rk);
          re[i * N + j] = math::select(here, rk, ri);
          const S qk = im[k * N + j], qi = im[i * N + j];
          im[k * N + j] = math::select(here, qi, qk);
          im[i * N + j] = math::select(here, qk, qi);
        }
      }
      const S pr = re[k * N + k], pi = im[k * N + k];
      const S d = pr * pr + pi * pi;
      const S ir = pr / d, ii = -pi / d;
      ok = math::mask_and(ok, math::mask_and(math::is_finite(ir), math::is_finite(ii)));
      ok = math::mask_and(ok, d != S(0.0));
      inv_re[k] = ir;
      inv_im[k] = ii;
      CUBIE_UNROLL
      for (int i = k + 1; i < N; ++i) {
        const S ar = re[i * N + k], ai = im[i * N + k];
        const S lr = ar * ir - ai * ii, li = ar * ii + ai * ir;
        re[i * N + k] = lr;
        im[i * N + k] = li;
        CUBIE_UNROLL
        for (int j = k + 1; j < N; ++j) {
          const S ur = re[k * N + j], ui = im[k * N + j];
          re[i * N + j] = re[i * N + j] - (lr * ur - li * ui);
          im[i * N + j] = im[i * N + j] - (lr * ui + li * ur);
        }
      }
    }
    return ok;
  }

  /// (xr + i xi) <- A^-1 (xr + i xi) with the factors of A.
  CUBIE_HD CUBIE_FORCEINLINE void solve(S* xr, S* xi) const {
    CUBIE_UNROLL
    for (int k = 0; k < N; ++k) {
      CUBIE_UNROLL
      for (int i = k + 1; i < N; ++i) {
        const mask_t<S> here = pivot_row[k] == S(double(i));
        if (!math::any(here)) continue;
        const S kr = xr[k], ki = xi[k];
        xr[k] = math::select(here, xr[i], kr);
        xr[i] = math::select(here, kr, xr[i]);
        xi[k] = math::select(here, xi[i], ki);
        xi[i] = math::select(here, ki, xi[i]);
      }
      CUBIE_UNROLL
      for (int i = k + 1; i < N; ++i) {
        const S lr = re[i * N + k], li = im[i * N + k];
        const S r = xr[i] - (lr * xr[k] - li * xi[k]);
        xi[i] = xi[i] - (lr * xi[k] + li * xr[k]);
        xr[i] = r;
      }
    }
    CUBIE_UNROLL
    for (int k = N - 1; k >= 0; --k) {
      const S r = xr[k] * inv_re[k] - xi[k] * inv_im[k];
      xi[k] = xr[k] * inv_im[k] + xi[k] * inv_re[k];
      xr[k] = r;
      CUBIE_UNROLL
      for (int i = 0; i < k; ++i) {
        const S ur = re[i * N + k], ui = im[i * N + k];
        const S t = xr[i] - (ur * xr[k] - ui * xi[k]);
        xi[i] = xi[i] - (ur * xi[k] + ui * xr[k]);
        xr[i] = t;
      }
    }
  }
};

}  // namespace cubie
