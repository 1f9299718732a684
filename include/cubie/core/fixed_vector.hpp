// cubie/core/fixed_vector.hpp
// A fixed-size array of scalars (or SIMD packs) for per-run state: no heap, usable on
// host and device, indexed with compile-time constants in hot loops so it stays in registers.
#pragma once
#include "execution_space.hpp"

namespace cubie {

template <class S, int N>
struct fixed_vector {
  // N == 0 still needs storage of size 1 (zero-length arrays are not C++).
  S v[N > 0 ? N : 1];

  CUBIE_HD CUBIE_FORCEINLINE constexpr S& operator[](int i) { return v[i]; }
  CUBIE_HD CUBIE_FORCEINLINE constexpr const S& operator[](int i) const { return v[i]; }
  CUBIE_HD CUBIE_FORCEINLINE S* data() { return v; }
  CUBIE_HD CUBIE_FORCEINLINE const S* data() const { return v; }
  CUBIE_HD static constexpr int size() { return N; }
};

}  // namespace cubie
