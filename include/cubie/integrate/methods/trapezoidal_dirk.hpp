// cubie/integrate/methods/trapezoidal_dirk.hpp
// The trapezoidal rule as a two-stage ESDIRK (explicit first stage, a_22 = 1/2): second
// order, A-stable, R(inf) = -1; fixed steps (crank_nicolson is the same rule with a
// backward Euler error estimate).
#pragma once
#include "../dirk_stepper.hpp"
#include "../dirk_tableau.hpp"

namespace cubie::methods {

struct trapezoidal_dirk {
  static constexpr const char* name = "trapezoidal_dirk";
  static constexpr dirk_tableau<2> tableau{
      .a = {{0.0, 0.0}, {0.5, 0.5}}, .b = {0.5, 0.5}, .c = {0.0, 1.0}, .e = {0.0, 0.0}, .order = 2, .error_order = 0};
};

}  // namespace cubie::methods
