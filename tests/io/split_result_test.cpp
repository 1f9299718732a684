// A sweep split into work units, each written to its own file by whoever solved it, joined
// by HDF5 virtual datasets: the joined file reads exactly as the file of the whole sweep
// written by one process; while units are missing it says which runs are not done (status
// 1024, run -1, NaN); it keeps working when the folder is moved. Also the unit plan and the
// dispatcher that hands units to processes.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <thread>

#include "cubie/batch/solver.hpp"
#include "cubie/core/error.hpp"
#include "cubie/core/status.hpp"
#include "cubie/io/hdf5_result_writer.hpp"
#include "cubie/io/result_paths.hpp"
#include "cubie/io/split_result.hpp"
#include "cubie/io/split_units.hpp"
#include "cubie/io/write_hdf5.hpp"
#include "hdf5_reader.hpp"
#include "io_test_dir.hpp"
#include "io_test_system.hpp"

namespace {

using namespace cubie;
using io::split_result_file;
using io::unit_dispatcher;
using memory::chunk_range;
using test::h5_reader;
namespace fs = std::filesystem;

TEST(io_split_units, cover_the_sweep_in_order_large_first_then_smaller) {
  for (auto [n, p] : std::vector<std::pair<std::int64_t, int>>{{16'777'216, 2}, {1'000'000, 8}, {1000, 2}, {7, 3}}) {
    SCOPED_TRACE(std::to_string(n) + " runs, " + std::to_string(p) + " processes");
    const auto units = io::plan_work_units(n, p);
    ASSERT_FALSE(units.empty());
    std::int64_t at = 0;
    for (std::size_t u = 0; u < units.size(); ++u) {
      EXPECT_EQ(units[u].begin, at);
      EXPECT_GT(units[u].size(), 0);
      at = units[u].end;
      if (u + 1 < units.size()) {
        if (units[u].size() > 32) EXPECT_EQ(units[u].size() % 32, 0) << "whole warps";
        if (u + 2 < units.size()) EXPECT_GE(units[u].size(), units[u + 1].size()) << "sizes shrink";
      }
    }
    EXPECT_EQ(at, n);
    EXPECT_GE(static_cast<std::int64_t>(units.size()), std::min<std::int64_t>(n, 2 * p)) << "every process gets work";
    EXPECT_LE(static_cast<std::int64_t>(units.size()), 64 * p) << "not too many files";
  }
  EXPECT_EQ(io::plan_work_units(16'777'216, 2).front().size(), 4'194'304) << "a quarter first";
  const auto fixed = io::plan_work_units(10'000, 2, 3'000);
  ASSERT_EQ(fixed.size(), 3u) << "at least 3000 runs each; the rest rides with the last";
  EXPECT_EQ(fixed.back().end, 10'000);
  EXPECT_THROW((void)io::plan_work_units(0, 2), invalid_argument);
  EXPECT_THROW((void)io::plan_work_units(10, 0), invalid_argument);
}

TEST(io_split_units, the_dispatcher_hands_out_units_lowest_first_and_takes_failed_ones_back) {
  unit_dispatcher d({{0, 10}, {10, 20}, {20, 25}}, 2);
  const auto a = d.next(0), b = d.next(1);
  EXPECT_EQ(a.unit, 0);
  EXPECT_EQ(b.unit, 1);
  EXPECT_EQ(d.next(0).unit, 2);
  EXPECT_EQ(d.next(0).what, unit_dispatcher::answer::wait) << "all out, some may come back";
  d.done(0, 0);
  d.failed(1, 1, "device lost");
  EXPECT_EQ(d.next(1).what, unit_dispatcher::answer::finished) << "a failed process takes no more";
  const auto again = d.next(0);
  EXPECT_EQ(again.unit, 1) << "the failed unit goes to another process";
  d.done(0, 1);
  d.done(0, 2);
  EXPECT_TRUE(d.all_done());
  EXPECT_EQ(d.next(0).what, unit_dispatcher::answer::finished);
  const auto acc = d.accounts();
  EXPECT_EQ(acc[0].units, 3);
  EXPECT_EQ(acc[0].runs, 25);
  EXPECT_TRUE(acc[1].retired);
  EXPECT_EQ(acc[1].failure, "device lost");
  EXPECT_THROW(d.done(1, 0), invalid_argument) << "a unit it does not hold";
}

TEST(io_split_units, a_waiting_process_wakes_for_a_returned_unit_and_when_nobody_is_left) {
  unit_dispatcher d({{0, 10}}, 2);
  EXPECT_EQ(d.next(0).unit, 0);
  std::thread waiter([&] {
    const auto g = d.wait_next(1);
    EXPECT_EQ(g.unit, 0);
    d.done(1, 0);
  });
  d.failed(0, 0, "out of memory");
  waiter.join();
  EXPECT_TRUE(d.all_done());

  unit_dispatcher lonely({{0, 10}, {10, 20}}, 1);
  (void)lonely.next(0);
  lonely.failed(0, 0, "broken");
  EXPECT_EQ(lonely.wait_next(0).what, unit_dispatcher::answer::finished);
  EXPECT_FALSE(lonely.all_done());
  EXPECT_EQ(lonely.not_done(), (std::vector<std::int64_t>{0, 1}));
}

class io_split_result : public test::temp_dir_test {
 protected:
  static constexpr int n_runs = 1000;
  solve_spec spec_{.duration = 1.0, .save_every = 0.1};

  // Solves unit u on its own and writes its file, as a process of a split run does.
  void write_unit(Solver& solver, const batch_grid& grid, const fs::path& out, const std::vector<chunk_range>& units,
                  std::int64_t u) {
    const chunk_range r = units[static_cast<std::size_t>(u)];
    const batch_grid part = grid.slice(r.begin, r.end);
    io::result_metadata meta = test::test_metadata();
    meta.written_by = "rank " + std::to_string(u % 2) + " of 2 on test";
    io::hdf5_result_writer w(split_result_file::unit_path(out, units.size(), u), solver.output_layout(part, spec_), part,
                             meta, {}, {.first_run = r.begin});
    (void)solver.solve_to_sink(w, part, spec_);
    w.finish();
  }
};

template <class T>
void expect_same(const h5_reader& a, const h5_reader& b, const std::string& name) {
  const auto x = a.read<T>(name), y = b.read<T>(name);
  ASSERT_EQ(x.size(), y.size()) << name;
  EXPECT_EQ(std::memcmp(x.data(), y.data(), x.size() * sizeof(T)), 0) << name << " differs";
}

TEST_F(io_split_result, the_joined_file_reads_as_the_whole_sweep_written_at_once) {
  auto system = test::lorenz_system();
  const batch_grid grid = test::lorenz_grid(*system, n_runs);
  Solver solver(system, {});
  const fs::path single = dir_ / "single.h5", joined = dir_ / "joined.h5";
  io::write_hdf5(single, solver.solve(grid, spec_), grid, test::test_metadata());

  const auto units = io::plan_work_units(n_runs, 2);
  ASSERT_GE(units.size(), 4u);
  split_result_file::prepare_parts(joined, false);
  split_result_file::create(joined, solver.output_layout(grid, spec_), grid, test::test_metadata(), units);
  EXPECT_TRUE(fs::exists(io::partial_path(joined)));
  // Units finish in any order.
  for (std::int64_t u = static_cast<std::int64_t>(units.size()) - 1; u >= 0; --u) write_unit(solver, grid, joined, units, u);
  split_result_file::seal(joined, solver.output_layout(grid, spec_), units);
  EXPECT_TRUE(fs::exists(joined));
  EXPECT_FALSE(fs::exists(io::partial_path(joined)));

  h5_reader a(single), b(joined);
  expect_same<double>(a, b, "time_domain");
  for (const char* n : {"status", "steps_accepted", "steps_rejected"}) expect_same<std::uint32_t>(a, b, n);
  expect_same<std::int64_t>(a, b, "run");
  expect_same<double>(a, b, "time");
  expect_same<double>(a, b, "inputs/initial_values");
  expect_same<double>(a, b, "inputs/parameters");
  EXPECT_EQ(a.string_attributes("variables"), b.string_attributes("variables"));
  EXPECT_EQ(a.string_attribute("solver_settings"), b.string_attribute("solver_settings"));
  EXPECT_EQ(b.scalar_attribute<std::uint8_t>("complete"), 1);
  EXPECT_EQ(b.scalar_attribute<std::int64_t>("committed_runs"), n_runs);
  EXPECT_FALSE(b.has_attribute("first_run")) << "the joined file looks like any result file";
  EXPECT_TRUE(b.scale_attached("time_domain", 2, "run"));
  EXPECT_TRUE(b.scale_attached("status", 0, "run"));

  // A unit file is a result file of its own runs, numbered as in the sweep.
  h5_reader unit(split_result_file::unit_path(joined, units.size(), 1));
  EXPECT_EQ(unit.scalar_attribute<std::int64_t>("first_run"), units[1].begin);
  EXPECT_EQ(unit.string_attribute("written_by"), "rank 1 of 2 on test");
  const auto runs = unit.read<std::int64_t>("run");
  ASSERT_EQ(static_cast<std::int64_t>(runs.size()), units[1].size());
  EXPECT_EQ(runs.front(), units[1].begin);
  EXPECT_EQ(runs.back(), units[1].end - 1);
}

TEST_F(io_split_result, while_units_are_missing_the_joined_file_says_which_runs_are_done) {
  auto system = test::lorenz_system();
  const batch_grid grid = test::lorenz_grid(*system, n_runs);
  Solver solver(system, {});
  const SolveResult whole = solver.solve(grid, spec_);
  const fs::path out = dir_ / "sweep.h5";
  const auto units = io::plan_work_units(n_runs, 2);
  split_result_file::prepare_parts(out, false);
  split_result_file::create(out, solver.output_layout(grid, spec_), grid, test::test_metadata(), units);
  for (std::int64_t u = 0; u < static_cast<std::int64_t>(units.size()); ++u)
    if (u != 1 && u != 3) write_unit(solver, grid, out, units, u);
  EXPECT_EQ(split_result_file::missing_units(out, units), (std::vector<std::int64_t>{1, 3}));
  try {
    split_result_file::seal(out, solver.output_layout(grid, spec_), units);
    FAIL() << "sealed with units missing";
  } catch (const error& e) {
    EXPECT_NE(std::string(e.what()).find("2 of " + std::to_string(units.size()) + " unit files are missing"),
              std::string::npos)
        << e.what();
  }

  h5_reader r(io::partial_path(out));
  EXPECT_EQ(r.scalar_attribute<std::uint8_t>("complete"), 0);
  const auto status = r.read<std::uint32_t>("status");
  const auto run = r.read<std::int64_t>("run");
  const auto values = r.read<double>("time_domain");
  const std::int64_t n_values_per_run = static_cast<std::int64_t>(values.size()) / n_runs;
  for (std::int64_t i = 0; i < n_runs; ++i) {
    const bool missing = (i >= units[1].begin && i < units[1].end) || (i >= units[3].begin && i < units[3].end);
    if (missing) {
      ASSERT_EQ(status[static_cast<std::size_t>(i)], status_not_integrated) << i;
      ASSERT_EQ(run[static_cast<std::size_t>(i)], -1) << i;
      ASSERT_TRUE(std::isnan(values[static_cast<std::size_t>(i)])) << i;
    } else {
      ASSERT_EQ(status[static_cast<std::size_t>(i)], whole.status()[static_cast<std::size_t>(i)]) << i;
      ASSERT_EQ(run[static_cast<std::size_t>(i)], i);
      for (std::int64_t k = 0; k < n_values_per_run; ++k) {
        const auto at = static_cast<std::size_t>(k * n_runs + i);
        ASSERT_EQ(values[at], whole.time_domain<double>()[at]) << "run " << i;
      }
    }
  }
}

TEST_F(io_split_result, the_joined_file_and_its_parts_move_together) {
  auto system = test::lorenz_system();
  const batch_grid grid = test::lorenz_grid(*system, 200);
  Solver solver(system, {});
  const fs::path out = dir_ / "a" / "sweep.h5";
  fs::create_directories(out.parent_path());
  const auto units = io::plan_work_units(200, 2);
  split_result_file::prepare_parts(out, false);
  split_result_file::create(out, solver.output_layout(grid, spec_), grid, test::test_metadata(), units);
  for (std::int64_t u = 0; u < static_cast<std::int64_t>(units.size()); ++u) write_unit(solver, grid, out, units, u);
  split_result_file::seal(out, solver.output_layout(grid, spec_), units);
  fs::rename(dir_ / "a", dir_ / "b");
  const fs::path cwd = fs::current_path();
  fs::current_path("/");  // the parts are found beside the file, not in the working folder
  {
    h5_reader r(dir_ / "b" / "sweep.h5");
    const auto run = r.read<std::int64_t>("run");
    EXPECT_EQ(run.back(), 199);
    const auto status = r.read<std::uint32_t>("status");
    EXPECT_EQ(std::count(status.begin(), status.end(), status_not_integrated), 0);
  }
  fs::current_path(cwd);
}

TEST_F(io_split_result, an_earlier_runs_parts_are_replaced_only_with_force) {
  const fs::path out = dir_ / "sweep.h5";
  const fs::path parts = io::parts_folder(out);
  EXPECT_EQ(parts, dir_ / "sweep.parts");
  split_result_file::prepare_parts(out, false);
  EXPECT_TRUE(fs::is_directory(parts));
  std::ofstream(parts / "unit-000003.h5") << "old";
  std::ofstream(parts / "unit-000004.partial.h5") << "old";
  std::ofstream(parts / "notes.txt") << "mine";
  try {
    split_result_file::prepare_parts(out, false);
    FAIL();
  } catch (const invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("holds 2 unit files of an earlier split run"), std::string::npos) << e.what();
  }
  split_result_file::prepare_parts(out, true);
  EXPECT_FALSE(fs::exists(parts / "unit-000003.h5"));
  EXPECT_FALSE(fs::exists(parts / "unit-000004.partial.h5"));
  EXPECT_TRUE(fs::exists(parts / "notes.txt")) << "nothing else is touched";
  EXPECT_EQ(split_result_file::unit_path(out, 10, 7), parts / "unit-000007.h5");
  EXPECT_EQ(split_result_file::unit_path(out, 12'000'000, 7).filename(), "unit-00000007.h5");
}

}  // namespace
