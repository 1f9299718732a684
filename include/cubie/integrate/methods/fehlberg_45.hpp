// cubie/integrate/methods/fehlberg_45.hpp
// Runge-Kutta-Fehlberg 4(5) (NASA TR R-315, 1969; Hairer, Norsett & Wanner, Table II.5.1) with
// local extrapolation: the fifth-order solution is propagated, the fourth-order one estimates.
#pragma once
#include "../butcher_tableau.hpp"

namespace cubie::methods {

struct fehlberg_45 {
  static constexpr const char* name = "fehlberg_45";
  static constexpr butcher_tableau<6> tableau{
      .a = {{0, 0, 0, 0, 0, 0},
            {1.0 / 4, 0, 0, 0, 0, 0},
            {3.0 / 32, 9.0 / 32, 0, 0, 0, 0},
            {1932.0 / 2197, -7200.0 / 2197, 7296.0 / 2197, 0, 0, 0},
            {439.0 / 216, -8, 3680.0 / 513, -845.0 / 4104, 0, 0},
            {-8.0 / 27, 2, -3544.0 / 2565, 1859.0 / 4104, -11.0 / 40, 0}},
      .b = {16.0 / 135, 0, 6656.0 / 12825, 28561.0 / 56430, -9.0 / 50, 2.0 / 55},
      .c = {0, 1.0 / 4, 3.0 / 8, 12.0 / 13, 1, 1.0 / 2},
      // b - b_hat with b_hat = (25/216, 0, 1408/2565, 2197/4104, -1/5, 0)
      .e = {1.0 / 360, 0, -128.0 / 4275, -2197.0 / 75240, 1.0 / 50, 2.0 / 55},
      .e3 = {0, 0, 0, 0, 0, 0},
      .order = 5,
      .error_order = 4,
      .estimate = error_estimate_kind::embedded,
  };
};

}  // namespace cubie::methods
