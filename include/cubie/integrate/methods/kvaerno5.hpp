// cubie/integrate/methods/kvaerno5.hpp
// Kvaerno's seven-stage ESDIRK 5(4) (BIT 44, 2004): fifth order, L-stable and stiffly
// accurate, gamma = 0.26, with a stiffly accurate fourth-order embedded solution (the sixth
// stage); coefficients to 17 digits as OrdinaryDiffEq.jl lists them; adaptive.
#pragma once
#include "../dirk_stepper.hpp"
#include "../dirk_tableau.hpp"

namespace cubie::methods {

struct kvaerno5 {
  static constexpr const char* name = "kvaerno5";
  static constexpr double g = 0.26;
  static constexpr double a31 = 0.13, a32 = 0.84033320996790809;
  static constexpr double a41 = 0.22371961478320505, a42 = 0.47675532319799699, a43 = -0.06470895363112615;
  static constexpr double a51 = 0.16648564323248321, a52 = 0.10450018841591720, a53 = 0.03631482272098715,
                          a54 = -0.13090704451073998;
  static constexpr double a61 = 0.13855640231268224, a63 = -0.04245337201752043, a64 = 0.02446657898003141,
                          a65 = 0.61943039072480676;
  static constexpr double a71 = 0.13659751177640291, a73 = -0.05496908796538376, a74 = -0.04118626728321046,
                          a75 = 0.62993304899016403, a76 = 0.06962479448202728;
  static constexpr dirk_tableau<7> tableau{
      .a = {{0, 0, 0, 0, 0, 0, 0},
            {g, g, 0, 0, 0, 0, 0},
            {a31, a32, g, 0, 0, 0, 0},
            {a41, a42, a43, g, 0, 0, 0},
            {a51, a52, a53, a54, g, 0, 0},
            {a61, 0, a63, a64, a65, g, 0},
            {a71, 0, a73, a74, a75, a76, g}},
      .b = {a71, 0, a73, a74, a75, a76, g},
      .c = {0.0, 2.0 * g, a31 + a32 + g, a41 + a42 + a43 + g, a51 + a52 + a53 + a54 + g, 1.0, 1.0},
      .e = {a71 - a61, 0, a73 - a63, a74 - a64, a75 - a65, a76 - g, g},
      .order = 5,
      .error_order = 4};
};

}  // namespace cubie::methods
