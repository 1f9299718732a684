// cubie/integrate/methods/ralston_33.hpp
// Ralston's third-order three-stage method of minimum error bound (Math. Comp. 16, 1962), as in
// CuBIE's RALSTON_33_TABLEAU. No embedded estimate: neither CuBIE nor the usual references give one.
#pragma once
#include "../butcher_tableau.hpp"

namespace cubie::methods {

struct ralston_33 {
  static constexpr const char* name = "ralston_33";
  static constexpr butcher_tableau<3> tableau{
      .a = {{0, 0, 0}, {1.0 / 2, 0, 0}, {0, 3.0 / 4, 0}},
      .b = {2.0 / 9, 1.0 / 3, 4.0 / 9},
      .c = {0, 1.0 / 2, 3.0 / 4},
      // Its 3(2) extension is bogacki_shampine_32, which needs a fourth (FSAL) stage.
      .e = {0, 0, 0},
      .e3 = {0, 0, 0},
      .order = 3,
      .error_order = 0,
      .estimate = error_estimate_kind::none,
  };
};

}  // namespace cubie::methods
