// cubie/integrate/methods/heun_21.hpp
// Heun's second-order method (Z. Math. Phys. 45, 1900; the explicit trapezoidal rule), with the
// forward Euler step embedded as a first-order estimate (CuBIE's HEUN_21_TABLEAU has none).
#pragma once
#include "../butcher_tableau.hpp"

namespace cubie::methods {

struct heun_21 {
  static constexpr const char* name = "heun_21";
  static constexpr butcher_tableau<2> tableau{
      .a = {{0, 0}, {1, 0}},
      .b = {0.5, 0.5},
      .c = {0, 1},
      // b - b_hat with b_hat = (1, 0), Euler's step
      .e = {0.5 - 1.0, 0.5},
      .e3 = {0, 0},
      .order = 2,
      .error_order = 1,
      .estimate = error_estimate_kind::embedded,
  };
};

}  // namespace cubie::methods
