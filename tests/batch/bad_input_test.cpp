// tests/batch/bad_input_test.cpp
// Every bad setting or input raises cubie::invalid_argument naming the field and the value
// given; a rejected solve leaves the Solver (and a result passed to solve_into) as they
// were. Also: name resolution (case, '-' vs '_', aliases) and the warning an adaptive
// controller gives with a method that has no error estimate.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "batch_test_systems.hpp"
#include "cubie/batch/method_catalog.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/error.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_value = std::numeric_limits<double>::infinity();

/// The message of the invalid_argument `f` throws ("" and a test failure if none).
template <class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const invalid_argument& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "expected cubie::invalid_argument, got another exception: " << e.what();
    return e.what();
  }
  ADD_FAILURE() << "expected cubie::invalid_argument, nothing was thrown";
  return {};
}

/// Asserts `message` contains every one of `parts`.
void expect_mentions(const std::string& message, const std::vector<std::string>& parts) {
  for (const std::string& p : parts)
    EXPECT_NE(message.find(p), std::string::npos) << "message lacks \"" << p << "\": " << message;
}

solver_settings cpu_settings() {
  solver_settings s;
  s.backend = "cpu";
  return s;
}

// ---- settings the Solver rejects when it is built ---------------------------------------

struct settings_case {
  const char* what;
  void (*change)(solver_settings&);
  std::vector<std::string> mentions;
};

const std::vector<settings_case> settings_cases = {
    {"unknown algorithm", [](solver_settings& s) { s.algorithm = "rk99"; },
     {"algorithm", "'rk99'", "dormand_prince_54", "classical_rk4", "vern7", "rk45"}},
    {"empty algorithm", [](solver_settings& s) { s.algorithm = ""; }, {"algorithm", "''", "valid names"}},
    {"unknown controller", [](solver_settings& s) { s.step_controller = "pd"; },
     {"step_controller", "'pd'", "fixed, i, pi, pid"}},
    {"negative atol", [](solver_settings& s) { s.atol = {-0.5}; }, {"atol", "-0.5"}},
    {"NaN atol", [](solver_settings& s) { s.atol = {nan_value}; }, {"atol", "nan"}},
    {"infinite atol", [](solver_settings& s) { s.atol = {inf_value}; }, {"atol", "inf"}},
    {"negative per-state atol", [](solver_settings& s) { s.atol = {1e-6, -0.25, 1e-6}; }, {"atol", "-0.25"}},
    {"negative rtol", [](solver_settings& s) { s.rtol = {-0.5}; }, {"rtol", "-0.5"}},
    {"NaN rtol", [](solver_settings& s) { s.rtol = {nan_value}; }, {"rtol", "nan"}},
    {"atol of the wrong length", [](solver_settings& s) { s.atol = {1e-6, 1e-6}; }, {"atol", "2 values", "(3)"}},
    {"rtol of the wrong length", [](solver_settings& s) { s.rtol = {1e-6, 1e-6, 1e-6, 1e-6}; },
     {"rtol", "4 values", "(3)"}},
    {"empty atol", [](solver_settings& s) { s.atol = {}; }, {"atol", "0 values"}},
    {"dt_min > dt_max", [](solver_settings& s) { s.dt_min = 0.5; s.dt_max = 0.25; },
     {"dt_min = 0.5", "dt_max = 0.25"}},
    {"dt_min <= 0", [](solver_settings& s) { s.dt_min = 0; }, {"dt_min = 0"}},
    {"dt_max NaN", [](solver_settings& s) { s.dt_max = nan_value; }, {"dt_max = nan"}},
    {"dt <= 0", [](solver_settings& s) { s.dt = -0.5; }, {"dt = -0.5"}},
    {"max_steps 0", [](solver_settings& s) { s.max_steps = 0; }, {"max_steps = 0"}},
    {"min_gain > 1", [](solver_settings& s) { s.min_gain = 1.5; }, {"min_gain = 1.5"}},
    {"max_gain < 1", [](solver_settings& s) { s.max_gain = 0.5; }, {"max_gain = 0.5"}},
    {"unknown backend", [](solver_settings& s) { s.backend = "tpu"; }, {"backend", "'tpu'", "auto, cpu, cuda"}},
    {"method not compiled for this system", [](solver_settings& s) { s.algorithm = "tsit5"; },
     {"algorithm", "tsit5", "classical_rk4, dormand_prince_54"}},
    {"precision not compiled", [](solver_settings& s) { s.algorithm = "Tsit5"; s.precision = precision::float32; },
     {"tsit5", "float32"}},
    {"unknown allocator", [](solver_settings& s) { s.memory.allocator = "bogus"; }, {"allocator", "bogus"}},
};

TEST(BadSettings, RejectedWithFieldAndValue) {
  for (const settings_case& c : settings_cases) {
    SCOPED_TRACE(c.what);
    solver_settings s = cpu_settings();
    c.change(s);
    const std::string msg = error_of([&] { Solver solver(lorenz_system(), s); });
    expect_mentions(msg, c.mentions);
  }
  // A good Solver can still be built and used afterwards.
  Solver solver(lorenz_system(), cpu_settings());
  const SolveResult r = solver.solve({{"x", {1.0}}, {"y", {0.0}}, {"z", {0.0}}}, {{"rho", {28.0}}}, {});
  EXPECT_EQ(r.status()[0], 0u);
}

TEST(BadSettings, NullSystem) {
  const std::string msg = error_of([] { Solver solver(nullptr, cpu_settings()); });
  expect_mentions(msg, {"system"});
}

TEST(BadSettings, PrecisionAndGridNames) {
  EXPECT_EQ(parse_precision("float32"), precision::float32);
  EXPECT_EQ(parse_precision("single"), precision::float32);
  EXPECT_EQ(parse_precision("float64"), precision::float64);
  EXPECT_EQ(parse_precision("double"), precision::float64);
  expect_mentions(error_of([] { (void)parse_precision("half"); }), {"half"});
  expect_mentions(error_of([] { (void)parse_grid_type("diagonal"); }), {"diagonal"});
}

// ---- inputs and specs a solve rejects -----------------------------------------------------

struct solve_case {
  const char* what;
  named_arrays inits, params;
  solve_spec spec;
  std::vector<std::string> mentions;
};

solve_spec spec_with(void (*change)(solve_spec&)) {
  solve_spec s;
  s.duration = 1.0;
  s.save_every = 0.25;
  change(s);
  return s;
}

const named_arrays good_inits = {{"x", {1.0, 2.0}}, {"y", {0.0}}, {"z", {0.0}}};
const named_arrays good_params = {{"rho", {10.0, 28.0}}};

std::vector<solve_case> solve_cases() {
  const solve_spec good = spec_with([](solve_spec&) {});
  return {
      {"duration 0", good_inits, good_params, spec_with([](solve_spec& s) { s.duration = 0; }), {"duration = 0"}},
      {"negative duration", good_inits, good_params, spec_with([](solve_spec& s) { s.duration = -1; }),
       {"duration = -1"}},
      {"NaN duration", good_inits, good_params, spec_with([](solve_spec& s) { s.duration = nan_value; }),
       {"duration = nan"}},
      {"infinite duration", good_inits, good_params, spec_with([](solve_spec& s) { s.duration = inf_value; }),
       {"duration = inf"}},
      {"save_every 0", good_inits, good_params, spec_with([](solve_spec& s) { s.save_every = 0.0; }),
       {"save_every = 0"}},
      {"negative save_every", good_inits, good_params, spec_with([](solve_spec& s) { s.save_every = -0.5; }),
       {"save_every = -0.5"}},
      {"NaN save_every", good_inits, good_params, spec_with([](solve_spec& s) { s.save_every = nan_value; }),
       {"save_every = nan"}},
      {"save_every > duration", good_inits, good_params, spec_with([](solve_spec& s) { s.save_every = 2.0; }),
       {"save_every = 2", "duration = 1"}},
      {"negative settling_time", good_inits, good_params,
       spec_with([](solve_spec& s) { s.settling_time = -0.5; }), {"settling_time = -0.5"}},
      {"NaN t0", good_inits, good_params, spec_with([](solve_spec& s) { s.t0 = nan_value; }), {"t0", "nan"}},
      {"unknown initial value name", {{"x", {1.0}}, {"y", {0.0}}, {"z", {0.0}}, {"w", {1.0}}}, good_params, good,
       {"initial_values", "'w'", "x, y, z"}},
      {"parameter given as initial value", {{"x", {1.0}}, {"y", {0.0}}, {"z", {0.0}}, {"rho", {1.0}}}, good_params,
       good, {"initial_values", "'rho'"}},
      {"unknown parameter name", good_inits, {{"rho", {28.0}}, {"sigma", {10.0}}}, good,
       {"parameters", "'sigma'", "rho"}},
      {"name given twice", {{"x", {1.0}}, {"x", {2.0}}, {"y", {0.0}}, {"z", {0.0}}}, good_params, good,
       {"'x'", "twice"}},
      {"missing initial value", {{"x", {1.0}}, {"y", {0.0}}}, good_params, good, {"initial_values", "'z'"}},
      {"missing parameter", good_inits, {}, good, {"parameters", "'rho'"}},
      {"unknown saved state", good_inits, good_params,
       spec_with([](solve_spec& s) { s.saved_states = std::vector<std::string>{"x", "q"}; }),
       {"saved_states", "'q'", "x, y, z"}},
      {"observable as saved state", good_inits, good_params,
       spec_with([](solve_spec& s) { s.saved_states = std::vector<std::string>{"r2"}; }),
       {"saved_states", "'r2'"}},
      {"unknown saved observable", good_inits, good_params,
       spec_with([](solve_spec& s) { s.saved_observables = std::vector<std::string>{"energy"}; }),
       {"saved_observables", "'energy'", "r2"}},
      {"saved state listed twice", good_inits, good_params,
       spec_with([](solve_spec& s) { s.saved_states = std::vector<std::string>{"y", "y"}; }),
       {"saved_states", "'y'", "twice"}},
      {"verbatim arrays of different lengths", {{"x", {1.0, 2.0, 3.0}}, {"y", {0.0}}, {"z", {0.0}}},
       {{"rho", {10.0, 28.0}}}, good, {"verbatim", "'x'", "'rho'", "3", "2"}},
      {"verbatim initial values of different lengths", {{"x", {1.0, 2.0}}, {"y", {0.0, 1.0, 2.0}}, {"z", {0.0}}},
       {{"rho", {28.0}}}, good, {"verbatim", "'x'", "'y'"}},
      {"empty array", {{"x", {}}, {"y", {0.0}}, {"z", {0.0}}}, good_params, good,
       {"initial_values['x']", "empty"}},
      {"empty parameter array", good_inits, {{"rho", {}}}, good, {"parameters['rho']", "empty"}},
      {"empty array, combinatorial", {{"x", {1.0, 2.0}}, {"y", {}}, {"z", {0.0}}}, good_params,
       spec_with([](solve_spec& s) { s.grid = grid_type::combinatorial; }), {"initial_values['y']", "empty"}},
      {"empty batch", {}, {}, good, {"initial_values", "'x'"}},
      {"NaN initial value", {{"x", {1.0, nan_value}}, {"y", {0.0}}, {"z", {0.0}}}, good_params, good,
       {"initial_values['x'][1]", "nan"}},
      {"infinite parameter", good_inits, {{"rho", {-inf_value, 28.0}}}, good, {"parameters['rho'][0]", "inf"}},
      {"NaN parameter, combinatorial", good_inits, {{"rho", {28.0, 1.0, nan_value}}},
       spec_with([](solve_spec& s) { s.grid = grid_type::combinatorial; }), {"parameters['rho'][2]", "nan"}},
  };
}

/// Bit-for-bit equality of two results' values, times, status and counters.
void expect_identical(const SolveResult& a, const SolveResult& b) {
  ASSERT_EQ(a.n_saves(), b.n_saves());
  ASSERT_EQ(a.n_vars(), b.n_vars());
  ASSERT_EQ(a.n_runs(), b.n_runs());
  EXPECT_EQ(a.times(), b.times());
  EXPECT_EQ(a.variables(), b.variables());
  const auto da = a.time_domain<double>(), db = b.time_domain<double>();
  EXPECT_EQ(0, std::memcmp(da.data(), db.data(), da.size_bytes()));
  EXPECT_TRUE(std::equal(a.status().begin(), a.status().end(), b.status().begin()));
  EXPECT_TRUE(std::equal(a.steps_accepted().begin(), a.steps_accepted().end(), b.steps_accepted().begin()));
  EXPECT_TRUE(std::equal(a.steps_rejected().begin(), a.steps_rejected().end(), b.steps_rejected().begin()));
}

TEST(BadInput, RejectedWithFieldAndValueAndSolverStillWorks) {
  Solver solver(lorenz_system(), cpu_settings());
  const solve_spec good = spec_with([](solve_spec&) {});
  const SolveResult reference = solver.solve(good_inits, good_params, good);
  ASSERT_EQ(reference.failed_runs(), 0);
  for (const solve_case& c : solve_cases()) {
    SCOPED_TRACE(c.what);
    const std::string msg = error_of([&] { (void)solver.solve(c.inits, c.params, c.spec); });
    expect_mentions(msg, c.mentions);
    // The same Solver solves correctly right after.
    const SolveResult again = solver.solve(good_inits, good_params, good);
    expect_identical(again, reference);
  }
}

TEST(BadInput, RejectedSolveIntoLeavesTheResultAsItWas) {
  Solver solver(lorenz_system(), cpu_settings());
  const solve_spec good = spec_with([](solve_spec&) {});
  const batch_grid grid = batch_grid::build(solver.system(), good_inits, good_params);
  SolveResult result;
  solver.solve_into(result, grid, good);
  const SolveResult reference = solver.solve(grid, good);
  for (const solve_case& c : solve_cases()) {
    SCOPED_TRACE(c.what);
    // Grids are built by the caller here, so only the spec can be bad at solve_into.
    (void)error_of([&] {
      const batch_grid bad_grid = batch_grid::build(solver.system(), c.inits, c.params, c.spec.grid);
      solver.solve_into(result, bad_grid, c.spec);
    });
    expect_identical(result, reference);
  }
}

/// Fixed steps without saves count their steps up front: too many is an error, not a
/// run that fails.
TEST(BadInput, FixedStepsBeyondMaxSteps) {
  solver_settings s = cpu_settings();
  s.algorithm = "rk4";
  s.dt = 1e-3;
  s.max_steps = 100;
  Solver solver(lorenz_system(), s);
  solve_spec spec;
  spec.duration = 1.0;
  expect_mentions(error_of([&] { (void)solver.solve(good_inits, good_params, spec); }),
                  {"max_steps = 100", "1000"});
}

/// A grid built for another system is refused.
TEST(BadInput, GridOfAnotherSystem) {
  Solver solver(linear_system(), cpu_settings());
  const batch_grid lorenz_grid = batch_grid::build(lorenz_system()->info, good_inits, good_params);
  expect_mentions(error_of([&] { (void)solver.solve(lorenz_grid, {}); }), {"grid"});
}

// ---- names, aliases and the fixed-step warning --------------------------------------------

TEST(Names, CaseInsensitiveDashesAndAliases) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Dormand-Prince-54", "dormand_prince_54"}, {"DORMAND_PRINCE_54", "dormand_prince_54"},
      {"rk45", "dormand_prince_54"},              {"RK45", "dormand_prince_54"},
      {"dopri54", "dormand_prince_54"},          {"ode45", "dormand_prince_54"},
      {"rk4", "classical_rk4"},                  {"Classical-RK4", "classical_rk4"},
      {"rk23", "bogacki_shampine_32"},           {"ode23", "bogacki_shampine_32"},
      {"dop853", "dormand_prince_853"},          {"Dormand-Prince-853", "dormand_prince_853"},
      {"Tsit5", "tsit5"},                        {"VERN7", "vern7"},
      {"rosenbrock", "rodas5p"},                 {"Rosenbrock23", "rosenbrock23_sciml"},
      {"ode23s", "rosenbrock23_sciml"},          {"RODAS5P", "rodas5p"},
      {"dirk", "l_stable_dirk_3"},               {"ode23t", "trapezoidal_dirk"},
      {"Backward-Euler", "backwards_euler"},     {"Kvaerno5", "kvaerno5"},
      {"radau", "radau_iia_5"},                  {"Radau-IIA-5", "radau_iia_5"},
      {"firk", "firk_gauss_legendre_2"},         {"auto", "auto_switch"},
  };
  for (const auto& [given, canonical] : cases) EXPECT_EQ(find_method(given).name, canonical) << given;
  EXPECT_EQ(all_method_infos().size(), 30u);  // 11 explicit, 5 Rosenbrock, 10 DIRK, 3 FIRK, auto_switch

  // Through the Solver: the method, controller and backend names resolve the same way.
  solver_settings s = cpu_settings();
  s.algorithm = "Dormand-Prince-54";
  s.step_controller = "PID";
  s.backend = "CPU";
  Solver solver(lorenz_system(), s);
  EXPECT_EQ(solver.method().name, "dormand_prince_54");
  EXPECT_EQ(solver.controller().kind, controller_kind::pid);
  EXPECT_EQ(solver.backend(), "cpu");
  EXPECT_TRUE(solver.warnings().empty());
  s.algorithm = "ODE45";
  s.step_controller = "";
  Solver by_alias(lorenz_system(), s);
  EXPECT_EQ(by_alias.method().name, "dormand_prince_54");
  EXPECT_EQ(by_alias.controller().kind, controller_kind::pi);  // adaptive default
  s.algorithm = "RK4";
  Solver rk4(lorenz_system(), s);
  EXPECT_EQ(rk4.method().name, "classical_rk4");
  EXPECT_EQ(rk4.controller().kind, controller_kind::fixed);  // no error estimate: fixed
  EXPECT_TRUE(rk4.warnings().empty());
}

TEST(Names, AdaptiveControllerWithoutEstimateWarnsAndRunsFixed) {
  solver_settings s = cpu_settings();
  s.algorithm = "rk4";
  s.dt = 1.0 / 128;
  solver_settings asked_pi = s;
  asked_pi.step_controller = "pi";
  Solver warned(lorenz_system(), asked_pi);
  ASSERT_EQ(warned.warnings().size(), 1u);
  expect_mentions(warned.warnings()[0], {"pi", "classical_rk4", "fixed"});
  EXPECT_EQ(warned.controller().kind, controller_kind::fixed);

  s.step_controller = "fixed";
  Solver fixed(lorenz_system(), s);
  EXPECT_TRUE(fixed.warnings().empty());
  for (bool with_saves : {false, true}) {
    solve_spec spec;
    spec.duration = 1.0;
    if (with_saves) spec.save_every = 0.125;
    const SolveResult a = warned.solve(good_inits, good_params, spec);
    const SolveResult b = fixed.solve(good_inits, good_params, spec);
    expect_identical(a, b);
    EXPECT_EQ(a.steps_accepted()[0], 128u);
    EXPECT_EQ(a.steps_rejected()[0], 0u);
  }
}

}  // namespace
