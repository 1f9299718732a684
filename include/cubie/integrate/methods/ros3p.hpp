// cubie/integrate/methods/ros3p.hpp
// Lang & Verwer's ROS3P (BIT 41, 2001): third-order, A-stable, three stages (the last two at
// one point: two f per step), designed to keep its order on parabolic problems; second-order
// embedded estimate. Not L-stable: R(inf) = -0.73, and the embedded formula has the same
// value at infinity, so the estimate does not see errors in very stiff components (on OREGO
// the error ends ~1e4 tolerances off, bench/RESULTS.md). Transformed form as in
// OrdinaryDiffEq.jl (gamma = 1/2 + sqrt(3)/6, so 1/gamma = 3 - sqrt 3), written out from
// 1/gamma; the embedded weights are (5/(3 gamma), 1, 1/(3 gamma)).
#pragma once
#include "../rosenbrock_tableau.hpp"
#include "../rosenbrock_stepper.hpp"

namespace cubie::methods {

struct ros3p {
  static constexpr const char* name = "ros3p";
  static constexpr double sqrt3 = 1.73205080756887729353;
  static constexpr double ig = 3.0 - sqrt3;  // 1 / gamma
  static constexpr double c32 = -ig * (2.0 - ig / 2);
  static constexpr double w = ig * (2.0 / 3 - ig / 6);
  static constexpr double b1 = ig * (1.0 + w), b2 = w, b3 = ig / 3;
  static constexpr rosenbrock_tableau<3> tableau{
      .gamma = 0.5 + sqrt3 / 6,
      .a = {{0, 0, 0}, {ig, 0, 0}, {ig, 0, 0}},
      .C = {{0, 0, 0}, {-ig * ig, 0, 0}, {-ig * (1.0 - c32), c32, 0}},
      .c = {0, 1, 1},
      .d = {0.5 + sqrt3 / 6, -0.5 + sqrt3 / 6, -(0.5 + sqrt3 / 3)},
      .b = {b1, b2, b3},
      .e = {b1 - 5 * ig / 3, b2 - 1.0, b3 - ig / 3},
      .order = 3,
      .error_order = 2,
  };
};

}  // namespace cubie::methods
