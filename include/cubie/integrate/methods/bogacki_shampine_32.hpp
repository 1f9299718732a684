// cubie/integrate/methods/bogacki_shampine_32.hpp
// Bogacki & Shampine (Appl. Math. Lett. 2, 1989) 3(2) pair: third-order solution, second-order
// estimate, first same as last. Coefficients as in SciPy's RK23 and CuBIE's tableau.
#pragma once
#include "../butcher_tableau.hpp"

namespace cubie::methods {

struct bogacki_shampine_32 {
  static constexpr const char* name = "bogacki_shampine_32";
  static constexpr butcher_tableau<4> tableau{
      .a = {{0, 0, 0, 0},
            {1.0 / 2, 0, 0, 0},
            {0, 3.0 / 4, 0, 0},
            {2.0 / 9, 1.0 / 3, 4.0 / 9, 0}},
      .b = {2.0 / 9, 1.0 / 3, 4.0 / 9, 0},
      .c = {0, 1.0 / 2, 3.0 / 4, 1},
      // b - b_hat with b_hat = (7/24, 1/4, 1/3, 1/8)
      .e = {-5.0 / 72, 1.0 / 12, 1.0 / 9, -1.0 / 8},
      .e3 = {0, 0, 0, 0},
      .order = 3,
      .error_order = 2,
      .estimate = error_estimate_kind::embedded,
  };
};

}  // namespace cubie::methods
