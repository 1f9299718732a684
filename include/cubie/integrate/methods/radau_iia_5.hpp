// cubie/integrate/methods/radau_iia_5.hpp
// Radau IIA of order 5 (three stages, Hairer & Wanner IV.5 Table 5.6): L-stable and stiffly
// accurate, solved as RADAU5 does through one real and one complex N x N system (A^-1's
// eigenvalues gamma and alpha +- i beta). Adaptive with RADAU5's embedded estimate (order 3,
// filtered through (gamma/h I - J)^-1). Coefficients from the exact expressions in sqrt(6);
// T, T^-1 and the eigenvalues computed from A at 40 digits (mpmath; T's third row
// normalised to (1, 1, 0) as in SciPy's Radau, its complex pair ordered as RADAU5's);
// the estimate's weights are RADAU5's dd: (-(13 + 7 sqrt 6)/3, (-13 + 7 sqrt 6)/3, -1/3).
#pragma once
#include "../firk_stepper.hpp"
#include "../firk_tableau.hpp"

namespace cubie::methods {

struct radau_iia_5 {
  static constexpr const char* name = "radau_iia_5";
  static constexpr double s6a = 0.19681547722366042587, s6b = -0.065535425850198388109,
                          s6c = 0.023770974348220152420;
  static constexpr double s6d = 0.39442431473908727700, s6e = 0.29207341166522846302,
                          s6f = -0.041548752125997930198;
  static constexpr double b1 = 0.37640306270046727505, b2 = 0.51248582618842161384, b3 = 1.0 / 9.0;
  static constexpr firk_tableau<3, 1, 1> tableau{
      .a = {{s6a, s6b, s6c}, {s6d, s6e, s6f}, {b1, b2, b3}},
      .b = {b1, b2, b3},
      .c = {0.15505102572168219018, 0.64494897427831780982, 1.0},
      .d = {0.0, 0.0, 1.0},
      .T = {{0.094438762488975241487, -0.14125529502095420843, -0.030029194105147424492},
            {0.25021312296533331138, 0.20412935229379993200, 0.38294211275726193780},
            {1.0, 1.0, 0.0}},
      .TI = {{4.1787185915519047273, 0.32768282076106238708, 0.52337644549944954804},
             {-4.1787185915519047273, -0.32768282076106238708, 0.47662355450055045196},
             {-0.50287263494578687595, 2.5719269498556054292, -0.59603920482822492497}},
      .gamma = {3.6378342527444957322},
      .alpha = {2.6810828736277521339},
      .beta = {3.0504301992474105694},
      .e = {-10.048809399827415562, 1.3821427331607488958, -1.0 / 3.0},
      .order = 5,
      .error_order = 3};
};

}  // namespace cubie::methods
