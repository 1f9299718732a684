// cubie/integrate/methods/backwards_euler.hpp
// Backward (implicit) Euler: first order, L-stable, one implicit stage; fixed steps (no
// error estimate). Its Newton iteration starts from the step's starting point.
#pragma once
#include "../dirk_stepper.hpp"
#include "../dirk_tableau.hpp"

namespace cubie::methods {

struct backwards_euler {
  static constexpr const char* name = "backwards_euler";
  static constexpr dirk_tableau<1> tableau{
      .a = {{1.0}}, .b = {1.0}, .c = {1.0}, .e = {0.0}, .order = 1, .error_order = 0,
      .predictor = stage_predictor::previous_stage};
};

}  // namespace cubie::methods
