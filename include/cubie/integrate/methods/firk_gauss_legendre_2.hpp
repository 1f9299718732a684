// cubie/integrate/methods/firk_gauss_legendre_2.hpp
// The one-stage Gauss-Legendre collocation method (the implicit midpoint rule as a
// collocation method; the FIRK family's default, `firk`): order 2, A-stable, symplectic.
// Solved by firk_stepper (A^-1 = 2, one real system), so it shares the family's Jacobian and
// factor reuse across steps and its collocation predictor. No embedded estimate: fixed steps.
#pragma once
#include "../firk_stepper.hpp"
#include "../firk_tableau.hpp"

namespace cubie::methods {

struct firk_gauss_legendre_2 {
  static constexpr const char* name = "firk_gauss_legendre_2";
  static constexpr firk_tableau<1, 1, 0> tableau{.a = {{0.5}},
                                                 .b = {1.0},
                                                 .c = {0.5},
                                                 .d = {2.0},
                                                 .T = {{1.0}},
                                                 .TI = {{1.0}},
                                                 .gamma = {2.0},
                                                 .alpha = {0.0},
                                                 .beta = {0.0},
                                                 .e = {0.0},
                                                 .order = 2,
                                                 .error_order = 0};
};

}  // namespace cubie::methods
