// The output keys of [solver] (output_types, save_variables, summarise_variables,
// summarise_every, sample_summaries_every, save_times): read into the solve_spec, and every
// mistake reported at its file, line and column, with what is allowed; also through --set.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "model_test_util.hpp"

namespace cubie::models::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// model_text() puts [solver] on line 13: its first key is on line 14.
std::string with_solver(std::string_view keys) { return model_text(valid_equations, "[solver]\n" + std::string(keys)); }

TEST(model_outputs, KeysAreRead) {
  const model_definition m = parse_model(
      with_solver("output_types = [\"state\", \"mean\", \"peaks[3]\"]\nsave_variables = [\"x\"]\n"
                  "summarise_variables = [\"y\", \"x\"]\nsummarise_every = 0.5\nsample_summaries_every = 0.05\n"
                  "save_times = [0, 0.25, 1]\n"),
      "m.toml");
  EXPECT_EQ(*m.spec.output_types, (std::vector<std::string>{"state", "mean", "peaks[3]"}));
  EXPECT_EQ(*m.spec.save_variables, std::vector<std::string>{"x"});
  EXPECT_EQ(*m.spec.summarise_variables, (std::vector<std::string>{"y", "x"}));
  EXPECT_EQ(*m.spec.summarise_every, 0.5);
  EXPECT_EQ(*m.spec.sample_summaries_every, 0.05);
  EXPECT_EQ(*m.spec.save_times, (std::vector<double>{0.0, 0.25, 1.0}));
}

TEST(model_outputs, UnknownMetricListsTheAllowedOnes) {
  const std::string message = error_of(with_solver("output_types = [\"mean\", \"median\"]\n"));
  EXPECT_THAT(message, StartsWith("m.toml:14:25: error: solver.output_types: 'median' is not an output; valid "
                                  "outputs are state, observables, time, iteration_counters, mean, max, min, rms, std"));
  EXPECT_THAT(message, HasSubstr("peaks[n], negative_peaks[n], dxdt_max"));
}

TEST(model_outputs, PeaksWithoutACount) {
  EXPECT_THAT(error_of(with_solver("output_types = [\"peaks\"]\n")),
              StartsWith("m.toml:14:17: error: solver.output_types: 'peaks': peaks needs the number of peaks to "
                         "record per window, e.g. 'peaks[3]' (1 to 64)"));
  EXPECT_THAT(error_of(with_solver("output_types = [\"max\", \"peaks[0]\"]\n")),
              StartsWith("m.toml:14:24: error: solver.output_types: 'peaks[0]': the number of peaks must be 1 to 64"));
}

TEST(model_outputs, ValuesListedTwice) {
  EXPECT_THAT(error_of(with_solver("output_types = [\"mean\", \"mean\"]\n")),
              StartsWith("m.toml:14:25: error: solver.output_types: 'mean' is listed twice"));
  // max and extrema both write max: found once the whole request is known, at the key.
  EXPECT_THAT(error_of(with_solver("output_types = [\"max\", \"extrema\"]\n")),
              StartsWith("m.toml:14:1: error: solver.output_types: 'extrema' writes max, which another entry writes"));
}

TEST(model_outputs, VariablesMustExist) {
  EXPECT_THAT(error_of(with_solver("output_types = [\"mean\"]\nsummarise_variables = [\"x\", \"q\"]\n")),
              StartsWith("m.toml:15:29: error: solver.summarise_variables: 'q' is not a state or an observable"));
  EXPECT_THAT(error_of(with_solver("save_variables = [\"y\", \"y\"]\n")),
              StartsWith("m.toml:14:24: error: solver.save_variables: 'y' is listed twice"));
}

TEST(model_outputs, SaveTimes) {
  EXPECT_THAT(error_of(with_solver("save_times = [0, 0.5, 0.5]\n")),
              StartsWith("m.toml:14:23: error: solver.save_times[2] = 0.5 is not after the time before it (0.5); "
                         "save times must be strictly increasing"));
  EXPECT_THAT(error_of(with_solver("save_times = [0, \"1\"]\n")), StartsWith("m.toml:14:18: error: solver.save_times[1]"));
  EXPECT_THAT(error_of(with_solver("save_times = []\n")), StartsWith("m.toml:14:14: error: solver.save_times is empty"));
  // Against the span, once t0 and duration are known (they may follow in the file).
  EXPECT_THAT(error_of(with_solver("save_times = [0, 3]\nduration = 2\n")),
              StartsWith("m.toml:14:1: error: solver.save_times[1] = 3 is outside the recorded span [0, 2]"));
  EXPECT_THAT(error_of(with_solver("save_times = [0.5]\nsave_every = 0.1\n")),
              StartsWith("m.toml:14:1: error: solver.save_times and save_every both given"));
}

TEST(model_outputs, SummaryWindows) {
  EXPECT_THAT(error_of(with_solver("output_types = [\"mean\"]\nsummarise_every = 0.5\nsample_summaries_every = 0.3\n")),
              StartsWith("m.toml:16:1: error: solver.summarise_every = 0.5 is not a whole multiple of "
                         "sample_summaries_every = 0.29999999999999999"));
  EXPECT_THAT(error_of(with_solver("output_types = [\"mean\"]\nsummarise_every = 2\n")),
              StartsWith("m.toml:15:1: error: solver.summarise_every = 2 exceeds duration = 1"));
  EXPECT_THAT(error_of(with_solver("summarise_every = -1\n")),
              StartsWith("m.toml:14:19: error: solver.summarise_every must be greater than 0, got -1"));
}

TEST(model_outputs, Overrides) {
  const model_definition m = parse_model(with_solver("output_types = [\"state\"]\n"), "m.toml");
  EXPECT_THAT(override_error_of(m, "solver.output_types=[\"mean\", \"peaks\"]"),
              StartsWith("--set:1:30: error: solver.output_types: 'peaks': peaks needs the number of peaks"));
  EXPECT_THAT(override_error_of(m, "solver.save_times=[0, 5]"),
              StartsWith("--set:1:19: error: solver.save_times[1] = 5 is outside the recorded span [0, 1]"));
  model_definition changed = m;
  apply_override(changed, "solver.output_types=[\"max\", \"negative_peaks[2]\"]");
  EXPECT_EQ(*changed.spec.output_types, (std::vector<std::string>{"max", "negative_peaks[2]"}));
}

}  // namespace
}  // namespace cubie::models::testing
