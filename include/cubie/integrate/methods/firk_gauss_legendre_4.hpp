// cubie/integrate/methods/firk_gauss_legendre_4.hpp
// The two-stage Gauss-Legendre collocation method (Hairer & Wanner IV.5): order 4, A-stable
// and symplectic, not L-stable. A^-1 has one complex pair, 3 +- i sqrt 3: one complex N x N
// system per Newton iteration. No embedded estimate: fixed steps only.
#pragma once
#include "../firk_stepper.hpp"
#include "../firk_tableau.hpp"

namespace cubie::methods {

struct firk_gauss_legendre_4 {
  static constexpr const char* name = "firk_gauss_legendre_4";
  static constexpr double r3_6 = 0.28867513459481288225;  // sqrt(3) / 6
  static constexpr double r3 = 1.7320508075688772935;     // sqrt(3)
  static constexpr firk_tableau<2, 0, 1> tableau{
      .a = {{0.25, 0.25 - r3_6}, {0.25 + r3_6, 0.25}},
      .b = {0.5, 0.5},
      .c = {0.5 - r3_6, 0.5 + r3_6},
      .d = {-r3, r3},
      // A^-1 T = T [[3, -sqrt 3], [sqrt 3, 3]] with T = [[0, 2 - sqrt 3], [1, 0]].
      .T = {{0.0, 0.26794919243112270647}, {1.0, 0.0}},
      .TI = {{0.0, 1.0}, {3.7320508075688772935, 0.0}},
      .gamma = {0.0},
      .alpha = {3.0},
      .beta = {r3},
      .e = {0.0, 0.0},
      .order = 4,
      .error_order = 0};
};

}  // namespace cubie::methods
