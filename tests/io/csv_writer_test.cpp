// CSV output: the header order (run, parameters, initial values, t, variables), one row
// per run and save, and numbers with enough digits to read back exactly.
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

std::string printf_g(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

class csv_writer_test : public test::temp_dir_test, public ::testing::WithParamInterface<precision> {};

TEST_P(csv_writer_test, header_rows_and_digits) {
  const precision p = GetParam();
  auto system = test::lorenz_system();
  Solver solver(system, {.precision = p});
  const batch_grid grid = test::lorenz_grid(*system, 3);
  const SolveResult r = solver.solve(grid, {.duration = 1.0, .save_every = 0.5});
  std::ostringstream out;
  io::write_csv(out, r, grid);

  std::istringstream in(out.str());
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "run,rho,x_0,y_0,z_0,t,x,y,z,r2");
  std::vector<std::vector<std::string>> rows;
  while (std::getline(in, line)) rows.push_back(split(line));
  ASSERT_EQ(rows.size(), 3u * 3u);  // 3 runs x 3 saves, run-major
  const int digits = p == precision::float32 ? 9 : 17;
  for (int run = 0; run < 3; ++run) {
    for (int j = 0; j < 3; ++j) {
      const auto& row = rows[run * 3 + j];
      ASSERT_EQ(row.size(), 10u);
      EXPECT_EQ(row[0], std::to_string(run));
      EXPECT_EQ(row[1], printf_g(grid.parameter(0, run), 17));
      EXPECT_EQ(row[2], printf_g(grid.initial_value(0, run), 17));
      EXPECT_EQ(row[4], printf_g(0.25, 17));
      EXPECT_EQ(row[5], printf_g(r.times()[j], 17));
      for (int v = 0; v < 4; ++v) {
        EXPECT_EQ(row[6 + v], printf_g(r.at(j, v, run), digits));
        // Reads back to the very value solved.
        const double back = std::strtod(row[6 + v].c_str(), nullptr);
        if (p == precision::float32) EXPECT_EQ(static_cast<float>(back), static_cast<float>(r.at(j, v, run)));
        else EXPECT_EQ(back, r.at(j, v, run));
      }
    }
  }
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
  EXPECT_EQ(header, "run,rho,x_0,y_0,z_0,t,x,y,z,r2");

  EXPECT_THROW(io::write_csv(dir_ / "missing" / "out.csv", r, grid), error);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "missing"));
}

}  // namespace
