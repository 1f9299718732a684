// cubie/core/scalar_traits.hpp
// What the integration core needs to know about its arithmetic type: the scalar under
// it, its mask type, the type that carries time (double per lane in every precision)
// and how many runs one value holds. Scalars here; SIMD packs specialise in simd.hpp.
#pragma once
#include "execution_space.hpp"

#if CUBIE_HAS_HOST_STDLIB()
#include <cmath>
#endif

namespace cubie {

template <class S>
struct scalar_traits {
  using value_type = S;   // float or double
  using mask_type = bool;
  using time_type = double;
  using count_type = long long;  // step counters and save indices: integers on the GPU
  static constexpr int lanes = 1;
};

template <class S>
using value_type_t = typename scalar_traits<S>::value_type;
template <class S>
using mask_t = typename scalar_traits<S>::mask_type;
template <class S>
using time_t_of = typename scalar_traits<S>::time_type;
template <class S>
using count_t_of = typename scalar_traits<S>::count_type;

// Conversions between the state arithmetic and time. For scalars these are casts.
CUBIE_HD CUBIE_FORCEINLINE float time_to_scalar(double t, float) { return static_cast<float>(t); }
CUBIE_HD CUBIE_FORCEINLINE double time_to_scalar(double t, double) { return t; }
CUBIE_HD CUBIE_FORCEINLINE double scalar_to_time(float x) { return static_cast<double>(x); }
CUBIE_HD CUBIE_FORCEINLINE double scalar_to_time(double x) { return x; }
// A time mask and a state mask are the same thing for scalars.
CUBIE_HD CUBIE_FORCEINLINE bool time_mask_to_scalar_mask(bool m, float) { return m; }
CUBIE_HD CUBIE_FORCEINLINE bool time_mask_to_scalar_mask(bool m, double) { return m; }
CUBIE_HD CUBIE_FORCEINLINE bool scalar_mask_to_time_mask(bool m) { return m; }
CUBIE_HD CUBIE_FORCEINLINE double count_to_time(long long k) { return static_cast<double>(k); }

/// The time of save k: t_save0 + k * save_every as one fused multiply-add, so the
/// host's list of save times and every backend's landing times agree to the bit.
CUBIE_HD CUBIE_FORCEINLINE double save_time(double t_save0, double save_every, double k) {
  return ::fma(save_every, k, t_save0);
}

}  // namespace cubie
