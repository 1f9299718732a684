// [drivers] and [events] of model files: samples inline and from CSV, .npy and HDF5 files
// (written here), shared settings and per-driver overrides, one signal per run, events'
// conditions and resets, the generated code; and every bad input as a located error.
#include <gtest/gtest.h>

#include <hdf5.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cubie/models/codegen.hpp"
#include "cubie/models/model.hpp"
#include "model_test_util.hpp"

namespace cubie::models {
namespace {

namespace fs = std::filesystem;

class SignalFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("cubie_signals_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }

  // A .npy file of doubles (C order) with the given shape.
  void write_npy(const std::string& name, const std::vector<double>& v, std::vector<std::size_t> shape) const {
    std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (";
    for (std::size_t s : shape) dict += std::to_string(s) + ", ";
    if (shape.size() == 2) dict.resize(dict.size() - 2);
    dict += "), }";
    while ((10 + dict.size() + 1) % 64 != 0) dict += ' ';
    dict += '\n';
    std::string out = "\x93NUMPY";
    out += '\x01';
    out += '\x00';
    const auto len = static_cast<std::uint16_t>(dict.size());
    out += static_cast<char>(len & 0xff);
    out += static_cast<char>(len >> 8);
    out += dict;
    out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(double));
    write(name, out);
  }

  // An HDF5 file with datasets /group/NAME (doubles).
  void write_h5(const std::string& name, const std::vector<std::pair<std::string, std::vector<double>>>& sets,
                const std::vector<hsize_t>& dims2 = {}) const {
    const hid_t f = H5Fcreate((dir_ / name).c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    const hid_t g = H5Gcreate2(f, "signals", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    for (const auto& [set, values] : sets) {
      hsize_t n = values.size();
      const bool two_d = !dims2.empty() && set == "per_run";
      const hid_t space = two_d ? H5Screate_simple(2, dims2.data(), nullptr) : H5Screate_simple(1, &n, nullptr);
      const hid_t d = H5Dcreate2(g, set.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
      H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
      H5Dclose(d);
      H5Sclose(space);
    }
    H5Gclose(g);
    H5Fclose(f);
  }

  [[nodiscard]] model_definition parse(const std::string& tail) const {
    return parse_model(testing::model_text(equations_, tail), (dir_ / "m.toml").string());
  }
  [[nodiscard]] std::string error(const std::string& tail) const {
    try {
      (void)parse(tail);
    } catch (const model_error& e) {
      return e.what();
    }
    return "no error";
  }

  fs::path dir_;
  std::string equations_ = "dx = sigma * (y - x) + u\ndy = x * rho - y\n";
};

TEST_F(SignalFiles, InlineSamplesAndSharedSettings) {
  const model_definition m = parse("[drivers]\ndt = 0.5\nt0 = 1.0\nwrap = false\nu = [0.0, 1.0, 0.5, 0.25]\n");
  ASSERT_EQ(m.drivers.size(), 1u);
  EXPECT_EQ(m.drivers[0].name, "u");
  EXPECT_EQ(m.drivers[0].origin, "inline");
  const driver_signal& s = m.spec.drivers.at(0);
  EXPECT_EQ(s.samples, (std::vector<double>{0.0, 1.0, 0.5, 0.25}));
  EXPECT_EQ(s.dt, 0.5);
  EXPECT_EQ(s.t0, 1.0);
  EXPECT_FALSE(s.wrap);
  EXPECT_EQ(s.order, 3);
  EXPECT_EQ(s.runs, 0);
  // The driver reads like t in the equations: drv[0] in the generated code.
  const std::string code = generate_system_source(m, "gen");
  EXPECT_NE(code.find("static constexpr int n_drivers = 1;"), std::string::npos) << code;
  EXPECT_NE(code.find("driver_names = \"u\""), std::string::npos);
  EXPECT_NE(code.find("rhs(S /*t*/, const S* y, const S* p, const S* drv, S* dydt)"), std::string::npos) << code;
  EXPECT_NE(code.find("+ drv[0]"), std::string::npos) << code;
}

TEST_F(SignalFiles, FilesOfEveryKind) {
  write("stim.csv", "# a comment\nt,a,b\n0.0,1.0,5.0\n0.1,2.0,6.0\n0.2,3.0,7.0\n0.3,1.0,8.0\n");
  write_npy("one.npy", {4.0, 3.0, 2.0, 1.0}, {4});
  write_npy("runs.npy", {1, 10, 2, 20, 3, 30}, {3, 2});  // 3 samples x 2 runs
  write_h5("sig.h5", {{"w", {9.0, 8.0, 7.0}}, {"t", {0.0, 0.25, 0.5}}});
  equations_ = "dx = a + b + c + w + z\ndy = -y\n";
  const model_definition m = parse(
      "[drivers]\ndt = 0.1\nwrap = false\n"
      "a = { file = \"stim.csv\", column = \"a\", time_column = \"t\" }\n"
      "b = { file = \"stim.csv\", column = 2, order = 1 }\n"
      "c = { file = \"one.npy\", dt = 0.2, t0 = -1.0 }\n"
      "w = { file = \"sig.h5\", dataset = \"/signals/w\", time_dataset = \"/signals/t\", order = 0 }\n"
      "z = { file = \"runs.npy\" }\n"
      "[sweep]\nrho = [1.0, 2.0]\n");
  ASSERT_EQ(m.spec.drivers.size(), 5u);
  const driver_signal &a = m.spec.drivers[0], &b = m.spec.drivers[1], &c = m.spec.drivers[2], &w = m.spec.drivers[3],
                      &z = m.spec.drivers[4];
  EXPECT_EQ(a.samples, (std::vector<double>{1, 2, 3, 1}));
  EXPECT_EQ(a.time, (std::vector<double>{0.0, 0.1, 0.2, 0.3}));
  EXPECT_FALSE(a.dt);
  EXPECT_EQ(b.samples, (std::vector<double>{5, 6, 7, 8}));
  EXPECT_EQ(b.dt, 0.1);
  EXPECT_EQ(b.order, 1);
  EXPECT_EQ(c.samples, (std::vector<double>{4, 3, 2, 1}));
  EXPECT_EQ(c.dt, 0.2);
  EXPECT_EQ(c.t0, -1.0);
  EXPECT_EQ(w.samples, (std::vector<double>{9, 8, 7}));
  EXPECT_EQ(w.time, (std::vector<double>{0.0, 0.25, 0.5}));
  EXPECT_EQ(w.order, 0);
  EXPECT_EQ(z.runs, 2);
  EXPECT_EQ(z.samples, (std::vector<double>{1, 10, 2, 20, 3, 30}));
  EXPECT_EQ(m.drivers[0].origin, "stim.csv column 'a'");
  EXPECT_EQ(m.drivers[3].origin, "sig.h5 dataset '/signals/w'");
}

TEST_F(SignalFiles, PerRunFromHdf5AndInline) {
  write_h5("runs.h5", {{"per_run", {1, 2, 3, 4, 5, 6, 7, 8}}}, {4, 2});
  equations_ = "dx = u + v\ndy = -y\n";
  const model_definition m =
      parse("[drivers]\ndt = 1.0\nwrap = false\nu = { file = \"runs.h5\", dataset = \"/signals/per_run\" }\n"
            "v = [[1.0, 2.0], [3.0, 4.0]]\n[sweep]\nx = [0.0, 1.0]\n");
  EXPECT_EQ(m.spec.drivers[0].runs, 2);
  EXPECT_EQ(m.spec.drivers[0].n_samples(), 4);
  EXPECT_EQ(m.spec.drivers[1].runs, 2);
  EXPECT_EQ(m.spec.drivers[1].samples, (std::vector<double>{1, 2, 3, 4}));
}

TEST_F(SignalFiles, BadDriversAreLocatedErrors) {
  write("stim.csv", "t,a\n0.0,1.0\n0.1,nan\n0.2,3.0\n");
  write("back.csv", "t,a\n0.0,1.0\n0.2,2.0\n0.1,3.0\n");
  write_npy("cube.npy", std::vector<double>(8, 1.0), {2, 2});
  // A missing file: file, line and field.
  std::string e = error("[drivers]\ndt = 0.1\nu = { file = \"missing.csv\", column = \"a\" }\n");
  EXPECT_NE(e.find("m.toml:15:"), std::string::npos) << e;
  EXPECT_NE(e.find("drivers.u: cannot read"), std::string::npos) << e;
  EXPECT_NE(e.find("no such file"), std::string::npos) << e;
  // NaN in a CSV: its line.
  e = error("[drivers]\ndt = 0.1\nu = { file = \"stim.csv\", column = \"a\" }\n");
  EXPECT_NE(e.find("stim.csv' line 3, column 'a'"), std::string::npos) << e;
  // Unknown column: the ones there are.
  e = error("[drivers]\ndt = 0.1\nu = { file = \"stim.csv\", column = \"b\" }\n");
  EXPECT_NE(e.find("has no column 'b'; its columns are t, a"), std::string::npos) << e;
  // Times that go back.
  e = error("[drivers]\nwrap = false\nu = { file = \"back.csv\", column = \"a\", time_column = \"t\" }\n");
  EXPECT_NE(e.find("m.toml:15:1"), std::string::npos) << e;
  EXPECT_NE(e.find("sample times must increase, but time[2]"), std::string::npos) << e;
  // Wrong shape: a 2-D array as times.
  e = error("[drivers]\ntime = { file = \"cube.npy\" }\nu = [1.0, 2.0]\n");
  EXPECT_NE(e.find("must be one column, but it has 2"), std::string::npos) << e;
  // One signal per run that does not match the sweep.
  e = error("[drivers]\ndt = 1.0\nwrap = false\nu = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]\n[sweep]\nrho = [1.0, 2.0]\n");
  EXPECT_NE(e.find("one signal per run for 3 runs (inline), but the sweep makes 2 runs"), std::string::npos) << e;
  // Inline NaN, no times, periodic mismatch, bad order, name clash, rows of unequal length.
  e = error("[drivers]\ndt = 0.1\nu = [1.0, nan, 1.0]\n");
  EXPECT_NE(e.find("sample 1 is nan"), std::string::npos) << e;
  e = error("[drivers]\nu = [1.0, 2.0, 1.0]\n");
  EXPECT_NE(e.find("give the sample times"), std::string::npos) << e;
  e = error("[drivers]\ndt = 0.1\nu = [1.0, 2.0]\n");
  EXPECT_NE(e.find("first and last samples equal"), std::string::npos) << e;
  e = error("[drivers]\ndt = 0.1\norder = 2\nu = [1.0, 2.0, 1.0]\n");
  EXPECT_NE(e.find("drivers.order must be 0 (each sample held), 1 (linear) or 3 (cubic spline), got 2"), std::string::npos) << e;
  equations_ = "dx = -x\ndy = -y\n";
  e = error("[drivers]\ndt = 0.1\nrho = [1.0, 1.0]\n");
  EXPECT_NE(e.find("'rho' is declared twice: as a parameter"), std::string::npos) << e;
  e = error("[drivers]\ndt = 0.1\nwrap = false\nu = [[1.0, 2.0], [3.0]]\n");
  EXPECT_NE(e.find("needs one value per run (2), but this one has 1"), std::string::npos) << e;
  e = error("[drivers]\ndt = 0.1\nu = { file = \"stim.csv\", colum = \"a\" }\n");
  EXPECT_NE(e.find("unknown key 'colum' in [drivers.u]; did you mean 'column'?"), std::string::npos) << e;
}

TEST(ModelEvents, ConditionsResetsAndTheGeneratedCode) {
  const std::string text = testing::model_text(
      "dx = y\ndy = -rho * x\nenergy = x * x + y * y\n",
      "[events.wall]\ncondition = \"x + 0.5\"\ndirection = \"down\"\naction = \"reset\"\n"
      "reset = \"\"\"\ny = -0.9 * y\nx = -0.5 + 0 * energy\n\"\"\"\n"
      "[events.high]\ncondition = \"energy - sigma\"\ndirection = \"up\"\naction = \"terminate\"\n"
      "[events.cross]\ncondition = \"x\"\n");
  const model_definition m = parse_model(text, "m.toml");
  ASSERT_EQ(m.events.size(), 3u);
  EXPECT_EQ(m.events[0].name, "wall");
  EXPECT_EQ(m.events[0].direction, event_direction::down);
  EXPECT_EQ(m.events[0].action, event_action::reset);
  ASSERT_EQ(m.events[0].reset.size(), 2u);
  EXPECT_EQ(m.events[0].reset[0].state, 1);
  EXPECT_EQ(m.events[1].action, event_action::terminate);
  EXPECT_EQ(m.events[2].direction, event_direction::both);
  EXPECT_EQ(m.events[2].action, event_action::record);
  const std::string code = generate_system_source(m, "gen");
  EXPECT_NE(code.find("static constexpr int n_events = 3;"), std::string::npos) << code;
  EXPECT_NE(code.find("event_names = \"wall,high,cross\""), std::string::npos) << code;
  EXPECT_NE(code.find("{cubie::event_direction::down, cubie::event_action::reset}"), std::string::npos) << code;
  EXPECT_NE(code.find("void event_conditions(S /*t*/, const S* y, const S* /*p*/, S* out)"), std::string::npos) << code;
  EXPECT_NE(code.find("void event_reset(int ev, S /*t*/, const S* y, const S* /*p*/, S* y_new)"), std::string::npos)
      << code;
  EXPECT_NE(code.find("if (ev == 0) {  // wall"), std::string::npos) << code;
  EXPECT_NE(code.find("out[1] = energy_ - sigma;"), std::string::npos) << code;
}

TEST(ModelEvents, BadEventsAreLocatedErrors) {
  auto error_with = [](const std::string& events) {
    return testing::error_of(testing::model_text(testing::valid_equations, events));
  };
  std::string e = error_with("[events.e]\ncondition = \"x - speed\"\n");
  EXPECT_NE(e.find("m.toml:14:18: error: 'speed' is undeclared"), std::string::npos) << e;
  e = error_with("[events.e]\ncondition = \"x > 1\"\n");
  EXPECT_NE(e.find("is a comparison, but an event happens where a number crosses zero"), std::string::npos) << e;
  e = error_with("[events.e]\ncondition = \"x\"\ndirection = \"upward\"\n");
  EXPECT_NE(e.find("events.e.direction must be \"up\", \"down\" or \"both\", got \"upward\""), std::string::npos) << e;
  e = error_with("[events.e]\ncondition = \"x\"\naction = \"stop\"\n");
  EXPECT_NE(e.find("must be \"record\", \"terminate\" or \"reset\""), std::string::npos) << e;
  e = error_with("[events.e]\ncondition = \"x\"\naction = \"reset\"\n");
  EXPECT_NE(e.find("events.e resets but says not how"), std::string::npos) << e;
  e = error_with("[events.e]\ncondition = \"x\"\naction = \"reset\"\nreset = \"rho = 1\"\n");
  EXPECT_NE(e.find("assigns states only, and 'rho' is a parameter"), std::string::npos) << e;
  e = error_with("[events.e]\ncondition = \"x\"\naction = \"reset\"\nreset = \"x = 1\\nx = 2\"\n");
  EXPECT_NE(e.find("state 'x' is assigned twice"), std::string::npos) << e;
  e = error_with("[events.e]\ncondition = \"x\"\nreset = \"x = 1\"\n");
  EXPECT_NE(e.find("reset is only for action = \"reset\""), std::string::npos) << e;
  e = error_with("[events.e]\ndirection = \"up\"\n");
  EXPECT_NE(e.find("events.e has no condition"), std::string::npos) << e;
  e = error_with("[events.e]\ncondition = \"x\"\nwhen = 1\n");
  EXPECT_NE(e.find("unknown key 'when' in [events.e]"), std::string::npos) << e;
}

}  // namespace
}  // namespace cubie::models
