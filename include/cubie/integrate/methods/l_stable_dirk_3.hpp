// cubie/integrate/methods/l_stable_dirk_3.hpp
// Alexander's three-stage, third-order, L-stable, stiffly accurate SDIRK (SIAM J. Numer.
// Anal. 14, 1977; Hairer & Wanner II, IV.6): gamma is the root of
// x^3 - 3x^2 + 3x/2 - 1/6 = 0 in (1/6, 1/2); fixed steps. The design's DIRK family default
// (`dirk`).
#pragma once
#include "../dirk_stepper.hpp"
#include "../dirk_tableau.hpp"

namespace cubie::methods {

struct l_stable_dirk_3 {
  static constexpr const char* name = "l_stable_dirk_3";
  static constexpr double g = 0.43586652150845899942;
  static constexpr double b1 = -1.5 * g * g + 4.0 * g - 0.25;
  static constexpr double b2 = 1.5 * g * g - 5.0 * g + 1.25;
  static constexpr dirk_tableau<3> tableau{
      .a = {{g, 0.0, 0.0}, {(1.0 - g) / 2, g, 0.0}, {b1, b2, g}},
      .b = {b1, b2, g},
      .c = {g, (1.0 + g) / 2, 1.0},
      .e = {0.0, 0.0, 0.0},
      .order = 3,
      .error_order = 0};
};

}  // namespace cubie::methods
