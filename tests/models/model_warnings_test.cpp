// Warnings for what a valid model declares and never uses: a parameter or constant no
// equation reads (with file, line, column and the line quoted), the hint for a [solver] or
// [memory] key typed under [parameters], the note for a swept unused parameter; none for a
// model that uses everything.
#include <gtest/gtest.h>

#include "cubie/models/model_warnings.hpp"
#include "model_test_util.hpp"

namespace {

using namespace cubie::models;
using namespace cubie::models::testing;

std::vector<std::string> warnings_of(const std::string& text) { return model_warnings(parse_model(text, "m.toml")); }

TEST(ModelWarnings, NoneWhenEverythingIsUsed) { EXPECT_TRUE(warnings_of(model_text(valid_equations)).empty()); }

TEST(ModelWarnings, UnusedParameterAndConstantAreNamedWithTheirLine) {
  // rho and sigma unused: dx = -x, dy = -y.
  const auto w = warnings_of(model_text("dx = -x\ndy = -y\n"));
  ASSERT_EQ(w.size(), 2u);
  // [parameters] rho is on line 10, [constants] sigma on line 12 of model_text().
  EXPECT_EQ(w[0].rfind("m.toml:10:1: warning: parameter 'rho' is used by no equation", 0), 0u) << w[0];
  EXPECT_NE(w[0].find("10 | rho = 2.0"), std::string::npos) << w[0];
  EXPECT_EQ(w[1].rfind("m.toml:12:1: warning: constant 'sigma' is used by no equation", 0), 0u) << w[1];
}

TEST(ModelWarnings, UseInsideAnAuxiliaryOrACallCounts) {
  EXPECT_TRUE(warnings_of(model_text("k = sigma * rho\ndx = -k * x\ndy = ifelse(x > 0, -y, max(y, 0))\n")).empty());
}

TEST(ModelWarnings, UseInAnEventConditionOrResetCounts) {
  // The bouncing ball: e is read only by the reset, h_floor only by the condition.
  const std::string text =
      "name = \"ball\"\nequations = \"\"\"\ndh = v\ndv = -g\n\"\"\"\n[states]\nh = 1.0\nv = 0.0\n"
      "[parameters]\ne = 0.8\n[constants]\ng = 9.81\nh_floor = 0.0\nunused = 1.0\n"
      "[events.floor]\ncondition = \"h - h_floor\"\ndirection = \"down\"\naction = \"reset\"\nreset = \"v = -e * v\"\n";
  const auto w = warnings_of(text);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("constant 'unused' is used by no equation"), std::string::npos) << w[0];
}

TEST(ModelWarnings, SolverKeyUnderParametersGetsAHint) {
  const std::string text =
      "name = \"m\"\nequations = \"\"\"\ndx = -rho * x\n\"\"\"\n[states]\nx = 1.0\n[parameters]\nrho = 2.0\n"
      "duration = 5\n";
  const auto w = warnings_of(text);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].rfind("m.toml:9:1: warning: parameter 'duration' is used by no equation", 0), 0u) << w[0];
  EXPECT_NE(w[0].find("note: 'duration' is a [solver] setting; here it declares a parameter and sets nothing: move "
                      "it under [solver]"),
            std::string::npos)
      << w[0];
}

TEST(ModelWarnings, MemoryKeyUnderConstantsGetsAHint) {
  const auto w = warnings_of(model_text(valid_equations) + "min_chunks = 4\n");  // appended to [constants]
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("constant 'min_chunks' is used by no equation"), std::string::npos) << w[0];
  EXPECT_NE(w[0].find("'min_chunks' is a [memory] setting"), std::string::npos) << w[0];
}

TEST(ModelWarnings, SweptUnusedParameterSaysEveryRunIsTheSame) {
  const auto w = warnings_of(model_text("dx = sigma * (y - x)\ndy = -y\n", "[sweep]\nrho = [1.0, 2.0, 3.0]\n"));
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("parameter 'rho' is used by no equation"), std::string::npos) << w[0];
  EXPECT_NE(w[0].find("the sweep varies it, yet every run will give the same result"), std::string::npos) << w[0];
}

}  // namespace
