// cubie/integrate/methods/crank_nicolson.hpp
// Crank-Nicolson (the trapezoidal rule) with an error estimate: a backward Euler solve
// over the same step (a third stage with diagonal 1, its own factorisation) gives
// y_CN - y_BE = O(h^2), so the controller works with error order 1. Second order,
// A-stable, R(inf) = -1.
#pragma once
#include "../dirk_stepper.hpp"
#include "../dirk_tableau.hpp"

namespace cubie::methods {

struct crank_nicolson {
  static constexpr const char* name = "crank_nicolson";
  static constexpr dirk_tableau<3> tableau{
      .a = {{0.0, 0.0, 0.0}, {0.5, 0.5, 0.0}, {0.0, 0.0, 1.0}},
      .b = {0.5, 0.5, 0.0},
      .c = {0.0, 1.0, 1.0},
      .e = {0.5, 0.5, -1.0},
      .order = 2,
      .error_order = 1};
};

}  // namespace cubie::methods
