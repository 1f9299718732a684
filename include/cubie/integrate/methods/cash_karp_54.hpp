// cubie/integrate/methods/cash_karp_54.hpp
// Cash & Karp (ACM TOMS 16, 1990) 5(4) pair: fifth-order solution, fourth-order estimate.
// Coefficients as in Boost.odeint's runge_kutta_cash_karp54 and CuBIE's tableau.
#pragma once
#include "../butcher_tableau.hpp"

namespace cubie::methods {

struct cash_karp_54 {
  static constexpr const char* name = "cash_karp_54";
  static constexpr butcher_tableau<6> tableau{
      .a = {{0, 0, 0, 0, 0, 0},
            {1.0 / 5, 0, 0, 0, 0, 0},
            {3.0 / 40, 9.0 / 40, 0, 0, 0, 0},
            {3.0 / 10, -9.0 / 10, 6.0 / 5, 0, 0, 0},
            {-11.0 / 54, 5.0 / 2, -70.0 / 27, 35.0 / 27, 0, 0},
            {1631.0 / 55296, 175.0 / 512, 575.0 / 13824, 44275.0 / 110592, 253.0 / 4096, 0}},
      .b = {37.0 / 378, 0, 250.0 / 621, 125.0 / 594, 0, 512.0 / 1771},
      .c = {0, 1.0 / 5, 3.0 / 10, 3.0 / 5, 1, 7.0 / 8},
      // b - b_hat with b_hat = (2825/27648, 0, 18575/48384, 13525/55296, 277/14336, 1/4)
      .e = {37.0 / 378 - 2825.0 / 27648, 0, 250.0 / 621 - 18575.0 / 48384,
            125.0 / 594 - 13525.0 / 55296, -277.0 / 14336, 512.0 / 1771 - 1.0 / 4},
      .e3 = {0, 0, 0, 0, 0, 0},
      .order = 5,
      .error_order = 4,
      .estimate = error_estimate_kind::embedded,
  };
};

}  // namespace cubie::methods
