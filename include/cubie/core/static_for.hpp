// cubie/core/static_for.hpp
// Compile-time loops: the body sees its index as a constant expression, so Butcher
// coefficients fold into immediates, zero terms vanish and stage arrays stay in
// registers on the GPU (a run-time index would push them to local memory).
#pragma once
#include "execution_space.hpp"

namespace cubie {

template <int I>
struct index_constant {
  static constexpr int value = I;
  CUBIE_HD constexpr operator int() const { return I; }
};

namespace detail {
template <int Begin, int End, class F>
CUBIE_HD CUBIE_FORCEINLINE void static_for_impl(F& f) {
  if constexpr (Begin < End) {
    f(index_constant<Begin>{});  // f's body is CUBIE_INLINE_LAMBDA at every use
    static_for_impl<Begin + 1, End>(f);
  }
}
}  // namespace detail

/// Calls f(index_constant<I>{}) for I in [Begin, End).
template <int Begin, int End, class F>
CUBIE_HD CUBIE_FORCEINLINE void static_for(F&& f) {
  detail::static_for_impl<Begin, End>(f);
}

}  // namespace cubie
