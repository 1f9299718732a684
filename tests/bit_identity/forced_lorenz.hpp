// tests/bit_identity/forced_lorenz.hpp
// The system of the bit-identity suite: Lorenz with a forcing a*sin(t) on x (so stage
// times matter) and an observable, so every path of the loop leaves a trace in the bytes.
#pragma once
#include "cubie/core/math.hpp"
#include "cubie/integrate/system.hpp"

namespace cubie::test {

template <class S>
struct forced_lorenz {
  static constexpr int n_states = 3;
  static constexpr int n_parameters = 2;
  static constexpr int n_observables = 1;
  static constexpr const char* name = "forced_lorenz";
  static constexpr const char* state_names = "x,y,z";
  static constexpr const char* parameter_names = "rho,a";
  static constexpr const char* observable_names = "r2";

  S sigma = S(10.0);
  S beta = S(8.0 / 3.0);

  CUBIE_HD CUBIE_FORCEINLINE void rhs(S t, const S* y, const S* p, S* dydt) const {
    dydt[0] = sigma * (y[1] - y[0]) + p[1] * math::sin(t);
    dydt[1] = y[0] * (p[0] - y[2]) - y[1];
    dydt[2] = y[0] * y[1] - beta * y[2];
  }
  CUBIE_HD CUBIE_FORCEINLINE void observables(S /*t*/, const S* y, const S* /*p*/, S* out) const {
    out[0] = y[0] * y[0] + y[1] * y[1] + y[2] * y[2];
  }
};

}  // namespace cubie::test
