// cubie/integrate/methods/l_stable_sdirk_4.hpp
// Hairer & Wanner's five-stage, fourth-order, L-stable, stiffly accurate SDIRK with
// gamma = 1/4 and an embedded third-order solution (Solving ODEs II, IV.6, Table 6.5;
// their SDIRK4); adaptive.
#pragma once
#include "../dirk_stepper.hpp"
#include "../dirk_tableau.hpp"

namespace cubie::methods {

struct l_stable_sdirk_4 {
  static constexpr const char* name = "l_stable_sdirk_4";
  static constexpr dirk_tableau<5> tableau{
      .a = {{0.25, 0, 0, 0, 0},
            {0.5, 0.25, 0, 0, 0},
            {17.0 / 50, -1.0 / 25, 0.25, 0, 0},
            {371.0 / 1360, -137.0 / 2720, 15.0 / 544, 0.25, 0},
            {25.0 / 24, -49.0 / 48, 125.0 / 16, -85.0 / 12, 0.25}},
      .b = {25.0 / 24, -49.0 / 48, 125.0 / 16, -85.0 / 12, 0.25},
      .c = {0.25, 0.75, 11.0 / 20, 0.5, 1.0},
      // b - b_hat, b_hat = (59/48, -17/96, 225/32, -85/12, 0)
      .e = {25.0 / 24 - 59.0 / 48, -49.0 / 48 + 17.0 / 96, 125.0 / 16 - 225.0 / 32, 0.0, 0.25},
      .order = 4,
      .error_order = 3};
};

}  // namespace cubie::methods
