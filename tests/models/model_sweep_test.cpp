// [sweep]: value specs (lists, linspace, logspace with numpy's values), grids, run
// counts and the errors of each.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model_test_util.hpp"

namespace cubie::models::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string with_sweep(const std::string& sweep) { return model_text(valid_equations, "[sweep]\n" + sweep); }

// Expected values come from numpy's formula (i * step + start, last = stop; 10 ** v),
// evaluated in Python without fused multiply-add.
TEST(model_sweep_values, LinspaceMatchesNumpy) {
  std::vector<double> v = linspace(0.0, 21.0, 1000);
  ASSERT_EQ(v.size(), 1000u);
  EXPECT_EQ(v[0], 0.0);
  EXPECT_EQ(v[1], 0.021021021021021023);
  EXPECT_EQ(v[333], 7.000000000000001);
  EXPECT_EQ(v[998], 20.97897897897898);
  EXPECT_EQ(v[999], 21.0);
  EXPECT_THAT(linspace(0.1, 0.7, 7), ElementsAre(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7));
  EXPECT_THAT(linspace(3.0, -1.0, 1), ElementsAre(3.0));
  EXPECT_THAT(linspace(2.0, 2.0, 3), ElementsAre(2.0, 2.0, 2.0));
  EXPECT_THROW((void)linspace(0.0, 1.0, 0), invalid_argument);
}

TEST(model_sweep_values, LogspaceMatchesNumpy) {
  EXPECT_THAT(logspace(-1.0, 1.0, 5), ElementsAre(0.1, 0.31622776601683794, 1.0, 3.1622776601683795, 10.0));
  std::vector<double> v = logspace(-3.0, 2.0, 64);
  EXPECT_EQ(v[17], 0.022346337269165937);
  EXPECT_EQ(v[40], 1.4948691337092328);
}

TEST(model_sweep_values, RunCount) {
  sweep_definition s;
  EXPECT_EQ(run_count(s), 1u);
  s.axes = {{"a", {1, 2, 3}, {}}, {"b", {1, 2}, {}}};
  EXPECT_THROW((void)run_count(s), invalid_argument);  // verbatim, lengths differ
  s.grid = grid_type::combinatorial;
  EXPECT_EQ(run_count(s), 6u);
  s.axes[1].values = {5, 6, 7};
  s.grid = grid_type::verbatim;
  EXPECT_EQ(run_count(s), 3u);
}

TEST(model_sweep_specs, EveryFormInOneFile) {
  model_definition m = parse_model(with_sweep("grid = \"combinatorial\"\n"
                                              "rho = { linspace = [0.0, 1.0, 5] }\n"
                                              "x = { logspace = [0, 2, 3] }\n"
                                              "y = [-1, 0.5]\n"),
                                   "m.toml");
  ASSERT_EQ(m.sweep.axes.size(), 3u);
  EXPECT_THAT(m.sweep.axes[0].values, ElementsAre(0.0, 0.25, 0.5, 0.75, 1.0));
  EXPECT_THAT(m.sweep.axes[1].values, ElementsAre(1.0, 10.0, 100.0));
  EXPECT_THAT(m.sweep.axes[2].values, ElementsAre(-1.0, 0.5));
  EXPECT_EQ(run_count(m.sweep), 30u);
}

TEST(model_sweep_specs, SubTableForm) {
  model_definition m = parse_model(model_text(valid_equations, "[sweep.rho]\nlinspace = [1, 3, 3]\n"), "m.toml");
  ASSERT_EQ(m.sweep.axes.size(), 1u);
  EXPECT_THAT(m.sweep.axes[0].values, ElementsAre(1.0, 2.0, 3.0));
}

TEST(model_sweep_specs, Errors) {
  // [sweep] is on line 13, its first key on line 14
  EXPECT_THAT(error_of(with_sweep("sigma = [1.0]\n")),
              StartsWith("m.toml:14:1: error: 'sigma' is a constant, compiled into the model; only states and "
                         "parameters can be swept"));
  EXPECT_THAT(error_of(with_sweep("sigma = [1.0]\n")), HasSubstr("move 'sigma' from [constants] to [parameters]"));
  EXPECT_THAT(error_of(with_sweep("rh = [1.0]\n")),
              StartsWith("m.toml:14:1: error: unknown key 'rh' in [sweep]; did you mean 'rho'?"));
  EXPECT_THAT(error_of(with_sweep("rh = [1.0]\n")), HasSubstr("note: valid keys of [sweep]: grid, x, y, rho"));
  EXPECT_THAT(error_of(with_sweep("rho = 2.0\n")),
              StartsWith("m.toml:14:7: error: sweep.rho must be a list of numbers, { linspace = [start, stop, count] "
                         "} or { logspace = [start, stop, count] }, but this is a floating-point number"));
  EXPECT_THAT(error_of(with_sweep("rho = []\n")), StartsWith("m.toml:14:7: error: sweep.rho must not be empty"));
  EXPECT_THAT(error_of(with_sweep("rho = [1, \"2\"]\n")),
              StartsWith("m.toml:14:11: error: every element of sweep.rho must be a number, but this is a string"));
  EXPECT_THAT(error_of(with_sweep("rho = { linspace = [0, 1] }\n")),
              StartsWith("m.toml:14:20: error: sweep.rho.linspace must be [start, stop, count]"));
  EXPECT_THAT(error_of(with_sweep("rho = { linspace = [0, 1, 0] }\n")),
              StartsWith("m.toml:14:27: error: sweep.rho.linspace count must be at least 1, got 0"));
  EXPECT_THAT(error_of(with_sweep("rho = { linspace = [0, 1, 2.5] }\n")),
              StartsWith("m.toml:14:27: error: sweep.rho.linspace count must be an integer"));
  EXPECT_THAT(error_of(with_sweep("rho = { linspace = [0, 1, 2], logspace = [0, 1, 2] }\n")),
              StartsWith("m.toml:14:31: error: sweep.rho must hold exactly one of the keys 'linspace' and 'logspace'"));
  EXPECT_THAT(error_of(with_sweep("rho = { range = [0, 1, 2] }\n")),
              StartsWith("m.toml:14:9: error: sweep.rho must hold exactly one of the keys"));
  EXPECT_THAT(error_of(with_sweep("rho = { logspace = [0, 400, 3] }\n")),
              StartsWith("m.toml:14:20: error: sweep.rho.logspace produces values that are not finite"));
  EXPECT_THAT(error_of(with_sweep("grid = \"diagonal\"\n")),
              StartsWith("m.toml:14:8: error: sweep.grid must be \"verbatim\" or \"combinatorial\", got \"diagonal\""));
}

TEST(model_sweep_specs, VerbatimNeedsEquallyLongLists) {
  std::string message = error_of(with_sweep("rho = [1, 2, 3]\nx = [1, 2]\n"));
  EXPECT_THAT(message, StartsWith("m.toml:15:1: error: a verbatim sweep needs lists of one length, but 'x' has 2 "
                                  "values and 'rho' has 3"));
  EXPECT_THAT(message, HasSubstr("note: use grid = \"combinatorial\""));
  EXPECT_EQ(error_of(with_sweep("rho = [1, 2, 3]\nx = [1, 2, 3]\n")), "no error");
}

}  // namespace
}  // namespace cubie::models::testing
