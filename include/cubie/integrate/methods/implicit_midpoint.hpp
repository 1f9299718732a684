// cubie/integrate/methods/implicit_midpoint.hpp
// The implicit midpoint rule (one-stage Gauss collocation): second order, A-stable and
// symplectic, R(inf) = -1 (stiff components are not damped); fixed steps.
#pragma once
#include "../dirk_stepper.hpp"
#include "../dirk_tableau.hpp"

namespace cubie::methods {

struct implicit_midpoint {
  static constexpr const char* name = "implicit_midpoint";
  static constexpr dirk_tableau<1> tableau{
      .a = {{0.5}}, .b = {1.0}, .c = {0.5}, .e = {0.0}, .order = 2, .error_order = 0};
};

}  // namespace cubie::methods
