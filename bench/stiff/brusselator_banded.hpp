// bench/stiff/brusselator_banded.hpp
// The 1-D Brusselator of the Newton-Krylov tests (tests/integrate/brusselator_systems.hpp, its
// rhs reused as is) with what a model file's generated code gives it, for benchmarks of C++
// systems compiled ahead of time (nvcc/g++, no NVRTC): the analytic diagonal of J (the jacobi
// preconditioner) and the sparse Jacobian interface (docs/jacobian_contract.md) for its band.
//
// Why a band: u and v are interleaved, so row i of J touches columns i-2 .. i+2 only. LU
// without pivoting in the natural order keeps its fill inside that band, so factor and solve
// cost O(n) as the generated sparse LU of the model file does; here they are loops over the
// band instead of unrolled straight-line code (the loops over rows kept rolled), which keeps
// nvcc's compile of a 100-state kernel to minutes rather than the generated code's
// (bench/RESULTS.md: 275 s of NVRTC for radau_iia_5). Storage: entry (i, j), |j - i| <= 2,
// at jv[5 i + (j - i + 2)]; the four slots that fall outside the matrix (rows 0, 1, n-2,
// n-1) stay 0 and are never read.
// Jacobian-vector products come from dual numbers (the C++ system path).
#pragma once
#include <array>

#include "cubie/core/execution_space.hpp"
#include "cubie/core/math.hpp"
#include "integrate/brusselator_systems.hpp"

namespace cubie::bench {

/// "u1,v1,u2,v2,...": the state names of a Brusselator of Cells cells, built at compile time.
template <int Cells>
struct brusselator_names {
  static constexpr std::array<char, 10 * Cells + 1> text = [] {
    static_assert(Cells >= 1 && Cells <= 999, "names of up to 3 digits");
    std::array<char, 10 * Cells + 1> out{};
    int at = 0;
    for (int i = 1; i <= Cells; ++i) {
      for (char var : {'u', 'v'}) {
        if (at > 0) out[at++] = ',';
        out[at++] = var;
        if (i >= 100) out[at++] = char('0' + i / 100);
        if (i >= 10) out[at++] = char('0' + i / 10 % 10);
        out[at++] = char('0' + i % 10);
      }
    }
    out[at] = '\0';
    return out;
  }();
};

/// The Brusselator of Cells cells (2 Cells states) with the analytic diagonal and the band LU.
template <class S, int Cells>
struct brusselator_banded : test::brusselator_cells<S, Cells> {
  static constexpr int N = 2 * Cells;
  static constexpr int sparse_nnz = 5 * N;
  static constexpr const char* name = "brusselator_banded";
  static constexpr const char* state_names = brusselator_names<Cells>::text.data();

  /// d f_i / d y_i.
  CUBIE_HD CUBIE_FORCEINLINE void jacobian_diagonal(S /*t*/, const S* y, const S* p, S* d) const {
    const S c = p[0] * S(double((Cells + 1) * (Cells + 1)));
    CUBIE_NO_UNROLL
    for (int k = 0; k < Cells; ++k) {
      const S u = y[2 * k], v = y[2 * k + 1];
      d[2 * k] = S(2.0) * u * v - S(4.0) - S(2.0) * c;
      d[2 * k + 1] = -(u * u) - S(2.0) * c;
    }
  }

  /// J on the band (the layout above).
  CUBIE_HD CUBIE_FORCEINLINE void jacobian_sparse(S /*t*/, const S* y, const S* p, S* jv) const {
    const S c = p[0] * S(double((Cells + 1) * (Cells + 1)));
    CUBIE_NO_UNROLL
    for (int k = 0; k < sparse_nnz; ++k) jv[k] = S(0.0);
    CUBIE_NO_UNROLL
    for (int k = 0; k < Cells; ++k) {
      const S u = y[2 * k], v = y[2 * k + 1];
      S* ru = jv + 5 * (2 * k);      // row of u_k: columns u_{k-1}, v_{k-1}, u_k, v_k, u_{k+1}
      S* rv = jv + 5 * (2 * k + 1);  // row of v_k: columns v_{k-1}, u_k, v_k, u_{k+1}, v_{k+1}
      if (k > 0) ru[0] = c;
      ru[2] = S(2.0) * u * v - S(4.0) - S(2.0) * c;
      ru[3] = u * u;
      if (k < Cells - 1) ru[4] = c;
      if (k > 0) rv[0] = c;
      rv[1] = S(3.0) - S(2.0) * u * v;
      rv[2] = -(u * u) - S(2.0) * c;
      if (k < Cells - 1) rv[4] = c;
    }
  }

  /// jv <- LU of c I - J (unit lower L; the diagonal keeps the pivots' reciprocals); the mask
  /// is false where a pivot is zero or not finite.
  CUBIE_HD CUBIE_FORCEINLINE auto factor_shifted(S c, S* a) const {
    using math::is_finite;
    using math::mask_and;
    CUBIE_NO_UNROLL
    for (int k = 0; k < sparse_nnz; ++k) a[k] = (k % 5 == 2) ? c - a[k] : -a[k];
    auto ok = mask_and(is_finite(c), c == c);
    CUBIE_NO_UNROLL
    for (int k = 0; k < N; ++k) {
      const S inv = S(1.0) / a[5 * k + 2];
      a[5 * k + 2] = inv;
      ok = mask_and(ok, mask_and(is_finite(inv), inv != S(0.0)));
      for (int i = k + 1; i <= k + 2 && i < N; ++i) {
        const S l = a[5 * i + (k - i + 2)] * inv;
        a[5 * i + (k - i + 2)] = l;
        for (int j = k + 1; j <= k + 2 && j < N; ++j) a[5 * i + (j - i + 2)] = a[5 * i + (j - i + 2)] - l * a[5 * k + (j - k + 2)];
      }
    }
    return ok;
  }

  /// x <- (c I - J)^-1 x from factor_shifted's factors.
  CUBIE_HD CUBIE_FORCEINLINE void solve_factored(const S* a, S* x) const {
    CUBIE_NO_UNROLL
    for (int i = 1; i < N; ++i)
      for (int k = i >= 2 ? i - 2 : 0; k < i; ++k) x[i] = x[i] - a[5 * i + (k - i + 2)] * x[k];
    CUBIE_NO_UNROLL
    for (int i = N - 1; i >= 0; --i) {
      for (int j = i + 1; j <= i + 2 && j < N; ++j) x[i] = x[i] - a[5 * i + (j - i + 2)] * x[j];
      x[i] = x[i] * a[5 * i + 2];
    }
  }

  /// (re, im) <- LU of (cr + i ci) I - J, re holding J on entry (the same order and fill).
  CUBIE_HD CUBIE_FORCEINLINE auto factor_shifted_complex(S cr, S ci, S* re, S* im) const {
    using math::is_finite;
    using math::mask_and;
    CUBIE_NO_UNROLL
    for (int k = 0; k < sparse_nnz; ++k) {
      const bool diagonal = k % 5 == 2;
      re[k] = diagonal ? cr - re[k] : -re[k];
      im[k] = diagonal ? ci : S(0.0);
    }
    auto ok = mask_and(is_finite(cr), is_finite(ci));
    CUBIE_NO_UNROLL
    for (int k = 0; k < N; ++k) {
      const int d = 5 * k + 2;
      const S m = re[d] * re[d] + im[d] * im[d];
      re[d] = re[d] / m;
      im[d] = -im[d] / m;
      ok = mask_and(ok, mask_and(mask_and(is_finite(re[d]), is_finite(im[d])), m != S(0.0)));
      for (int i = k + 1; i <= k + 2 && i < N; ++i) {
        const int l = 5 * i + (k - i + 2);
        const S lr = re[l] * re[d] - im[l] * im[d], li = re[l] * im[d] + im[l] * re[d];
        re[l] = lr;
        im[l] = li;
        for (int j = k + 1; j <= k + 2 && j < N; ++j) {
          const int target = 5 * i + (j - i + 2), u = 5 * k + (j - k + 2);
          re[target] = re[target] - (lr * re[u] - li * im[u]);
          im[target] = im[target] - (lr * im[u] + li * re[u]);
        }
      }
    }
    return ok;
  }

  /// (xr, xi) <- ((cr + i ci) I - J)^-1 (xr, xi) from factor_shifted_complex's factors.
  CUBIE_HD CUBIE_FORCEINLINE void solve_factored_complex(const S* lr, const S* li, S* xr, S* xi) const {
    CUBIE_NO_UNROLL
    for (int i = 1; i < N; ++i) {
      for (int k = i >= 2 ? i - 2 : 0; k < i; ++k) {
        const int e = 5 * i + (k - i + 2);
        const S r = xr[i] - (lr[e] * xr[k] - li[e] * xi[k]);
        xi[i] = xi[i] - (lr[e] * xi[k] + li[e] * xr[k]);
        xr[i] = r;
      }
    }
    CUBIE_NO_UNROLL
    for (int i = N - 1; i >= 0; --i) {
      for (int j = i + 1; j <= i + 2 && j < N; ++j) {
        const int e = 5 * i + (j - i + 2);
        const S r = xr[i] - (lr[e] * xr[j] - li[e] * xi[j]);
        xi[i] = xi[i] - (lr[e] * xi[j] + li[e] * xr[j]);
        xr[i] = r;
      }
      const int d = 5 * i + 2;
      const S r = xr[i] * lr[d] - xi[i] * li[d];
      xi[i] = xr[i] * li[d] + xi[i] * lr[d];
      xr[i] = r;
    }
  }
};

/// The one-parameter system template make_system takes (and dual numbers rebind). Variant tags
/// builds of the same system with other compile-time switches (krylov_cxx_bench's variants):
/// distinct types, so their kernels never share one name across translation units.
template <int Cells, int Variant = 0>
struct banded_brusselator_of {
  template <class S>
  struct system : brusselator_banded<S, Cells> {};
};

}  // namespace cubie::bench
