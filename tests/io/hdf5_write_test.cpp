// write_hdf5 on an in-memory result, read back with the HDF5 C API: shapes, values bit
// for bit, inputs with broadcast values expanded, attributes and dimension scales.
#include <gtest/gtest.h>

#include <cstring>

#include "cubie/batch/solver.hpp"
#include "cubie/core/error.hpp"
#include "cubie/io/result_paths.hpp"
#include "cubie/io/write_hdf5.hpp"
#include "hdf5_reader.hpp"
#include "io_test_dir.hpp"
#include "io_test_system.hpp"

namespace {

using namespace cubie;
using test::h5_reader;

class write_hdf5_test : public test::temp_dir_test, public ::testing::WithParamInterface<precision> {};

template <class V>
void expect_same_values(const h5_reader& f, const SolveResult& r) {
  const auto file = f.read<V>("time_domain");
  const auto mem = r.time_domain<V>();
  ASSERT_EQ(file.size(), mem.size());
  EXPECT_EQ(std::memcmp(file.data(), mem.data(), mem.size() * sizeof(V)), 0) << "values differ bitwise";
}

TEST_P(write_hdf5_test, round_trip_is_exact_and_complete) {
  const precision p = GetParam();
  auto system = test::lorenz_system();
  Solver solver(system, {.precision = p});
  const batch_grid grid = test::lorenz_grid(*system, 37);
  const SolveResult r = solver.solve(grid, {.duration = 1.0, .save_every = 0.1});
  const io::result_metadata meta = test::test_metadata();

  const auto path = dir_ / "out.h5";
  io::write_hdf5(path, r, grid, meta);
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(io::partial_path(path)));

  h5_reader f(path);
  const hsize_t S = r.n_saves(), V = r.n_vars(), R = r.n_runs();
  EXPECT_EQ(f.shape("time_domain"), (std::vector<hsize_t>{S, V, R}));
  EXPECT_EQ(f.element_type("time_domain"), (std::pair<char, std::size_t>{'f', p == precision::float32 ? 4u : 8u}));
  if (p == precision::float32) expect_same_values<float>(f, r);
  else expect_same_values<double>(f, r);

  EXPECT_EQ(f.read<double>("time"), r.times());
  EXPECT_EQ(f.read_strings("variable"), r.variables());
  const auto runs = f.read<std::int64_t>("run");
  ASSERT_EQ(runs.size(), R);
  for (hsize_t i = 0; i < R; ++i) EXPECT_EQ(runs[i], static_cast<std::int64_t>(i));

  EXPECT_EQ(f.element_type("status"), (std::pair<char, std::size_t>{'u', 4u}));
  const auto status = f.read<std::uint32_t>("status");
  EXPECT_TRUE(std::equal(status.begin(), status.end(), r.status().begin(), r.status().end()));
  const auto acc = f.read<std::uint32_t>("steps_accepted");
  const auto rej = f.read<std::uint32_t>("steps_rejected");
  EXPECT_TRUE(std::equal(acc.begin(), acc.end(), r.steps_accepted().begin(), r.steps_accepted().end()));
  EXPECT_TRUE(std::equal(rej.begin(), rej.end(), r.steps_rejected().begin(), r.steps_rejected().end()));

  // Inputs (variable, run) in double, broadcast columns expanded to every run.
  EXPECT_EQ(f.shape("inputs/initial_values"), (std::vector<hsize_t>{3, R}));
  EXPECT_EQ(f.shape("inputs/parameters"), (std::vector<hsize_t>{1, R}));
  const auto iv = f.read<double>("inputs/initial_values");
  const auto par = f.read<double>("inputs/parameters");
  for (hsize_t r_ = 0; r_ < R; ++r_) {
    for (int s = 0; s < 3; ++s) EXPECT_EQ(iv[s * R + r_], grid.initial_value(s, static_cast<std::int64_t>(r_)));
    EXPECT_EQ(par[r_], grid.parameter(0, static_cast<std::int64_t>(r_)));
  }
  EXPECT_EQ(f.read_strings("inputs/state"), (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(f.read_strings("inputs/parameter"), (std::vector<std::string>{"rho"}));

  // Attributes.
  EXPECT_EQ(f.scalar_attribute<std::uint8_t>("complete"), 1);
  EXPECT_EQ(f.scalar_attribute<std::int64_t>("committed_runs"), static_cast<std::int64_t>(R));
  EXPECT_EQ(f.string_attributes("variables"), r.variables());
  EXPECT_EQ(f.string_attributes("states"), (std::vector<std::string>{"x", "y", "z"}));
  EXPECT_EQ(f.string_attributes("parameters"), (std::vector<std::string>{"rho"}));
  EXPECT_EQ(f.string_attribute("model"), meta.model_text);
  EXPECT_EQ(f.string_attribute("model_name"), "lorenz");
  EXPECT_EQ(f.string_attribute("solver_settings"), meta.solver_settings);
  EXPECT_EQ(f.string_attribute("cubie_version"), CUBIE_VERSION_STRING);
  EXPECT_EQ(f.string_attribute("backend"), "cpu");
  EXPECT_EQ(f.string_attribute("precision"), precision_name(p));
  EXPECT_EQ(f.scalar_attribute<std::int32_t>("n_saved_states"), 3);

  // Dimension scales: named dimensions for netCDF / xarray.
  EXPECT_EQ(f.scale_name("time"), "time");
  EXPECT_EQ(f.scale_name("variable"), "variable");
  EXPECT_EQ(f.scale_name("run"), "run");
  EXPECT_TRUE(f.scale_attached("time_domain", 0, "time"));
  EXPECT_TRUE(f.scale_attached("time_domain", 1, "variable"));
  EXPECT_TRUE(f.scale_attached("time_domain", 2, "run"));
  EXPECT_TRUE(f.scale_attached("status", 0, "run"));
  EXPECT_TRUE(f.scale_attached("steps_accepted", 0, "run"));
  EXPECT_TRUE(f.scale_attached("steps_rejected", 0, "run"));
  EXPECT_TRUE(f.scale_attached("inputs/initial_values", 0, "inputs/state"));
  EXPECT_TRUE(f.scale_attached("inputs/initial_values", 1, "run"));
  EXPECT_TRUE(f.scale_attached("inputs/parameters", 0, "inputs/parameter"));
  EXPECT_TRUE(f.scale_attached("inputs/parameters", 1, "run"));
}

INSTANTIATE_TEST_SUITE_P(precisions, write_hdf5_test, ::testing::Values(precision::float32, precision::float64),
                         [](const auto& info) { return std::string(precision_name(info.param)); });

class write_hdf5_options : public test::temp_dir_test {};

TEST_F(write_hdf5_options, counters_off_omits_step_datasets) {
  auto system = test::lorenz_system();
  Solver solver(system);
  const batch_grid grid = test::lorenz_grid(*system, 5);
  const SolveResult r = solver.solve(grid, {.duration = 0.5, .save_counters = false});
  io::write_hdf5(dir_ / "nocount.h5", r, grid, test::test_metadata());
  h5_reader f(dir_ / "nocount.h5");
  EXPECT_TRUE(f.has("status"));
  EXPECT_FALSE(f.has("steps_accepted"));
  EXPECT_FALSE(f.has("steps_rejected"));
  EXPECT_EQ(f.shape("time_domain"), (std::vector<hsize_t>{2, 4, 5}));
}

TEST_F(write_hdf5_options, compressed_file_holds_the_same_values) {
  auto system = test::lorenz_system();
  Solver solver(system);
  const batch_grid grid = test::lorenz_grid(*system, 300);
  const SolveResult r = solver.solve(grid, {.duration = 1.0, .save_every = 0.01});
  io::write_hdf5(dir_ / "plain.h5", r, grid, test::test_metadata(), {.compression_level = 0});
  io::write_hdf5(dir_ / "gzip.h5", r, grid, test::test_metadata(), {.compression_level = 1});
  h5_reader a(dir_ / "plain.h5"), b(dir_ / "gzip.h5");
  EXPECT_EQ(a.read<double>("time_domain"), b.read<double>("time_domain"));
  EXPECT_EQ(a.read<std::uint32_t>("steps_accepted"), b.read<std::uint32_t>("steps_accepted"));
}

TEST_F(write_hdf5_options, mismatched_grid_and_bad_options_are_rejected) {
  auto system = test::lorenz_system();
  Solver solver(system);
  const SolveResult r = solver.solve(test::lorenz_grid(*system, 4), {.duration = 0.1});
  const batch_grid other = test::lorenz_grid(*system, 5);
  EXPECT_THROW(io::write_hdf5(dir_ / "x.h5", r, other, test::test_metadata()), invalid_argument);
  EXPECT_THROW(io::write_hdf5(dir_ / "y.h5", r, test::lorenz_grid(*system, 4), test::test_metadata(),
                              {.compression_level = 12}),
               invalid_argument);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "x.h5"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "y.h5"));
}

TEST_F(write_hdf5_options, unwritable_path_names_the_file) {
  auto system = test::lorenz_system();
  Solver solver(system);
  const batch_grid grid = test::lorenz_grid(*system, 2);
  const SolveResult r = solver.solve(grid, {.duration = 0.1});
  const auto path = dir_ / "no_such_folder" / "out.h5";
  try {
    io::write_hdf5(path, r, grid, test::test_metadata());
    FAIL() << "expected cubie::error";
  } catch (const error& e) {
    EXPECT_NE(std::string(e.what()).find("out.partial.h5"), std::string::npos) << e.what();
  }
}

}  // namespace
