// cubie/systems/lorenz.hpp
// The Lorenz system used by the GPU ODE benchmarks (sigma = 10, beta = 8/3, rho swept),
// with r2 = x^2 + y^2 + z^2 as an observable. Also the NVRTC compile check's system.
#pragma once
#include "../integrate/system.hpp"

namespace cubie::systems {

template <class S>
struct lorenz {
  static constexpr int n_states = 3;
  static constexpr int n_parameters = 1;
  static constexpr int n_observables = 1;
  static constexpr const char* name = "lorenz";
  static constexpr const char* state_names = "x,y,z";
  static constexpr const char* parameter_names = "rho";
  static constexpr const char* observable_names = "r2";

  S sigma = S(10.0);
  S beta = S(8.0 / 3.0);

  CUBIE_HD CUBIE_FORCEINLINE void rhs(S /*t*/, const S* y, const S* p, S* dydt) const {
    dydt[0] = sigma * (y[1] - y[0]);
    dydt[1] = y[0] * (p[0] - y[2]) - y[1];
    dydt[2] = y[0] * y[1] - beta * y[2];
  }
  CUBIE_HD CUBIE_FORCEINLINE void observables(S /*t*/, const S* y, const S* /*p*/, S* out) const {
    out[0] = y[0] * y[0] + y[1] * y[1] + y[2] * y[2];
  }
};

}  // namespace cubie::systems
