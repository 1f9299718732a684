// tests/batch/output_types_test.cpp
// The output vocabulary: parsing output_types entries (names, peaks[n], legends), which
// variables land in the time domain and in the summaries, and every refusal with the
// field it names: unknown metric (listing the allowed ones), peaks without n, counts out
// of range, values listed twice, windows that do not fit, variables that do not exist, and
// summaries asked of a system built without summary entry points.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "batch_test_systems.hpp"
#include "cubie/batch/output_types.hpp"
#include "cubie/batch/solve_spec_check.hpp"
#include "cubie/batch/solver.hpp"
#include "summary_test_system.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;

TEST(OutputTypes, ParsesTheDesignsNames) {
  EXPECT_EQ(summary_metric_names().size(), 18u);
  for (const std::string& name : summary_metric_names()) {
    const std::string text = name.find("peaks") != std::string::npos ? name + "[2]" : name;
    const output_type t = parse_output_type(text);
    EXPECT_TRUE(t.is_metric()) << name;
  }
  EXPECT_EQ(parse_output_type("state").what, output_type::kind::state);
  EXPECT_EQ(parse_output_type("observables").what, output_type::kind::observables);
  EXPECT_EQ(parse_output_type("time").what, output_type::kind::time);
  const output_type p = parse_output_type("peaks[ 4 ]");
  EXPECT_EQ(p.metric, summary_metric::peaks);
  EXPECT_EQ(p.count, 4);
  EXPECT_EQ(metric_output_names(p), (std::vector<std::string>{"peaks_1", "peaks_2", "peaks_3", "peaks_4"}));
  EXPECT_EQ(metric_output_names(parse_output_type("peaks[1]")), std::vector<std::string>{"peaks"});
  EXPECT_EQ(metric_output_names(parse_output_type("mean_std_rms")), (std::vector<std::string>{"mean", "std", "rms"}));
  EXPECT_EQ(metric_output_names(parse_output_type("extrema")), (std::vector<std::string>{"max", "min"}));
  EXPECT_EQ(metric_output_names(parse_output_type("d2xdt2_extrema")),
            (std::vector<std::string>{"d2xdt2_max", "d2xdt2_min"}));
}

void expect_parse_error(const std::string& text, const std::string& fragment) {
  try {
    (void)parse_output_type(text);
    ADD_FAILURE() << "'" << text << "' accepted";
  } catch (const invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(OutputTypes, BadEntriesSayWhatIsAllowed) {
  expect_parse_error("median", "'median' is not an output; valid outputs are state, observables, time, iteration_counters, mean");
  expect_parse_error("median", "peaks[n], negative_peaks[n]");
  expect_parse_error("peaks", "peaks needs the number of peaks to record per window, e.g. 'peaks[3]'");
  expect_parse_error("negative_peaks", "negative_peaks needs the number of peaks");
  expect_parse_error("peaks[0]", "must be 1 to 64, got 0");
  expect_parse_error("peaks[65]", "must be 1 to 64, got 65");
  expect_parse_error("peaks[two]", "whole number n of peaks");
  expect_parse_error("peaks[2", "whole number n of peaks");
  expect_parse_error("mean[2]", "mean takes no [n]");
}

const named_arrays lorenz_inits = {{"x", {1.0, 2.0}}, {"y", {0.0}}, {"z", {0.0}}};
const named_arrays lorenz_params = {{"rho", {10.0, 28.0}}};

void expect_refused(const solve_spec& spec, const std::string& field, const std::string& fragment) {
  try {
    check_solve_spec(lorenz_summary_system()->info, spec);
    ADD_FAILURE() << "accepted; expected an error naming " << field;
  } catch (const setting_error& e) {
    EXPECT_EQ(e.field(), field) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
  solver_settings s;
  s.backend = "cpu";
  EXPECT_THROW((void)Solver(lorenz_summary_system(), s).solve(lorenz_inits, lorenz_params, spec), invalid_argument);
}

TEST(OutputTypes, BadRequestsNameTheField) {
  solve_spec spec;
  spec.output_types = std::vector<std::string>{"mean", "medain"};
  expect_refused(spec, "output_types", "'medain' is not an output");
  spec.output_types = std::vector<std::string>{};
  expect_refused(spec, "output_types", "output_types is empty");
  spec.output_types = std::vector<std::string>{"mean", "mean"};
  expect_refused(spec, "output_types", "'mean' is listed twice");
  spec.output_types = std::vector<std::string>{"max", "extrema"};
  expect_refused(spec, "output_types", "'extrema' writes max, which another entry writes already");
  spec.output_types = std::vector<std::string>{"mean_std", "std_rms"};
  expect_refused(spec, "output_types", "writes std");
  spec.output_types = std::vector<std::string>{"peaks"};
  expect_refused(spec, "output_types", "peaks needs the number of peaks");

  spec.output_types = std::vector<std::string>{"mean"};
  spec.summarise_every = 2.0;
  expect_refused(spec, "summarise_every", "summarise_every = 2 exceeds duration = 1");
  spec.summarise_every = 0.5;
  spec.sample_summaries_every = 0.3;
  expect_refused(spec, "sample_summaries_every", "not a whole multiple of sample_summaries_every = 0.29999999999999999");
  spec.sample_summaries_every = -0.1;
  expect_refused(spec, "sample_summaries_every", "it must be a finite number > 0");
  spec.sample_summaries_every = 0.7;
  expect_refused(spec, "sample_summaries_every", "exceeds the window");
  spec.sample_summaries_every.reset();

  spec.summarise_variables = std::vector<std::string>{"x", "q"};
  expect_refused(spec, "summarise_variables", "'q' is neither a state nor an observable; states are x, y, z; observables are r2");
  spec.summarise_variables = std::vector<std::string>{};
  expect_refused(spec, "summarise_variables", "no variable is summarised");
  spec.summarise_variables.reset();
  spec.save_variables = std::vector<std::string>{"x"};
  spec.saved_states = std::vector<std::string>{"y"};
  expect_refused(spec, "save_variables", "not both");
}

TEST(OutputTypes, WhatGoesWhere) {
  solver_settings s;
  s.backend = "cpu";
  s.algorithm = "dopri54";
  Solver solver(lorenz_summary_system(), s);
  const batch_grid grid = batch_grid::build(lorenz_summary_system()->info, lorenz_inits, lorenz_params);
  solve_spec spec;
  // Unset: states and observables over time, no summaries (as before output_types).
  auto l = solver.output_layout(grid, spec);
  EXPECT_EQ(l.variables(), (std::vector<std::string>{"x", "y", "z", "r2"}));
  EXPECT_FALSE(l.has(output_id::summaries));
  // save_variables mixes states and observables; the summaries default to them.
  spec.output_types = std::vector<std::string>{"state", "time", "mean"};
  spec.save_variables = std::vector<std::string>{"r2", "z"};
  l = solver.output_layout(grid, spec);
  EXPECT_EQ(l.variables(), std::vector<std::string>{"z"}) << "only states: 'observables' is not listed";
  EXPECT_EQ(l.summary_legend(), (std::vector<std::string>{"z mean", "r2 mean"}));
  spec.output_types = std::vector<std::string>{"observables", "max"};
  spec.summarise_variables = std::vector<std::string>{"y"};
  l = solver.output_layout(grid, spec);
  EXPECT_EQ(l.variables(), std::vector<std::string>{"r2"});
  EXPECT_EQ(l.summary_legend(), std::vector<std::string>{"y max"});
  // Summaries alone: no time domain at all.
  spec.output_types = std::vector<std::string>{"max"};
  l = solver.output_layout(grid, spec);
  EXPECT_FALSE(l.has(output_id::time_domain));
  EXPECT_EQ(l.n_saves(), 0);
}

TEST(OutputTypes, ASystemWithoutSummaryEntriesSaysHowToGetThem) {
  solver_settings s;
  s.backend = "cpu";
  solve_spec spec;
  spec.output_types = std::vector<std::string>{"state", "mean"};
  try {
    (void)Solver(lorenz_system(), s).solve(lorenz_inits, lorenz_params, spec);
    ADD_FAILURE() << "accepted";
  } catch (const invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("summary_entries<>"), std::string::npos) << e.what();
  }
  // Without summaries the same system solves.
  spec.output_types = std::vector<std::string>{"state"};
  EXPECT_NO_THROW((void)Solver(lorenz_system(), s).solve(lorenz_inits, lorenz_params, spec));
}

}  // namespace
