// cubie/integrate/methods/dormand_prince_54.hpp
// Dormand & Prince (1980) RK5(4)7M: fifth-order solution, fourth-order estimate,
// first same as last. Coefficients as in Hairer, Norsett & Wanner, Table II.5.2.
#pragma once
#include "../butcher_tableau.hpp"

namespace cubie::methods {

struct dormand_prince_54 {
  static constexpr const char* name = "dormand_prince_54";
  static constexpr butcher_tableau<7> tableau{
      .a = {{0, 0, 0, 0, 0, 0, 0},
            {1.0 / 5, 0, 0, 0, 0, 0, 0},
            {3.0 / 40, 9.0 / 40, 0, 0, 0, 0, 0},
            {44.0 / 45, -56.0 / 15, 32.0 / 9, 0, 0, 0, 0},
            {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729, 0, 0, 0},
            {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656, 0, 0},
            {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0}},
      .b = {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84, 0},
      .c = {0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1},
      // b - b_hat with b_hat = (5179/57600, 0, 7571/16695, 393/640, -92097/339200, 187/2100, 1/40)
      .e = {35.0 / 384 - 5179.0 / 57600, 0, 500.0 / 1113 - 7571.0 / 16695, 125.0 / 192 - 393.0 / 640,
            -2187.0 / 6784 + 92097.0 / 339200, 11.0 / 84 - 187.0 / 2100, -1.0 / 40},
      .e3 = {0, 0, 0, 0, 0, 0, 0},
      .order = 5,
      .error_order = 4,
      .estimate = error_estimate_kind::embedded,
  };
};

}  // namespace cubie::methods
