// --set section.key=value: what each section accepts, and errors that point into the option.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model_test_util.hpp"

namespace cubie::models::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

model_definition base() {
  return parse_model(model_text(valid_equations, "[sweep]\ngrid = \"combinatorial\"\nx = [1.0, 2.0]\n"), "m.toml");
}

TEST(model_override, SolverAndMemoryKeys) {
  model_definition m = base();
  apply_override(m, "solver.duration=2");
  apply_override(m, "solver.algorithm = rk4");
  apply_override(m, "solver.atol=[1e-3, 1e-4]");
  apply_override(m, "solver.save_initial=false");
  apply_override(m, "memory.allocator=pool");
  apply_override(m, "memory.mem_proportion=0.25");
  apply_override(m, "memory.stream_group=\"group one\"");
  EXPECT_EQ(m.spec.duration, 2.0);
  EXPECT_EQ(m.settings.algorithm, "rk4");
  EXPECT_THAT(m.settings.atol, ElementsAre(1e-3, 1e-4));
  EXPECT_FALSE(m.spec.save_initial);
  EXPECT_EQ(m.settings.memory.allocator, "pool");
  EXPECT_EQ(m.settings.memory.mem_proportion, 0.25);
  EXPECT_EQ(m.settings.memory.stream_group, "group one");
}

TEST(model_override, MemoryDevicesAllOrAList) {
  model_definition m = base();
  EXPECT_TRUE(m.settings.memory.devices.empty()) << "the default is every visible GPU";
  apply_override(m, "memory.devices=[1, 0]");
  EXPECT_THAT(m.settings.memory.devices, ElementsAre(1, 0));
  EXPECT_EQ(m.settings.memory.devices_text(), "[1, 0]");
  apply_override(m, "memory.devices=\"all\"");
  EXPECT_TRUE(m.settings.memory.devices.empty());
  EXPECT_EQ(m.settings.memory.devices_text(), "all");
}

TEST(model_override, DeclaredValues) {
  model_definition m = base();
  apply_override(m, "parameters.rho=3");
  apply_override(m, "states.x=0.5");
  apply_override(m, "constants.sigma=12");
  EXPECT_EQ(m.parameters[0].value, 3.0);
  EXPECT_EQ(m.states[0].value, 0.5);
  EXPECT_EQ(m.constants[0].value, 12.0);
}

TEST(model_override, SweepAxesAreReplacedOrAppended) {
  model_definition m = base();
  apply_override(m, "sweep.rho=[1,2]");
  ASSERT_EQ(m.sweep.axes.size(), 2u);
  EXPECT_EQ(m.sweep.axes[1].name, "rho");
  EXPECT_THAT(m.sweep.axes[1].values, ElementsAre(1.0, 2.0));
  apply_override(m, "sweep.x={ linspace = [0, 1, 3] }");
  EXPECT_EQ(m.sweep.axes[0].name, "x");
  EXPECT_THAT(m.sweep.axes[0].values, ElementsAre(0.0, 0.5, 1.0));
  EXPECT_EQ(run_count(m.sweep), 6u);
  apply_override(m, "sweep.x=[7, 8]");
  apply_override(m, "sweep.grid=verbatim");
  EXPECT_EQ(m.sweep.grid, grid_type::verbatim);
  EXPECT_EQ(m.spec.grid, grid_type::verbatim);
  EXPECT_EQ(run_count(m.sweep), 2u);
}

TEST(model_override, TopLevelKeys) {
  model_definition m = base();
  apply_override(m, "precision=float32");
  apply_override(m, "name=renamed");
  EXPECT_EQ(m.precision, precision::float32);
  EXPECT_EQ(m.settings.precision, precision::float32);
  EXPECT_EQ(m.name, "renamed");
}

TEST(model_override, UnknownKeyNamesTheValidKeys) {
  std::string message = override_error_of(base(), "solver.duraton=2");
  EXPECT_THAT(message, StartsWith("--set:1:8: error: unknown key 'duraton' in [solver]; did you mean 'duration'?\n"
                                  " 1 | solver.duraton=2\n"
                                  "   |        ^\n"
                                  "note: valid keys of [solver]: algorithm, step_controller, atol, rtol, dt,"));
  EXPECT_THAT(override_error_of(base(), "states.w=1"),
              StartsWith("--set:1:8: error: unknown key 'w' in [states]"));
  EXPECT_THAT(override_error_of(base(), "states.w=1"), HasSubstr("note: valid keys of [states]: x, y"));
  EXPECT_THAT(override_error_of(base(), "memory.size=1"), HasSubstr("note: valid keys of [memory]: allocator, "));
  EXPECT_THAT(override_error_of(base(), "constants.beta=1"), HasSubstr("valid keys of [constants]: sigma"));
  EXPECT_THAT(override_error_of(base(), "sweep.sigma=[1]"),
              StartsWith("--set:1:7: error: 'sigma' is a constant, compiled into the model"));
  EXPECT_THAT(override_error_of(base(), "sweep.q=[1]"), HasSubstr("valid keys of [sweep]: grid, x, y, rho"));
}

TEST(model_override, UnknownSectionOrMalformedOption) {
  EXPECT_THAT(override_error_of(base(), "solvr.duration=2"),
              StartsWith("--set:1:1: error: cannot set 'solvr'; did you mean 'solver'?"));
  EXPECT_THAT(override_error_of(base(), "equations=dx"), StartsWith("--set:1:1: error: cannot set 'equations'"));
  EXPECT_THAT(override_error_of(base(), "solver.duration"), StartsWith("--set:1:1: error: expected section.key=value"));
  EXPECT_THAT(override_error_of(base(), "solver.duration="), StartsWith("--set:1:16: error: nothing follows '='"));
  EXPECT_THAT(override_error_of(base(), "solver=2"), StartsWith("--set:1:1: error: expected one key after 'solver.'"));
  EXPECT_THAT(override_error_of(base(), "precision.x=2"),
              StartsWith("--set:1:1: error: 'precision' is a top-level key: write precision=value"));
}

TEST(model_override, BadValuesPointAtTheValue) {
  EXPECT_THAT(override_error_of(base(), "solver.duration=long"),
              StartsWith("--set:1:17: error: solver.duration must be a number, but this is a string"));
  EXPECT_THAT(override_error_of(base(), "solver.duration=-2"),
              StartsWith("--set:1:17: error: solver.duration must be greater than 0, got -2"));
  EXPECT_THAT(override_error_of(base(), "parameters.rho=[1]"),
              StartsWith("--set:1:16: error: parameter 'rho' must be a number, but this is an array"));
  EXPECT_THAT(override_error_of(base(), "sweep.rho=[1,"), StartsWith("--set:1:"));
  EXPECT_THAT(override_error_of(base(), "sweep.rho=[1,"), HasSubstr("error: invalid value: "));
  EXPECT_THAT(override_error_of(base(), "precision=half"),
              StartsWith("--set:1:11: error: precision must be \"float32\" or \"float64\", got \"half\""));
  EXPECT_THAT(override_error_of(base(), "memory.allocator=heap"), StartsWith("--set:1:18: error: memory.allocator: "));
  EXPECT_THAT(override_error_of(base(), "solver.algorithm=dopri45"),
              StartsWith("--set:1:18: error: solver.algorithm: unknown method 'dopri45'; did you mean 'dopri5'"));
  EXPECT_THAT(override_error_of(base(), "solver.algorithm=dopri45"), HasSubstr("note: methods: euler, "));
  EXPECT_THAT(override_error_of(base(), "solver.algorithm=\"vern8\""),
              StartsWith("--set:1:18: error: solver.algorithm: unknown method 'vern8'; did you mean 'vern7'?"));
  EXPECT_EQ(override_error_of(base(), "solver.algorithm=dop853"), "no error");
}

TEST(model_override, ConsistencyIsCheckedAgain) {
  EXPECT_THAT(override_error_of(base(), "sweep.grid=verbatim"), StartsWith("no error"));
  model_definition m = base();
  apply_override(m, "sweep.rho=[1, 2, 3]");
  EXPECT_THAT(override_error_of(m, "sweep.grid=verbatim"),
              StartsWith("--set:1:12: error: a verbatim sweep needs lists of one length, but 'rho' has 3 values and "
                         "'x' has 2"));
  m = base();
  apply_override(m, "constants.sigma=1e300");
  EXPECT_THAT(override_error_of(m, "precision=float32"),
              StartsWith("--set:1:11: error: constant 'sigma' = "));
}

}  // namespace
}  // namespace cubie::models::testing
