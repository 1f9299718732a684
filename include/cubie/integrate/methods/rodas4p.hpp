// cubie/integrate/methods/rodas4p.hpp
// Steinebach's Rodas4P (RODASP; Preprint 1741, TH Darmstadt, 1995): fourth-order, stiffly
// accurate, six stages, built to avoid the order reduction of Rodas4 on stiff (Prothero-
// Robinson) and parabolic problems. y_1 = u_6-point + u_6 and error = u_6: the last stage
// belongs to both the solution and the estimate (third-order embedded u_6-point).
// Coefficients as in OrdinaryDiffEq.jl's RODAS4P tables.
#pragma once
#include "../rosenbrock_tableau.hpp"
#include "../rosenbrock_stepper.hpp"

namespace cubie::methods {

struct rodas4p {
  static constexpr const char* name = "rodas4p";
  static constexpr rosenbrock_tableau<6> tableau{
      .gamma = 0.25,
      .a = {{0, 0, 0, 0, 0, 0},
            {3, 0, 0, 0, 0, 0},
            {1.831036793486759, 0.4955183967433795, 0, 0, 0, 0},
            {2.304376582692669, -0.05249275245743001, -1.176798761832782, 0, 0, 0},
            {-7.170454962423024, -4.741636671481785, -16.31002631330971, -1.062004044111401, 0, 0},
            {-7.170454962423024, -4.741636671481785, -16.31002631330971, -1.062004044111401, 1, 0}},
      .C = {{0, 0, 0, 0, 0, 0},
            {-12, 0, 0, 0, 0, 0},
            {-8.791795173947035, -2.207865586973518, 0, 0, 0, 0},
            {10.81793056857153, 6.780270611428266, 19.5348594464241, 0, 0, 0},
            {34.19095006749676, 15.49671153725963, 54.7476087596413, 14.16005392148534, 0, 0},
            {34.62605830930532, 15.30084976114473, 56.99955578662667, 18.40807009793095, -5.714285714285717, 0}},
      .c = {0, 0.75, 0.21, 0.63, 1, 1},
      .d = {0.25, -0.5, -0.023504, -0.0362, 0, 0},
      .b = {-7.170454962423024, -4.741636671481785, -16.31002631330971, -1.062004044111401, 1, 1},
      .e = {0, 0, 0, 0, 0, 1},
      .order = 4,
      .error_order = 3,
  };
};

}  // namespace cubie::methods
