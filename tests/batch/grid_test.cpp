// tests/batch/grid_test.cpp
// Batch grids (verbatim and combinatorial: C order, the last name varies fastest; length-1
// arrays broadcast without being materialised) and SolveResult's access by name.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "batch_test_systems.hpp"
#include "cubie/batch/batch_grid.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/error.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;

const system_info& lorenz_info() { return lorenz_system()->info; }

/// The message of the invalid_argument `f` throws ("" and a test failure if none).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const invalid_argument& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected cubie::invalid_argument";
  return {};
}

TEST(BatchGrid, CombinatorialIsCOrderLastNameFastest) {
  const named_arrays inits = {{"x", {1.0, 2.0}}, {"y", {0.5}}, {"z", {10.0, 20.0, 30.0}}};
  const named_arrays params = {{"rho", {5.0, 6.0}}};
  const batch_grid g = batch_grid::build(lorenz_info(), inits, params, grid_type::combinatorial);
  ASSERT_EQ(g.n_runs(), 2 * 1 * 3 * 2);
  ASSERT_EQ(g.columns().size(), 4u);
  EXPECT_EQ(g.n_states(), 3);
  // Order of the names: x, y, z (initial values as given), then rho: rho varies fastest.
  std::int64_t run = 0;
  for (double x : {1.0, 2.0})
    for (double z : {10.0, 20.0, 30.0})
      for (double rho : {5.0, 6.0}) {
        EXPECT_EQ(g.initial_value(0, run), x) << "run " << run;
        EXPECT_EQ(g.initial_value(1, run), 0.5) << "run " << run;
        EXPECT_EQ(g.initial_value(2, run), z) << "run " << run;
        EXPECT_EQ(g.parameter(0, run), rho) << "run " << run;
        ++run;
      }
  // The length-1 array stays one number.
  EXPECT_TRUE(g.columns()[1].broadcast());
  EXPECT_EQ(g.columns()[1].values.size(), 1u);
  EXPECT_FALSE(g.columns()[0].broadcast());
}

TEST(BatchGrid, CombinatorialFollowsTheOrderTheNamesAreGiven) {
  // z before x in the list: x (given later) varies faster than z.
  const named_arrays inits = {{"z", {10.0, 20.0}}, {"x", {1.0, 2.0, 3.0}}, {"y", {0.0}}};
  const batch_grid g = batch_grid::build(lorenz_info(), inits, {{"rho", {28.0}}}, grid_type::combinatorial);
  ASSERT_EQ(g.n_runs(), 6);
  const std::vector<double> x = {1, 2, 3, 1, 2, 3}, z = {10, 10, 10, 20, 20, 20};
  for (std::int64_t r = 0; r < 6; ++r) {
    EXPECT_EQ(g.initial_value(0, r), x[r]);
    EXPECT_EQ(g.initial_value(2, r), z[r]);
    EXPECT_EQ(g.parameter(0, r), 28.0);
  }
  EXPECT_TRUE(g.columns()[3].broadcast());
}

TEST(BatchGrid, VerbatimWithBroadcast) {
  const named_arrays inits = {{"x", {1.0, 2.0, 3.0}}, {"y", {0.0}}, {"z", {4.0, 5.0, 6.0}}};
  const batch_grid g = batch_grid::build(lorenz_info(), inits, {{"rho", {28.0}}}, grid_type::verbatim);
  ASSERT_EQ(g.n_runs(), 3);
  for (std::int64_t r = 0; r < 3; ++r) {
    EXPECT_EQ(g.initial_value(0, r), 1.0 + static_cast<double>(r));
    EXPECT_EQ(g.initial_value(1, r), 0.0);
    EXPECT_EQ(g.initial_value(2, r), 4.0 + static_cast<double>(r));
    EXPECT_EQ(g.parameter(0, r), 28.0);
  }
  EXPECT_TRUE(g.columns()[1].broadcast());
  EXPECT_TRUE(g.columns()[3].broadcast());
  // Everything broadcast: one run.
  const batch_grid one = batch_grid::build(lorenz_info(), {{"x", {1.0}}, {"y", {0.0}}, {"z", {0.0}}}, {{"rho", {28.0}}},
                                           grid_type::verbatim);
  EXPECT_EQ(one.n_runs(), 1);
}

TEST(BatchGrid, TwoListBuildFromRvaluesTakesTheColumnsWithoutCopying) {
  named_arrays inits = {{"x", {1.0, 2.0, 3.0}}, {"y", {0.5}}, {"z", {0.0}}};
  named_arrays params = {{"rho", {10.0, 20.0, 30.0}}};
  const batch_grid copied = batch_grid::build(lorenz_info(), inits, params, grid_type::verbatim);
  const double* x_storage = inits[0].values.data();
  const double* rho_storage = params[0].values.data();
  const batch_grid taken = batch_grid::build(lorenz_info(), std::move(inits), std::move(params), grid_type::verbatim);
  ASSERT_EQ(taken.n_runs(), copied.n_runs());
  for (std::size_t c = 0; c < copied.columns().size(); ++c) EXPECT_EQ(taken.columns()[c].values, copied.columns()[c].values);
  // The varying columns are the caller's vectors, moved in: the same storage.
  EXPECT_EQ(taken.columns()[0].values.data(), x_storage);
  EXPECT_EQ(taken.columns()[3].values.data(), rho_storage);
}

TEST(BatchGrid, StringNames) {
  EXPECT_EQ(parse_grid_type("verbatim"), grid_type::verbatim);
  EXPECT_EQ(parse_grid_type("combinatorial"), grid_type::combinatorial);
  const std::string msg = error_of([] { (void)parse_grid_type("cartesian"); });
  EXPECT_NE(msg.find("cartesian"), std::string::npos) << msg;
}

/// A combinatorial solve equals, run for run and bit for bit, the verbatim solve of the
/// expanded arrays; a grid built once solves again to the same bits.
TEST(BatchGrid, CombinatorialSolveMatchesExpandedVerbatim) {
  solver_settings s;
  s.backend = "cpu";
  Solver solver(lorenz_system(), s);
  solve_spec spec;
  spec.duration = 0.5;
  spec.save_every = 0.1;
  spec.grid = grid_type::combinatorial;
  const named_arrays inits = {{"x", {1.0, -1.0, 0.5}}, {"y", {0.0}}, {"z", {0.0, 1.0}}};
  const named_arrays params = {{"rho", {10.0, 20.0, 28.0}}};
  const SolveResult comb = solver.solve(inits, params, spec);
  ASSERT_EQ(comb.n_runs(), 18);

  std::vector<double> xs, zs, rhos;
  for (double x : {1.0, -1.0, 0.5})
    for (double z : {0.0, 1.0})
      for (double rho : {10.0, 20.0, 28.0}) {
        xs.push_back(x);
        zs.push_back(z);
        rhos.push_back(rho);
      }
  spec.grid = grid_type::verbatim;
  const SolveResult verb = solver.solve({{"x", xs}, {"y", {0.0}}, {"z", zs}}, {{"rho", rhos}}, spec);
  ASSERT_EQ(verb.n_runs(), 18);
  for (std::int64_t j = 0; j < comb.n_saves(); ++j)
    for (std::int64_t v = 0; v < comb.n_vars(); ++v)
      for (std::int64_t r = 0; r < 18; ++r) ASSERT_EQ(comb.at(j, v, r), verb.at(j, v, r));

  const batch_grid grid = batch_grid::build(solver.system(), inits, params, grid_type::combinatorial);
  const SolveResult again = solver.solve(grid, spec);
  const SolveResult third = solver.solve(grid, spec);
  for (std::int64_t r = 0; r < 18; ++r) {
    EXPECT_EQ(again.final_values("x")[r], comb.final_values("x")[r]);
    EXPECT_EQ(third.final_values("r2")[r], comb.final_values("r2")[r]);
  }
}

// A batch large enough that its varying columns are converted in several parallel blocks
// (256 Ki values each): every run's initial save is its own value in the solver's precision,
// and its end state follows its own parameter (y0' = a11 y0, y1 constant: one rk4 step of
// 0.01 matches exp(a11 t) to 1e-12), across every block boundary.
TEST(BatchGrid, LargeVaryingColumnsLandInTheirRuns) {
  constexpr std::int64_t n = 600'001;
  std::vector<double> y0(n), y1(n), a11(n);
  for (std::int64_t r = 0; r < n; ++r) {
    y0[static_cast<std::size_t>(r)] = 1.0 + 1e-6 * static_cast<double>(r);
    y1[static_cast<std::size_t>(r)] = -0.5 + 3e-6 * static_cast<double>(r);
    a11[static_cast<std::size_t>(r)] = -1.0 + 2.0 * static_cast<double>(r) / static_cast<double>(n);
  }
  const named_arrays inits = {{"y0", y0}, {"y1", y1}};
  const named_arrays params = {{"a11", a11}, {"a12", {0.0}}, {"a21", {0.0}}, {"a22", {0.0}}, {"forcing", {0.0}}};
  for (precision p : {precision::float64, precision::float32}) {
    solver_settings s;
    s.backend = "cpu";
    s.algorithm = "classical_rk4";
    s.precision = p;
    s.dt = 0.01;
    Solver solver(linear_system(), s);
    solve_spec spec;
    spec.duration = 0.01;
    spec.save_every = 0.01;
    const SolveResult res = solver.solve(inits, params, spec);
    ASSERT_EQ(res.n_runs(), n);
    ASSERT_EQ(res.n_saves(), 2);
    const bool f32 = p == precision::float32;
    auto in_precision = [&](double v) { return f32 ? static_cast<double>(static_cast<float>(v)) : v; };
    const double tol = f32 ? 1e-6 : 1e-12;
    for (std::int64_t r = 0; r < n; ++r) {
      const auto i = static_cast<std::size_t>(r);
      ASSERT_EQ(res.at(0, 0, r), in_precision(y0[i])) << "run " << r;
      ASSERT_EQ(res.at(0, 1, r), in_precision(y1[i])) << "run " << r;
      ASSERT_EQ(res.at(1, 1, r), in_precision(y1[i])) << "run " << r;
      const double exact = in_precision(y0[i]) * std::exp(in_precision(a11[i]) * 0.01);
      ASSERT_NEAR(res.at(1, 0, r), exact, tol * std::abs(exact)) << "run " << r;
    }
  }
}

TEST(SolveResultAccess, ByName) {
  solver_settings s;
  s.backend = "cpu";
  Solver solver(lorenz_system(), s);
  solve_spec spec;
  spec.duration = 1.0;
  spec.save_every = 0.25;
  const SolveResult r = solver.solve({{"x", {1.0}}, {"y", {0.0}}, {"z", {0.0}}}, {{"rho", {0.0, 10.0, 28.0}}}, spec);
  ASSERT_EQ(r.n_saves(), 5);
  EXPECT_EQ(r.variable_index("x"), 0);
  EXPECT_EQ(r.variable_index("z"), 2);
  EXPECT_EQ(r.variable_index("r2"), 3);
  for (const std::string name : {"x", "y", "z", "r2"}) {
    const int v = r.variable_index(name);
    for (std::int64_t run = 0; run < 3; ++run) {
      const std::vector<double> series = r.series(name, run);
      ASSERT_EQ(static_cast<std::int64_t>(series.size()), r.n_saves());
      for (std::int64_t j = 0; j < r.n_saves(); ++j) EXPECT_EQ(series[j], r.at(j, v, run));
    }
    const std::vector<double> fin = r.final_values(name);
    ASSERT_EQ(fin.size(), 3u);
    for (std::int64_t run = 0; run < 3; ++run) EXPECT_EQ(fin[run], r.at(r.n_saves() - 1, v, run));
  }
  EXPECT_EQ(r.series("x", 1).front(), 1.0);

  std::string msg = error_of([&] { (void)r.variable_index("w"); });
  EXPECT_NE(msg.find("'w'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("x, y, z, r2"), std::string::npos) << msg;
  msg = error_of([&] { (void)r.series("rho", 0); });  // a parameter is not saved
  EXPECT_NE(msg.find("'rho'"), std::string::npos) << msg;
  msg = error_of([&] { (void)r.final_values("X"); });  // names are case-sensitive
  EXPECT_NE(msg.find("'X'"), std::string::npos) << msg;
  msg = error_of([&] { (void)r.series("x", 3); });
  EXPECT_NE(msg.find("run 3"), std::string::npos) << msg;
  msg = error_of([&] { (void)r.series("x", -1); });
  EXPECT_NE(msg.find("run -1"), std::string::npos) << msg;
}

}  // namespace
