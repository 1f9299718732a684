// The symbolic Jacobian of tests/models/data/piecewise.toml against its derivatives worked
// out by hand: abs -> sign, floor and ceil -> 0, min/max/ifelse -> the active branch, and
// every smooth function of the language (pow, atan2, log10, asin, acos, atan, tan, sinh,
// cosh, tanh, sqrt, exp, log, sin, cos, powers with constant and variable exponents).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "piecewise.hpp"

namespace {

struct derivatives {
  double J[9];
  double dfdt[3];
};

// dx = abs(x - y) + floor(3 x) + ceil(y) + min(x, y^2) + max(x y, z)
// dy = ifelse(x > y, x^3, sin(y) z) + atan2(y, x) + pow(abs(x), a) + log10(2 + z^2)
// dz = sqrt(1 + x^2) exp(-y) + tanh(z) + sinh(x) / cosh(y) + asin(x / 4) + acos(y / 4) + atan(z)
//      + tan(x / 3) + log(3 + y) + cos(z) + 2^x + (1 + z^2)^1.5 + t x
derivatives by_hand(double t, double x, double y, double z, double a) {
  const double sign_xy = x - y < 0 ? -1.0 : 1.0, sign_x = x < 0 ? -1.0 : 1.0;
  const bool min_is_y2 = y * y < x, max_is_z = z > x * y, gate = x > y;
  const double r2 = x * x + y * y, sec2 = 1.0 / (std::cos(x / 3) * std::cos(x / 3));
  derivatives d{};
  d.J[0] = sign_xy + (min_is_y2 ? 0.0 : 1.0) + (max_is_z ? 0.0 : y);
  d.J[1] = -sign_xy + (min_is_y2 ? 2 * y : 0.0) + (max_is_z ? 0.0 : x);
  d.J[2] = max_is_z ? 1.0 : 0.0;
  d.J[3] = (gate ? 3 * x * x : 0.0) - y / r2 + a * std::pow(std::fabs(x), a - 1) * sign_x;
  d.J[4] = (gate ? 0.0 : std::cos(y) * z) + x / r2;
  d.J[5] = (gate ? 0.0 : std::sin(y)) + 2 * z / ((2 + z * z) * std::log(10.0));
  d.J[6] = x / std::sqrt(1 + x * x) * std::exp(-y) + std::cosh(x) / std::cosh(y) +
           1 / (4 * std::sqrt(1 - x * x / 16)) + sec2 / 3 + std::pow(2.0, x) * std::log(2.0) + t;
  d.J[7] = -std::sqrt(1 + x * x) * std::exp(-y) - std::sinh(x) * std::sinh(y) / (std::cosh(y) * std::cosh(y)) -
           1 / (4 * std::sqrt(1 - y * y / 16)) + 1 / (3 + y);
  d.J[8] = 1 - std::tanh(z) * std::tanh(z) + 1 / (1 + z * z) - std::sin(z) + 3 * z * std::sqrt(1 + z * z);
  d.dfdt[2] = x;
  return d;
}

TEST(model_piecewise_derivatives, MatchDerivativesWorkedOutByHand) {
  gen_piecewise<double> sys;
  std::mt19937 rng(17);
  std::uniform_real_distribution<double> u(-3.0, 3.0);
  int branches[6] = {};  // how often each side of the kinks was seen
  for (int i = 0; i < 2000; ++i) {
    const double t = u(rng), x = u(rng), y = u(rng), z = u(rng), a = 1.5;
    if (y <= -2.9) continue;  // log(3 + y)
    double state[3] = {x, y, z}, param[1] = {a}, J[9], dfdt[3];
    sys.jacobian(t, state, param, J);
    sys.time_derivative(t, state, param, dfdt);
    const derivatives ref = by_hand(t, x, y, z, a);
    for (int k = 0; k < 9; ++k) {
      ASSERT_NEAR(J[k], ref.J[k], 1e-13 * (1 + std::fabs(ref.J[k]))) << "J[" << k << "] at " << x << " " << y << " " << z;
    }
    for (int k = 0; k < 3; ++k) ASSERT_NEAR(dfdt[k], ref.dfdt[k], 1e-15) << "dfdt[" << k << "]";
    branches[0] += x - y < 0;
    branches[1] += y * y < x;
    branches[2] += z > x * y;
    branches[3] += x > y;
    branches[4] += x < 0;
    branches[5] += 1;
  }
  for (int b = 0; b < 5; ++b) {
    EXPECT_GT(branches[b], 100) << "branch " << b << " seen too rarely";
    EXPECT_LT(branches[b], branches[5] - 100) << "branch " << b << " taken nearly always";
  }
  EXPECT_FALSE(gen_piecewise<double>::autonomous);
}

TEST(model_piecewise_derivatives, AtTheKinksTheConventionHolds) {
  // At x == y: abs takes the derivative of its x - y >= 0 side (+1), min(x, y^2) with
  // y^2 == x picks x (cubie::math::min returns a unless b < a), ifelse(x > y) its false side.
  gen_piecewise<double> sys;
  double state[3] = {1.0, 1.0, 0.5}, param[1] = {1.5}, J[9];
  sys.jacobian(0.0, state, param, J);
  // d/dx: sign 1, min picks x: 1, max(x y = 1, z = 0.5) picks x y: y = 1
  EXPECT_EQ(J[0], 3.0);
  // d/dy: -1 + 0 (min's x side) + x = 0
  EXPECT_EQ(J[1], 0.0);
  // dy's d/dy at x == y: ifelse false side cos(y) z, plus x / (x^2 + y^2)
  EXPECT_DOUBLE_EQ(J[4], std::cos(1.0) * 0.5 + 0.5);
}

}  // namespace
