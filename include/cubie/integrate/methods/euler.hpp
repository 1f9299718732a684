// cubie/integrate/methods/euler.hpp
// The explicit (forward) Euler method: one stage, order 1, no error estimate.
// Euler, Institutionum calculi integralis (1768); Hairer, Norsett & Wanner, Sec. II.1.
#pragma once
#include "../butcher_tableau.hpp"

namespace cubie::methods {

struct euler {
  static constexpr const char* name = "euler";
  static constexpr butcher_tableau<1> tableau{
      .a = {{0}},
      .b = {1},
      .c = {0},
      .e = {0},
      .e3 = {0},
      .order = 1,
      .error_order = 0,
      .estimate = error_estimate_kind::none,
  };
};

}  // namespace cubie::methods
