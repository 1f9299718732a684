// cubie/integrate/methods/kvaerno3.hpp
// Kvaerno's four-stage ESDIRK 3(2) (BIT 44, 2004): third order, L-stable and stiffly
// accurate, with a stiffly accurate second-order embedded solution (the third stage);
// gamma = 0.4358665215... as in l_stable_dirk_3, the other coefficients from Kvaerno's
// closed forms in gamma; adaptive.
#pragma once
#include "../dirk_stepper.hpp"
#include "../dirk_tableau.hpp"

namespace cubie::methods {

struct kvaerno3 {
  static constexpr const char* name = "kvaerno3";
  static constexpr double g = 0.43586652150845899942;
  static constexpr double a31 = (-4.0 * g * g + 6.0 * g - 1.0) / (4.0 * g);
  static constexpr double a32 = (-2.0 * g + 1.0) / (4.0 * g);
  static constexpr double a41 = (6.0 * g - 1.0) / (12.0 * g);
  static constexpr double a42 = -1.0 / ((24.0 * g - 12.0) * g);
  static constexpr double a43 = (-6.0 * g * g + 6.0 * g - 1.0) / (6.0 * g - 3.0);
  static constexpr dirk_tableau<4> tableau{
      .a = {{0, 0, 0, 0}, {g, g, 0, 0}, {a31, a32, g, 0}, {a41, a42, a43, g}},
      .b = {a41, a42, a43, g},
      .c = {0.0, 2.0 * g, 1.0, 1.0},
      .e = {a41 - a31, a42 - a32, a43 - g, g},
      .order = 3,
      .error_order = 2};
};

}  // namespace cubie::methods
