// cubie/integrate/error_norm.hpp
// The step's error as one number: the mean square of err / (atol + rtol max(|y|, |y_new|)),
// accepted when <= 1. DOP853 combines its two estimates as Hairer (and SciPy) do.
#pragma once
#include "../core/execution_space.hpp"
#include "../core/fixed_vector.hpp"
#include "../core/math.hpp"

namespace cubie {

/// Reciprocal: err * math::reciprocal(scale) instead of err / scale (on GPUs without the
/// division's slow-path branch, core/math.hpp; the Rosenbrock stepper asks for it).
template <bool TwoEstimates, bool Reciprocal = false, class S, class V, int N>
CUBIE_HD CUBIE_FORCEINLINE S mean_square_error_norm(const fixed_vector<S, N>& y, const fixed_vector<S, N>& y_new,
                                                    const fixed_vector<S, N>& err, const fixed_vector<S, N>& err3,
                                                    const V* atol, const V* rtol) {
  S sum5 = S(0.0);
  S sum3 = S(0.0);
  CUBIE_UNROLL
  for (int n = 0; n < N; ++n) {
    const S scale = S(atol[n]) + S(rtol[n]) * math::max(math::abs(y[n]), math::abs(y_new[n]));
    if constexpr (Reciprocal) {
      const S q = err[n] * math::reciprocal(scale);
      sum5 = sum5 + q * q;
    } else {
      const S q = err[n] / scale;
      sum5 = sum5 + q * q;
    }
    if constexpr (TwoEstimates) {
      const S q3 = err3[n] / scale;
      sum3 = sum3 + q3 * q3;
    }
  }
  if constexpr (TwoEstimates) {
    // SciPy's DOP853: |h| ||e5||^2 / sqrt(N (||e5||^2 + 0.01 ||e3||^2)), squared here
    // because our controllers take the mean-square norm.
    const S denom = (sum5 + S(0.01) * sum3) * S(double(N));
    const S safe = math::select(denom > S(0.0), denom, S(1.0));
    return sum5 * sum5 / safe;
  } else {
    return sum5 * S(1.0 / N);
  }
}

}  // namespace cubie
