// math::quiet_nan and math::infinity (core/math.hpp): constants, with the host library's bit
// patterns, so what a kernel stores for "none" is the same NaN on every backend. Whether
// NVRTC keeps them constants (no fp64 division in float32 kernels) is sass_check.py's test.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "cubie/core/math.hpp"

namespace {

using cubie::math::infinity;
using cubie::math::quiet_nan;

// Constant expressions: the compiler has nothing left to compute at run time.
static_assert(quiet_nan<double>() != quiet_nan<double>());
static_assert(quiet_nan<float>() != quiet_nan<float>());
static_assert(infinity<double>() > 1.7976931348623157e+308);
static_assert(infinity<float>() > 3.402823466e+38f);

TEST(MathConstants, QuietNanIsTheHostLibrarysQuietNan) {
  EXPECT_TRUE(std::isnan(quiet_nan<double>()));
  EXPECT_TRUE(std::isnan(quiet_nan<float>()));
  EXPECT_EQ(std::bit_cast<std::uint64_t>(quiet_nan<double>()),
            std::bit_cast<std::uint64_t>(std::numeric_limits<double>::quiet_NaN()));
  EXPECT_EQ(std::bit_cast<std::uint32_t>(quiet_nan<float>()),
            std::bit_cast<std::uint32_t>(std::numeric_limits<float>::quiet_NaN()));
}

TEST(MathConstants, InfinityIsTheHostLibrarysInfinity) {
  EXPECT_EQ(infinity<double>(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(infinity<float>(), std::numeric_limits<float>::infinity());
  EXPECT_EQ(-infinity<double>(), -std::numeric_limits<double>::infinity());
}

}  // namespace
