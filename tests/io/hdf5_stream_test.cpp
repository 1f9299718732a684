// The streaming writer: a chunked solve under a small host budget writes the same file
// as an in-memory solve written at once, and a solve stopped part-way leaves
// FILE.partial.h5 with complete = 0 and exactly the chunks that finished.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>

#include "cubie/batch/solver.hpp"
#include "cubie/core/error.hpp"
#include "cubie/core/status.hpp"
#include "cubie/io/hdf5_result_writer.hpp"
#include "cubie/io/monitored_sink.hpp"
#include "cubie/io/result_paths.hpp"
#include "cubie/io/write_hdf5.hpp"
#include "hdf5_reader.hpp"
#include "io_test_dir.hpp"
#include "io_test_system.hpp"

namespace {

using namespace cubie;
using test::h5_reader;

class hdf5_stream_test : public test::temp_dir_test {
 protected:
  // A spec under which some runs exhaust max_steps (status 32, NaN-filled) and others
  // finish, so the files also compare the handling of failed runs.
  solve_spec spec_{.duration = 2.0, .save_every = 0.05};
  static constexpr int n_runs = 1000;

  solver_settings mixed_settings(precision p) {
    Solver probe(test::lorenz_system(), {.precision = p});
    const SolveResult r = probe.solve(test::lorenz_grid(*test::lorenz_system(), n_runs), spec_);
    std::vector<std::uint32_t> steps(r.steps_accepted().begin(), r.steps_accepted().end());
    for (std::size_t i = 0; i < steps.size(); ++i) steps[i] += r.steps_rejected()[i];
    std::nth_element(steps.begin(), steps.begin() + steps.size() / 2, steps.end());
    solver_settings s{.precision = p};
    s.max_steps = steps[steps.size() / 2];
    return s;
  }
};

template <class T>
void expect_same(const h5_reader& a, const h5_reader& b, const std::string& name) {
  const auto x = a.read<T>(name), y = b.read<T>(name);
  ASSERT_EQ(x.size(), y.size()) << name;
  EXPECT_EQ(std::memcmp(x.data(), y.data(), x.size() * sizeof(T)), 0) << name << " differs";
}

void expect_same_files(const std::filesystem::path& p, const std::filesystem::path& q, precision prec) {
  h5_reader a(p), b(q);
  EXPECT_EQ(a.shape("time_domain"), b.shape("time_domain"));
  if (prec == precision::float32) expect_same<float>(a, b, "time_domain");
  else expect_same<double>(a, b, "time_domain");
  for (const char* n : {"status", "steps_accepted", "steps_rejected"}) expect_same<std::uint32_t>(a, b, n);
  expect_same<double>(a, b, "time");
  expect_same<std::int64_t>(a, b, "run");
  expect_same<double>(a, b, "inputs/initial_values");
  expect_same<double>(a, b, "inputs/parameters");
  EXPECT_EQ(a.string_attributes("variables"), b.string_attributes("variables"));
  EXPECT_EQ(a.scalar_attribute<std::uint8_t>("complete"), 1);
  EXPECT_EQ(b.scalar_attribute<std::uint8_t>("complete"), 1);
  EXPECT_EQ(a.scalar_attribute<std::int64_t>("committed_runs"), b.scalar_attribute<std::int64_t>("committed_runs"));
}

class hdf5_stream_precision : public hdf5_stream_test, public ::testing::WithParamInterface<precision> {};

TEST_P(hdf5_stream_precision, small_host_budget_streams_the_same_file_as_an_in_memory_write) {
  const precision p = GetParam();
  auto system = test::lorenz_system();
  const batch_grid grid = test::lorenz_grid(*system, n_runs);
  solver_settings s = mixed_settings(p);

  Solver whole(system, s);
  const SolveResult r = whole.solve(grid, spec_);
  const auto failed = r.failed_runs();
  EXPECT_GT(failed, 0);
  EXPECT_LT(failed, n_runs);
  io::write_hdf5(dir_ / "memory.h5", r, grid, test::test_metadata());

  // About 40 KiB of results per 100 runs: a 64 KiB budget cuts the batch into many chunks.
  s.memory.host_budget_bytes = 64 * 1024;
  Solver chunked(system, s);
  io::hdf5_result_writer writer(dir_ / "stream.h5", chunked.output_layout(grid, spec_), grid, test::test_metadata(),
                                {}, {.nan_fill_failed = s.nan_fill_failed});
  const solve_statistics stats = chunked.solve_to_sink(writer, grid, spec_);
  EXPECT_GT(stats.chunks, 3);
  EXPECT_EQ(writer.committed_chunks(), stats.chunks);
  // The staging ring's two slots hold at most two chunks of results, whatever the batch
  // (each array's part rounded up to 64 bytes).
  const std::int64_t largest = *std::max_element(stats.chunk_runs.begin(), stats.chunk_runs.end());
  const SolveResult::layout layout = chunked.output_layout(grid, spec_);
  EXPECT_GT(stats.staging_peak_bytes, 0u);
  EXPECT_LE(stats.staging_peak_bytes, 2 * (largest * layout.bytes_per_run() + 64 * layout.arrays.size()));
  EXPECT_TRUE(std::filesystem::exists(dir_ / "stream.partial.h5"));
  writer.finish();
  EXPECT_FALSE(std::filesystem::exists(dir_ / "stream.partial.h5"));
  expect_same_files(dir_ / "memory.h5", dir_ / "stream.h5", p);
}

INSTANTIATE_TEST_SUITE_P(precisions, hdf5_stream_precision, ::testing::Values(precision::float32, precision::float64),
                         [](const auto& info) { return std::string(precision_name(info.param)); });

TEST_F(hdf5_stream_test, compressed_stream_with_uneven_chunks_matches) {
  auto system = test::lorenz_system();
  const batch_grid grid = test::lorenz_grid(*system, n_runs);
  solver_settings s = mixed_settings(precision::float64);
  Solver whole(system, s);
  io::write_hdf5(dir_ / "memory.h5", whole.solve(grid, spec_), grid, test::test_metadata());

  // 77-run chunks straddle the file's storage chunks, so edge chunks are written twice.
  s.memory.max_chunk_runs = 77;
  Solver chunked(system, s);
  io::hdf5_result_writer writer(dir_ / "stream.h5", chunked.output_layout(grid, spec_), grid, test::test_metadata(),
                                {.compression_level = 1, .chunk_bytes = 8192}, {.ring_slots = 3});
  EXPECT_EQ(writer.max_in_flight(), 3);
  const solve_statistics stats = chunked.solve_to_sink(writer, grid, spec_);
  EXPECT_GE(stats.chunks, n_runs / 77);
  writer.finish();
  expect_same_files(dir_ / "memory.h5", dir_ / "stream.h5", precision::float64);
}

TEST_F(hdf5_stream_test, interrupted_solve_leaves_partial_file_with_finished_chunks) {
  auto system = test::lorenz_system();
  const batch_grid grid = test::lorenz_grid(*system, n_runs);
  solver_settings s = mixed_settings(precision::float64);
  Solver whole(system, s);
  const SolveResult r = whole.solve(grid, spec_);

  s.memory.max_chunk_runs = 100;  // rounded down to whole SIMD blocks by the planner
  Solver chunked(system, s);
  const auto final_path = dir_ / "cut.h5";
  std::atomic<bool> stop{false};
  int commits = 0;
  i64 cut = 0;
  {
    io::hdf5_result_writer writer(final_path, chunked.output_layout(grid, spec_), grid, test::test_metadata());
    // Ctrl-C arrives during the second chunk: that chunk is kept, no later chunk starts.
    io::monitored_sink sink(writer, grid.n_runs(), precision::float64, [&](i64 committed, i64) {
      cut = committed;
      if (++commits == 2) stop = true;
    }, &stop);
    EXPECT_THROW((void)chunked.solve_to_sink(sink, grid, spec_), io::interrupted);
    EXPECT_EQ(sink.committed_chunks(), 2);
    EXPECT_EQ(writer.committed_runs(), cut);
    // The tally covers the committed runs only, flag by flag.
    const auto st = r.status().subspan(0, static_cast<std::size_t>(cut));
    EXPECT_EQ(sink.tally().runs, cut);
    EXPECT_EQ(sink.tally().failed, std::count_if(st.begin(), st.end(), [](u32 v) { return v != 0; }));
    EXPECT_EQ(sink.tally().max_steps_exceeded,
              std::count_if(st.begin(), st.end(), [](u32 v) { return (v & status_max_steps_exceeded) != 0; }));
    EXPECT_GT(sink.tally().failed, 0);
    // Where the failed committed runs stopped: their t_reached range and smallest dt_last.
    const auto t_reached = r.t_reached();
    const std::vector<double> dt_last = r.dt_last();
    double t_min = 1e300, t_max = -1e300, dt_min = 1e300;
    i64 failed = 0;
    for (std::size_t i = 0; i < st.size(); ++i) {
      if (st[i] == 0) continue;
      ++failed;
      t_min = std::min(t_min, t_reached[i]);
      t_max = std::max(t_max, t_reached[i]);
      dt_min = std::min(dt_min, dt_last[i]);
    }
    EXPECT_EQ(sink.tally().stopped_early, failed);
    EXPECT_EQ(sink.tally().stopped_t_min, t_min);
    EXPECT_EQ(sink.tally().stopped_t_max, t_max);
    EXPECT_EQ(sink.tally().stopped_dt_min, dt_min);
    EXPECT_LT(t_max, spec_.duration);  // t0 = 0: max-steps failures end before the span does
  }
  ASSERT_GT(cut, 0);
  ASSERT_LT(cut, n_runs);
  EXPECT_FALSE(std::filesystem::exists(final_path));
  const auto partial = io::partial_path(final_path);
  ASSERT_TRUE(std::filesystem::exists(partial));

  h5_reader f(partial);
  EXPECT_EQ(f.scalar_attribute<std::uint8_t>("complete"), 0);
  EXPECT_EQ(f.scalar_attribute<std::int64_t>("committed_runs"), cut);
  const auto status = f.read<std::uint32_t>("status");
  const auto runs = f.read<std::int64_t>("run");
  const auto values = f.read<double>("time_domain");
  const auto mem = r.time_domain<double>();
  const std::size_t R = n_runs, rows = values.size() / R, done = static_cast<std::size_t>(cut);
  for (std::size_t i = 0; i < R; ++i) {
    if (i < done) {
      EXPECT_EQ(status[i], r.status()[i]) << i;
      EXPECT_EQ(runs[i], static_cast<std::int64_t>(i));
    } else {
      EXPECT_EQ(status[i], status_not_integrated) << i;
      EXPECT_EQ(runs[i], -1);
    }
  }
  for (std::size_t row = 0; row < rows; ++row) {
    for (std::size_t i = 0; i < R; ++i) {
      const double v = values[row * R + i];
      if (i < done) EXPECT_EQ(std::memcmp(&v, &mem[row * R + i], sizeof v), 0) << row << "," << i;
      else ASSERT_TRUE(std::isnan(v)) << row << "," << i;
    }
  }
  // The inputs of every run are there from the start.
  EXPECT_EQ(f.read<double>("inputs/parameters").size(), R);
  EXPECT_EQ(f.read<double>("inputs/parameters")[R - 1], grid.parameter(0, n_runs - 1));
}

TEST_F(hdf5_stream_test, finish_requires_every_run_and_discard_removes_the_file) {
  auto system = test::lorenz_system();
  const batch_grid grid = test::lorenz_grid(*system, 10);
  Solver solver(system);
  const solve_spec spec{.duration = 0.1};
  io::hdf5_result_writer writer(dir_ / "d.h5", solver.output_layout(grid, spec), grid, test::test_metadata());
  EXPECT_THROW(writer.finish(), internal_error);
  EXPECT_THROW(writer.commit(0, 10), internal_error);  // no view was handed out
  ASSERT_TRUE(std::filesystem::exists(dir_ / "d.partial.h5"));
  writer.discard();
  EXPECT_FALSE(std::filesystem::exists(dir_ / "d.partial.h5"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "d.h5"));
}

TEST_F(hdf5_stream_test, views_beyond_the_ring_are_refused) {
  auto system = test::lorenz_system();
  const batch_grid grid = test::lorenz_grid(*system, 10);
  Solver solver(system);
  const solve_spec spec{.duration = 0.1};
  io::hdf5_result_writer writer(dir_ / "r.h5", solver.output_layout(grid, spec), grid, test::test_metadata(), {},
                                {.ring_slots = 2});
  (void)writer.view(0, 4);
  (void)writer.view(4, 8);
  EXPECT_THROW((void)writer.view(8, 10), internal_error);
}

}  // namespace
