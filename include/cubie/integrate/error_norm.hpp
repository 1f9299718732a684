// cubie/integrate/error_norm.hpp
// The step's error as one number: the mean square of err / (atol + rtol max(|y|, |y_new|)),
// accepted when <= 1. DOP853 combines its two estimates as Hairer (and SciPy) do.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/fixed_vector.hpp"
#include "../core/math.hpp"

/// CUBIE_NORM_PARTIAL_SUMS (a compile definition; default: device code): the error norm sums
/// its N squares into 4 interleaved partial sums (n mod 4) added pairwise at the end: a
/// dependent chain of about N/4 + 2 additions instead of N (15 for the ring modulator, on the
/// step's critical path; bench/RESULTS.md issue 8), for 3 more registers whatever N is; 0 sums
/// in order, as the host does.
#ifndef CUBIE_NORM_PARTIAL_SUMS
#define CUBIE_NORM_PARTIAL_SUMS (CUBIE_IS_DEVICE_PASS() || CUBIE_IS_NVRTC())
#endif

namespace cubie {

/// Reciprocal: err * math::reciprocal(scale) instead of err / scale (on GPUs without the
/// division's slow-path branch, core/math.hpp; the Rosenbrock stepper asks for it).
template <bool TwoEstimates, bool Reciprocal = false, class S, class V, int N>
CUBIE_HD CUBIE_FORCEINLINE S mean_square_error_norm(const fixed_vector<S, N>& y, const fixed_vector<S, N>& y_new,
                                                    const fixed_vector<S, N>& err, const fixed_vector<S, N>& err3,
                                                    const V* atol, const V* rtol) {
  // Partial sums [n mod W]: W = 4 with CUBIE_NORM_PARTIAL_SUMS and N >= 8, else 1 (in order).
  constexpr int W = CUBIE_NORM_PARTIAL_SUMS && N >= 8 ? 4 : 1;
  S sum5[W];
  S sum3[W];
  CUBIE_UNROLL
  for (int w = 0; w < W; ++w) sum5[w] = sum3[w] = S(0.0);
  CUBIE_UNROLL
  for (int n = 0; n < N; ++n) {
    const S scale = S(atol[n]) + S(rtol[n]) * math::max(math::abs(y[n]), math::abs(y_new[n]));
    if constexpr (Reciprocal) {
      const S q = err[n] * math::reciprocal(scale);
      sum5[n % W] = sum5[n % W] + q * q;
    } else {
      const S q = err[n] / scale;
      sum5[n % W] = sum5[n % W] + q * q;
    }
    if constexpr (TwoEstimates) {
      const S q3 = err3[n] / scale;
      sum3[n % W] = sum3[n % W] + q3 * q3;
    }
  }
  S all5 = sum5[0];
  [[maybe_unused]] S all3 = sum3[0];
  if constexpr (W == 4) {
    all5 = (sum5[0] + sum5[1]) + (sum5[2] + sum5[3]);
    all3 = (sum3[0] + sum3[1]) + (sum3[2] + sum3[3]);
  }
  if constexpr (TwoEstimates) {
    // SciPy's DOP853: |h| ||e5||^2 / sqrt(N (||e5||^2 + 0.01 ||e3||^2)), squared here
    // because our controllers take the mean-square norm.
    const S denom = (all5 + S(0.01) * all3) * S(double(N));
    const S safe = math::select(denom > S(0.0), denom, S(1.0));
    return all5 * all5 / safe;
  } else {
    return all5 * S(1.0 / N);
  }
}

}  // namespace cubie
