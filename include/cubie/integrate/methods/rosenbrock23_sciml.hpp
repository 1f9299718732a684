// cubie/integrate/methods/rosenbrock23_sciml.hpp
// Shampine & Reichelt's ode23s pair (SIAM J. Sci. Comput. 18, 1997), as OrdinaryDiffEq.jl's
// Rosenbrock23: second-order L-stable solution, third-order estimate, the last stage at the
// new solution (its f starts the next step). Written here in the transformed form, derived
// from the published one (gamma = d = 1/(2 + sqrt 2), e32 = 6 + sqrt 2; Gamma = d [[1,0,0],
// [-1,1,0],[e32-2,-e32,1]], alpha_21 = 1/2, alpha_32 = 1, error (k1 - 2 k2 + k3)/6).
#pragma once
#include "../rosenbrock_tableau.hpp"
#include "../rosenbrock_stepper.hpp"

namespace cubie::methods {

struct rosenbrock23_sciml {
  static constexpr const char* name = "rosenbrock23_sciml";
  static constexpr double sqrt2 = 1.41421356237309504880;
  static constexpr double inv_d = 2.0 + sqrt2;  // 1 / gamma
  static constexpr rosenbrock_tableau<3> tableau{
      .gamma = 1.0 / inv_d,
      .a = {{0, 0, 0}, {inv_d / 2, 0, 0}, {inv_d, inv_d, 0}},
      .C = {{0, 0, 0}, {-inv_d, 0, 0}, {-2 * inv_d, -(6.0 + sqrt2) * inv_d, 0}},
      .c = {0, 0.5, 1},
      .d = {1.0 / inv_d, 0, -1.0 / inv_d},
      .b = {inv_d, inv_d, 0},
      // b - b_hat, b_hat = (1/6, 2/3, 1/6) Gamma^-1 (third order)
      .e = {-inv_d / 6, -(4.0 + sqrt2) * inv_d / 6, -inv_d / 6},
      .order = 2,
      .error_order = 2,
  };
};

}  // namespace cubie::methods
