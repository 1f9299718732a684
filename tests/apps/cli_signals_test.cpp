// `cubie run` and `cubie check` on models with drivers and events: the event log in the
// HDF5 file (analytic bounce times), a driver read from a CSV file beside the model, and
// bad drivers and events rejected with exit code 2, a located message and no file.
#include <gtest/gtest.h>

#include <cmath>

#include "cli_runner.hpp"
#include "io/hdf5_reader.hpp"
#include "io/io_test_dir.hpp"

namespace {

using namespace cubie::test;

class cli_signals : public temp_dir_test {
 protected:
  void expect_rejected(const std::filesystem::path& model, const std::string& where, const std::string& message) {
    const auto out = dir_ / "out.h5";
    const cli_result r = run_cli({"run", model.string(), "--backend", "cpu", "--out", out.string()}, dir_);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find(where), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(out));
    EXPECT_FALSE(std::filesystem::exists(dir_ / "out.partial.h5"));
  }
  std::filesystem::path write_model(const std::string& name, const std::string& text) {
    const auto path = dir_ / name;
    std::ofstream(path) << text;
    return path;
  }
};

TEST_F(cli_signals, bouncing_ball_logs_its_bounces) {
  const auto out = dir_ / "ball.h5";
  const cli_result r = run_cli({"run", example("bouncing_ball.toml"), "--backend", "cpu", "--out", out.string()}, dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  h5_reader f(out);
  EXPECT_EQ(f.string_attributes("events"), std::vector<std::string>{"floor"});
  const std::vector<hsize_t> slots = f.shape("event_times");
  ASSERT_EQ(slots.size(), 2u);
  EXPECT_EQ(slots[0], 32u);  // max_events of the example
  const hsize_t runs = slots[1];
  EXPECT_EQ(f.shape("event_states"), (std::vector<hsize_t>{32, 2, runs}));
  const auto times = f.read<double>("event_times");
  const auto ids = f.read<std::uint32_t>("event_ids");
  const auto count = f.read<std::uint32_t>("event_count");
  const auto iv = f.read<double>("inputs/initial_values");
  const auto e = f.read<double>("inputs/parameters");
  for (hsize_t run = 0; run < runs; ++run) {
    const double t1 = std::sqrt(2.0 * iv[run] / 9.81);
    double at = t1, speed = 9.81 * t1;
    ASSERT_GE(count[run], 3u);
    for (hsize_t k = 0; k < std::min<hsize_t>(count[run], 32); ++k) {
      EXPECT_NEAR(times[k * runs + run], at, 1e-9 * at) << "run " << run << " bounce " << k;
      EXPECT_EQ(ids[k * runs + run], 0u);
      speed *= e[run];
      at += 2.0 * speed / 9.81;
    }
  }
}

TEST_F(cli_signals, a_driver_file_beside_the_model) {
  const auto out = dir_ / "spikes.h5";
  const cli_result r =
      run_cli({"run", example("integrate_and_fire.toml"), "--backend", "cpu", "--out", out.string()}, dir_);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  h5_reader f(out);
  const auto count = f.read<std::uint32_t>("event_count");
  ASSERT_EQ(count.size(), 13u);
  for (std::size_t i = 1; i < count.size(); ++i) EXPECT_GE(count[i], count[i - 1]);  // more gain, more spikes
  EXPECT_GT(count.back(), 10u);
  // The observable `current` follows the held stimulus: 0 before 0.1 s, gain x 1.2 after.
  const auto td = f.read<double>("time_domain");
  const auto t = f.read<double>("time");
  const std::size_t vars = 2, n = 13;
  EXPECT_EQ(td[(50 * vars + 1) * n + 0], 0.0);
  EXPECT_DOUBLE_EQ(td[(150 * vars + 1) * n + 0], 0.8 * 1.2);
  EXPECT_DOUBLE_EQ(t[150], 0.15);

  const cli_result check = run_cli({"check", example("integrate_and_fire.toml")}, dir_);
  ASSERT_EQ(check.exit_code, 0) << check.err;
  EXPECT_NE(check.out.find("drivers    I_stim: 11 samples (data/stimulus.csv column 'current')"), std::string::npos)
      << check.out;
  EXPECT_NE(check.out.find("events     spike: V - V_th crossing 0 up, reset (V)"), std::string::npos) << check.out;
}

TEST_F(cli_signals, bad_drivers_and_events_exit_2) {
  const std::string head =
      "name = \"m\"\nequations = \"\"\"\ndx = u - x\n\"\"\"\n[states]\nx = 0.0\n[parameters]\nk = 1.0\n";
  expect_rejected(write_model("missing.toml", head + "[drivers]\nu = { file = \"nope.csv\", column = 0 }\n"),
                  "missing.toml:10:", "no such file");
  std::ofstream(dir_ / "nan.csv") << "t,u\n0,1\n1,nan\n2,3\n";
  expect_rejected(write_model("nan.toml", head + "[drivers]\nwrap = false\nu = { file = \"nan.csv\", column = \"u\", "
                                                 "time_column = \"t\" }\n"),
                  "nan.toml:11:", "nan.csv' line 3, column 'u'");
  std::ofstream(dir_ / "back.csv") << "t,u\n0,1\n2,2\n1,3\n";
  expect_rejected(write_model("back.toml", head + "[drivers]\nwrap = false\nu = { file = \"back.csv\", column = \"u\", "
                                                  "time_column = \"t\" }\n"),
                  "back.toml:11:", "sample times must increase");
  expect_rejected(write_model("shape.toml", head + "[drivers]\ndt = 1.0\nwrap = false\nu = [[1.0, 2.0], [3.0, 4.0]]\n"
                                                   "[sweep]\nk = [1.0, 2.0, 3.0]\n"),
                  "shape.toml:12:", "one signal per run for 2 runs (inline), but the sweep makes 3 runs");
  expect_rejected(write_model("event.toml", head + "[drivers]\ndt = 1.0\nu = [1.0, 1.0]\n[events.hit]\ncondition = "
                                                   "\"x - threshold\"\n"),
                  "event.toml:13:18:", "'threshold' is undeclared");
}

}  // namespace
