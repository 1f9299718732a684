// CSV output: the header order (run, status, parameters, initial values, t, variables), one
// row per run and save, the status of failed runs, and every number in its shortest form
// that reads back exactly (checked against a search over printf's digit counts).
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "cubie/batch/solver.hpp"
#include "cubie/io/csv_writer.hpp"
#include "io_test_dir.hpp"
#include "io_test_system.hpp"

namespace {

using namespace cubie;

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream s(line);
  std::string cell;
  while (std::getline(s, cell, ',')) out.push_back(cell);
  return out;
}

// The fewest significant digits (printf's %.Ng) that read back to `v`, found by trying
// every count: an independent reference for the writer's shortest form.
int fewest_digits(double v, bool as_float) {
  for (int digits = 1; digits <= 17; ++digits) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    const double back = std::strtod(buf, nullptr);
    if (as_float ? static_cast<float>(back) == static_cast<float>(v) : back == v) return digits;
  }
  return 17;
}

// Significant digits written in a cell ("0.050" has 2, "1.5e-07" has 2, "300" has 3... up to
// trailing zeros of an integer, which the shortest form never needs beyond the value).
int digits_in(const std::string& cell) {
  std::string mantissa = cell.substr(0, cell.find_first_of("eE"));
  std::string d;
  for (char c : mantissa)
    if (c >= '0' && c <= '9') d += c;
  const auto first = d.find_first_not_of('0');
  if (first == std::string::npos) return 1;
  d = d.substr(first);
  if (mantissa.find('.') == std::string::npos) {
    const auto last = d.find_last_not_of('0');
    d = d.substr(0, last + 1);
  }
  return static_cast<int>(d.size());
}

/// The cell reads back to exactly `v` (as a float for float32 values) with no more digits
/// than the shortest form needs.
void expect_shortest(const std::string& cell, double v, bool as_float) {
  const double back = std::strtod(cell.c_str(), nullptr);
  if (as_float) EXPECT_EQ(static_cast<float>(back), static_cast<float>(v)) << cell;
  else EXPECT_EQ(back, v) << cell;
  EXPECT_EQ(digits_in(cell), fewest_digits(v, as_float)) << cell << " for " << v;
}

class csv_writer_test : public test::temp_dir_test, public ::testing::WithParamInterface<precision> {};

TEST_P(csv_writer_test, header_rows_status_and_shortest_numbers) {
  const precision p = GetParam();
  auto system = test::lorenz_system();
  Solver solver(system, {.precision = p});
  const batch_grid grid = test::lorenz_grid(*system, 3);
  const SolveResult r = solver.solve(grid, {.duration = 0.15, .save_every = 0.05});
  std::ostringstream out;
  io::write_csv(out, r, grid);

  std::istringstream in(out.str());
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "run,status,t_reached,dt_last,rho,x_0,y_0,z_0,t,x,y,z,r2");
  std::vector<std::vector<std::string>> rows;
  while (std::getline(in, line)) rows.push_back(split(line));
  ASSERT_EQ(rows.size(), 3u * 4u);  // 3 runs x 4 saves, run-major
  const bool as_float = p == precision::float32;
  for (int run = 0; run < 3; ++run) {
    for (int j = 0; j < 4; ++j) {
      const auto& row = rows[run * 4 + j];
      ASSERT_EQ(row.size(), 13u);
      EXPECT_EQ(row[0], std::to_string(run));
      EXPECT_EQ(row[1], "0");  // status
      expect_shortest(row[2], r.t_reached()[static_cast<std::size_t>(run)], false);
      expect_shortest(row[3], r.dt_last()[static_cast<std::size_t>(run)], as_float);
      expect_shortest(row[4], grid.parameter(0, run), false);
      expect_shortest(row[5], grid.initial_value(0, run), false);
      EXPECT_EQ(row[7], "0.25");
      expect_shortest(row[8], r.times()[j], false);
      for (int v = 0; v < 4; ++v) expect_shortest(row[9 + v], r.at(j, v, run), as_float);
    }
  }
  // t_reached of a successful run: the end time, as the last save time is computed (3 x 0.05).
  EXPECT_EQ(std::stod(rows[1][2]), r.times().back());
  EXPECT_EQ(rows[1][8], "0.05");  // not 0.050000000000000003
}

TEST_P(csv_writer_test, failed_runs_carry_their_status) {
  auto system = test::lorenz_system();
  solver_settings settings;
  settings.max_steps = 3;
  settings.precision = GetParam();
  Solver solver(system, settings);
  const batch_grid grid = test::lorenz_grid(*system, 2);
  const SolveResult r = solver.solve(grid, {.duration = 1.0});
  std::ostringstream out;
  io::write_csv(out, r, grid);
  std::istringstream in(out.str());
  std::string line;
  std::getline(in, line);
  int rows = 0;
  while (std::getline(in, line)) {
    const auto row = split(line);
    EXPECT_EQ(row[1], std::to_string(r.status()[static_cast<std::size_t>(std::stoi(row[0]))]));
    EXPECT_EQ(row[1], "32") << line;  // max steps exceeded
    // Where it stopped: after 3 steps, well before the end time 1.0.
    const double t_reached = std::stod(row[2]);
    EXPECT_GT(t_reached, 0.0) << line;
    EXPECT_LT(t_reached, 1.0) << line;
    EXPECT_EQ(t_reached, r.t_reached()[static_cast<std::size_t>(std::stoi(row[0]))]) << line;
    EXPECT_EQ(row[9], "nan") << line;  // failed runs are NaN-filled
    ++rows;
  }
  EXPECT_EQ(rows, 4);  // 2 runs x (initial, final)
}

INSTANTIATE_TEST_SUITE_P(precisions, csv_writer_test, ::testing::Values(precision::float32, precision::float64),
                         [](const auto& info) { return std::string(precision_name(info.param)); });

class csv_file_test : public test::temp_dir_test {};

TEST_F(csv_file_test, file_appears_only_when_complete) {
  auto system = test::lorenz_system();
  Solver solver(system);
  const batch_grid grid = test::lorenz_grid(*system, 2);
  const SolveResult r = solver.solve(grid, {.duration = 0.5});
  io::write_csv(dir_ / "out.csv", r, grid);
  EXPECT_TRUE(std::filesystem::exists(dir_ / "out.csv"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out.partial.csv"));
  std::ifstream in(dir_ / "out.csv");
  std::string header;
  std::getline(in, header);
  EXPECT_EQ(header, "run,status,t_reached,dt_last,rho,x_0,y_0,z_0,t,x,y,z,r2");

  EXPECT_THROW(io::write_csv(dir_ / "missing" / "out.csv", r, grid), error);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "missing"));
}

}  // namespace
