// rhs_cost() counts what one right-hand side evaluation computes, and decides from it
// which models' CPU code calls the right-hand side instead of inlining it: the
// expensive Pleiades and the four-body test model do, the cheap Lorenz-96 (as many
// states) and the small Lorenz do not.
#include <gtest/gtest.h>

#include <filesystem>

#include "cubie/models/model.hpp"
#include "models/rhs_cost.hpp"

namespace {

namespace fs = std::filesystem;
using cubie::models::detail::outline_rhs_on_cpu;
using cubie::models::detail::rhs_cost;
using cubie::models::detail::rhs_reads_time;

cubie::models::model_definition example(const char* name) {
  return cubie::models::load_model(fs::path(CUBIE_EXAMPLES_DIR) / name);
}

cubie::models::model_definition with_equations(const std::string& equations) {
  return cubie::models::parse_model("name = \"m\"\nequations = \"\"\"\n" + equations +
                                        "\"\"\"\n[states]\nx = 1.0\ny = 0.0\n[parameters]\nk = 2.0\n",
                                    "m.toml");
}

TEST(RhsCost, CountsEachOperationOnceWithItsWeight) {
  // 1 for + - * and negation, 4 for / and sqrt, 16 for other functions.
  EXPECT_EQ(rhs_cost(with_equations("dx = y\ndy = -x\n")), 1.0);
  EXPECT_EQ(rhs_cost(with_equations("dx = k * y + 1\ndy = x / k - sqrt(y)\n")), 2.0 + 4.0 + 4.0 + 1.0);
  EXPECT_EQ(rhs_cost(with_equations("dx = exp(y)\ndy = abs(x)\n")), 16.0 + 1.0);
  // Integer powers are multiplications (x^3: two), negative ones add a division; others call pow.
  EXPECT_EQ(rhs_cost(with_equations("dx = y^3\ndy = x^-2\n")), 2.0 + 1.0 + 4.0 + 0.0);
  EXPECT_EQ(rhs_cost(with_equations("dx = y^1.5\ndy = x\n")), 16.0);
  // An auxiliary is computed once however often it is read; one the derivatives do not
  // read (an observable's) costs the right-hand side nothing.
  EXPECT_EQ(rhs_cost(with_equations("r = sqrt(x * x + y * y)\nunused = exp(x)\ndx = r * y\ndy = r * x\n")),
            4.0 + 3.0 + 2.0);
}

TEST(RhsCost, ExpensiveRightHandSidesOfManyStatesAreCalled) {
  const auto pleiades = example("pleiades.toml");  // 28 states, 21 square roots and divisions
  EXPECT_GE(rhs_cost(pleiades), 8.0 * 28);
  EXPECT_TRUE(outline_rhs_on_cpu(pleiades));
  const auto four_bodies = cubie::models::load_model(fs::path(CUBIE_TEST_DATA_DIR) / "four_bodies.toml");
  EXPECT_TRUE(outline_rhs_on_cpu(four_bodies));
}

TEST(RhsCost, CheapOrSmallRightHandSidesStayInlined) {
  const auto lorenz96 = example("lorenz96.toml");  // 32 states, 4 operations each
  EXPECT_EQ(rhs_cost(lorenz96), 4.0 * 32);
  EXPECT_FALSE(outline_rhs_on_cpu(lorenz96));
  EXPECT_FALSE(outline_rhs_on_cpu(example("lorenz.toml")));  // 3 states
  // Expensive but small: a pack of 2 states stays in registers, worth more than the compile.
  EXPECT_FALSE(outline_rhs_on_cpu(with_equations("dx = exp(sin(y)) / cos(x)\ndy = log(x^1.5)\n")));
}

// Whether dy/dt reads t decides whether the NVRTC model compiler builds a program per loop
// path: directly, through an auxiliary the derivatives read, or through a driver (a signal of
// t); an auxiliary only an observable reads does not count.
TEST(RhsReadsTime, DirectlyThroughAuxiliariesAndDrivers) {
  EXPECT_FALSE(rhs_reads_time(with_equations("dx = y\ndy = -x\n")));
  EXPECT_TRUE(rhs_reads_time(with_equations("dx = y\ndy = -x + sin(t)\n")));
  EXPECT_TRUE(rhs_reads_time(with_equations("f = cos(2 * t)\ndx = y\ndy = -x + f\n")));
  EXPECT_FALSE(rhs_reads_time(with_equations("clock = t\nunused = clock * x\ndx = y\ndy = -x\n")));
  EXPECT_FALSE(rhs_reads_time(example("pleiades.toml")));
  EXPECT_FALSE(rhs_reads_time(example("lorenz96.toml")));
  EXPECT_FALSE(rhs_reads_time(example("lorenz.toml")));
  EXPECT_TRUE(rhs_reads_time(example("driven_oscillator.toml")));
}

}  // namespace
