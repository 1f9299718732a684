// cubie/integrate/methods/sdirk_2_2.hpp
// The two-stage, second-order, L-stable, stiffly accurate SDIRK with gamma = 1 - 1/sqrt(2)
// (Alexander 1977; Hairer & Wanner II, IV.6); fixed steps.
#pragma once
#include "../dirk_stepper.hpp"
#include "../dirk_tableau.hpp"

namespace cubie::methods {

struct sdirk_2_2 {
  static constexpr const char* name = "sdirk_2_2";
  static constexpr double g = 1.0 - 0.70710678118654752440;
  static constexpr dirk_tableau<2> tableau{
      .a = {{g, 0.0}, {1.0 - g, g}}, .b = {1.0 - g, g}, .c = {g, 1.0}, .e = {0.0, 0.0}, .order = 2, .error_order = 0};
};

}  // namespace cubie::methods
