// cubie/integrate/methods/classical_rk4.hpp
// Kutta's classical fourth-order method (1901): four stages, no error estimate.
#pragma once
#include "../butcher_tableau.hpp"

namespace cubie::methods {

struct classical_rk4 {
  static constexpr const char* name = "classical_rk4";
  static constexpr butcher_tableau<4> tableau{
      .a = {{0, 0, 0, 0}, {0.5, 0, 0, 0}, {0, 0.5, 0, 0}, {0, 0, 1, 0}},
      .b = {1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6},
      .c = {0, 0.5, 0.5, 1},
      .e = {0, 0, 0, 0},
      .e3 = {0, 0, 0, 0},
      .order = 4,
      .error_order = 0,
      .estimate = error_estimate_kind::none,
  };
};

}  // namespace cubie::methods
