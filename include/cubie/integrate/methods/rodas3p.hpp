// cubie/integrate/methods/rodas3p.hpp
// Steinebach's Rodas3P (JuliaCon 2024 proceedings, "Rosenbrock methods within
// OrdinaryDiffEq.jl"): third-order, stiffly accurate, five stages of which only three
// evaluate f (stage 3 sits at the step's start, stages 4 and 5 share a point); second-order
// embedded solution u_4-point + u_4, propagated u_4-point + u_5. Coefficients as in
// OrdinaryDiffEq.jl (exact decimals).
#pragma once
#include "../rosenbrock_tableau.hpp"
#include "../rosenbrock_stepper.hpp"

namespace cubie::methods {

struct rodas3p {
  static constexpr const char* name = "rodas3p";
  static constexpr rosenbrock_tableau<5> tableau{
      .gamma = 1.0 / 3,
      .a = {{0, 0, 0, 0, 0},
            {4.0 / 3, 0, 0, 0, 0},
            {0, 0, 0, 0, 0},
            {2.90625, 3.375, 0.40625, 0, 0},
            {2.90625, 3.375, 0.40625, 0, 0}},
      .C = {{0, 0, 0, 0, 0},
            {-4.0, 0, 0, 0, 0},
            {8.25, 6.75, 0, 0, 0},
            {1.21875, -5.0625, -1.96875, 0, 0},
            {4.03125, -15.1875, -4.03125, 6.0, 0}},
      .c = {0, 4.0 / 9, 0, 1, 1},
      .d = {1.0 / 3, -1.0 / 9, 1.0, 0, 0},
      .b = {2.90625, 3.375, 0.40625, 0, 1},
      .e = {0, 0, 0, -1, 1},
      .order = 3,
      .error_order = 2,
  };
};

}  // namespace cubie::methods
