// cubie/integrate/methods/backwards_euler_pc.hpp
// Backward Euler in predictor-corrector form: an explicit Euler step predicts the stage,
// Newton iterations correct it (fewer iterations where f changes slowly). Same solution
// as backwards_euler to the Newton tolerance; fixed steps.
#pragma once
#include "../dirk_stepper.hpp"
#include "../dirk_tableau.hpp"

namespace cubie::methods {

struct backwards_euler_pc {
  static constexpr const char* name = "backwards_euler_pc";
  static constexpr dirk_tableau<1> tableau{
      .a = {{1.0}}, .b = {1.0}, .c = {1.0}, .e = {0.0}, .order = 1, .error_order = 0,
      .predictor = stage_predictor::explicit_euler};
};

}  // namespace cubie::methods
