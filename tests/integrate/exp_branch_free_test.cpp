// math::exp_branch_free (core/math.hpp; device kernels take it with CUBIE_FAST_EXP=1): against
// the host's long-double exp, within 1 ulp wherever the result is normal and within one unit
// of the last place of the subnormals below, and the special values (0, infinities, NaN, the
// overflow and underflow limits) as exp gives them.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <limits>
#include <random>

#include "cubie/core/math.hpp"

namespace {

using cubie::math::exp_branch_free;

double ulps_off(double x) {
  const long double ref = std::exp(static_cast<long double>(x));
  const double e = exp_branch_free(x);
  const double r = static_cast<double>(ref);
  if (r < DBL_MIN) return std::fabs(static_cast<long double>(e) - ref) / std::ldexp(1.0L, -1074);
  const double ulp = std::nextafter(r, INFINITY) - r;
  return static_cast<double>(std::fabs(static_cast<long double>(e) - ref) / ulp);
}

TEST(ExpBranchFree, WithinOneUlpOverTheWholeRange) {
  std::mt19937_64 rng(14);
  std::uniform_real_distribution<double> wide(-745.0, 709.78), narrow(-1.0, 1.0);
  double worst = 0.0, at = 0.0;
  for (int i = 0; i < 400000; ++i) {
    const double x = i % 2 == 0 ? wide(rng) : narrow(rng);
    const double u = ulps_off(x);
    if (u > worst) worst = u, at = x;
  }
  EXPECT_LE(worst, 1.0) << "at x = " << at;
}

TEST(ExpBranchFree, SpecialValues) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(exp_branch_free(0.0), 1.0);
  EXPECT_EQ(exp_branch_free(-0.0), 1.0);
  EXPECT_EQ(exp_branch_free(inf), inf);
  EXPECT_EQ(exp_branch_free(-inf), 0.0);
  EXPECT_TRUE(std::isnan(exp_branch_free(std::numeric_limits<double>::quiet_NaN())));
  EXPECT_EQ(exp_branch_free(710.0), inf);
  EXPECT_EQ(exp_branch_free(1e300), inf);
  EXPECT_EQ(exp_branch_free(-746.0), 0.0);
  EXPECT_EQ(exp_branch_free(-1e300), 0.0);
  EXPECT_TRUE(std::isfinite(exp_branch_free(709.78)));
  EXPECT_GT(exp_branch_free(-745.0), 0.0);  // the smallest subnormal, not 0
  EXPECT_LE(ulps_off(1.0), 1.0);
  EXPECT_LE(ulps_off(-708.5), 1.0);
}

}  // namespace
