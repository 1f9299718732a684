// Reading model files: the examples, document order, settings, and the shape of the
// parsed equations (precedence, associativity, conditions).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "model_test_util.hpp"

namespace cubie::models::testing {
namespace {

using ::testing::ElementsAre;

std::filesystem::path example(const char* name) { return std::filesystem::path(CUBIE_EXAMPLES_DIR) / name; }

TEST(model_loading, LorenzExample) {
  model_definition m = load_model(example("lorenz.toml"));
  EXPECT_EQ(m.name, "lorenz");
  EXPECT_EQ(m.precision, precision::float32);
  EXPECT_EQ(m.settings.precision, precision::float32);
  EXPECT_EQ(m.source_path, example("lorenz.toml"));
  EXPECT_NE(m.source_text.find("[sweep]"), std::string::npos);
  EXPECT_THAT(names_of(m.states), ElementsAre("x", "y", "z"));
  EXPECT_EQ(m.states[0].value, 1.0);
  EXPECT_THAT(names_of(m.parameters), ElementsAre("rho"));
  EXPECT_THAT(names_of(m.constants), ElementsAre("sigma", "beta"));
  EXPECT_EQ(m.constants[1].value, 8.0 / 3.0);
  EXPECT_THAT(m.observables, ElementsAre("r2"));
  EXPECT_THAT(m.equations.auxiliaries, ElementsAre("r2"));
  ASSERT_EQ(m.equations.assignments.size(), 4u);
  EXPECT_THAT(m.equations.derivative_of_state, ElementsAre(0, 1, 2));
  EXPECT_EQ(m.settings.algorithm, "dormand_prince_54");
  EXPECT_THAT(m.settings.atol, ElementsAre(1e-6));
  EXPECT_THAT(m.settings.rtol, ElementsAre(1e-6));
  EXPECT_EQ(m.spec.duration, 1.0);
  EXPECT_EQ(m.spec.save_every, 0.01);
  EXPECT_EQ(m.settings.memory.allocator, "async");
  EXPECT_EQ(m.sweep.grid, grid_type::combinatorial);
  EXPECT_EQ(m.spec.grid, grid_type::combinatorial);
  ASSERT_EQ(m.sweep.axes.size(), 2u);
  EXPECT_EQ(m.sweep.axes[0].name, "rho");
  EXPECT_EQ(m.sweep.axes[0].values.size(), 1000u);
  EXPECT_EQ(m.sweep.axes[0].values.front(), 0.0);
  EXPECT_EQ(m.sweep.axes[0].values.back(), 21.0);
  EXPECT_EQ(m.sweep.axes[1].name, "x");
  EXPECT_THAT(m.sweep.axes[1].values, ElementsAre(1.0, 2.0));
  EXPECT_EQ(run_count(m.sweep), 2000u);
}

TEST(model_loading, VanDerPolExample) {
  model_definition m = load_model(example("van_der_pol.toml"));
  EXPECT_EQ(m.precision, precision::float64);
  EXPECT_THAT(names_of(m.states), ElementsAre("x", "v"));
  EXPECT_THAT(m.observables, ElementsAre("energy", "damping"));
  EXPECT_EQ(m.sweep.grid, grid_type::verbatim);
  ASSERT_EQ(m.sweep.axes.size(), 1u);
  EXPECT_EQ(m.sweep.axes[0].name, "mu");
  EXPECT_EQ(m.sweep.axes[0].values.front(), 0.1);
  EXPECT_EQ(m.sweep.axes[0].values.back(), 10.0);
  EXPECT_EQ(run_count(m.sweep), 64u);
}

TEST(model_loading, LotkaVolterraExample) {
  model_definition m = load_model(example("lotka_volterra.toml"));
  EXPECT_THAT(names_of(m.states), ElementsAre("prey", "predator"));
  EXPECT_THAT(names_of(m.parameters), ElementsAre("alpha", "beta"));
  EXPECT_THAT(names_of(m.constants), ElementsAre("delta", "gamma", "threshold", "effort"));
  EXPECT_EQ(m.sweep.grid, grid_type::combinatorial);
  EXPECT_EQ(run_count(m.sweep), 1000u);
  EXPECT_EQ(m.equations.assignments[0].value.kind, node_kind::ifelse);
}

TEST(model_loading, DocumentOrderIsKeptEverywhere) {
  std::string text = R"(name = "order"
observables = ["zeta_obs", "alpha_obs", "mid_obs"]
equations = """
mid_obs = m
dz = -z
alpha_obs = 2 * a
da = z
zeta_obs = a + z
dm = a
"""
[states]
z = 1.0
a = 2.0
m = 3.0
[parameters]
k3 = 1.0
k1 = 2.0
k2 = 3.0
[constants]
c_b = 1.0
c_a = 2.0
[sweep]
grid = "combinatorial"
k2 = [1.0, 2.0]
m = [5.0]
k1 = [0.5, 0.25, 0.125]
)";
  model_definition m = parse_model(text, "order.toml");
  EXPECT_THAT(names_of(m.states), ElementsAre("z", "a", "m"));
  EXPECT_THAT(names_of(m.parameters), ElementsAre("k3", "k1", "k2"));
  EXPECT_THAT(names_of(m.constants), ElementsAre("c_b", "c_a"));
  EXPECT_THAT(m.observables, ElementsAre("zeta_obs", "alpha_obs", "mid_obs"));
  EXPECT_THAT(m.equations.auxiliaries, ElementsAre("mid_obs", "alpha_obs", "zeta_obs"));
  ASSERT_EQ(m.sweep.axes.size(), 3u);
  EXPECT_EQ(m.sweep.axes[0].name, "k2");
  EXPECT_EQ(m.sweep.axes[1].name, "m");
  EXPECT_EQ(m.sweep.axes[2].name, "k1");
  EXPECT_EQ(run_count(m.sweep), 6u);
  // derivatives found by state, assignments kept in file order
  EXPECT_THAT(m.equations.derivative_of_state, ElementsAre(1, 3, 5));
  EXPECT_EQ(m.states[2].where, (source_position{14, 1}));
}

TEST(model_loading, EverySolverAndMemoryKey) {
  std::string tail = R"([solver]
algorithm = "tsit5"
step_controller = "pid"
atol = [1e-8, 1e-9]
rtol = 1e-7
dt = 0.001
dt_min = 1e-9
dt_max = 0.5
safety = 0.9
min_gain = 0.2
max_gain = 5
deadband_min = 1.0
deadband_max = 1.2
kp = 0.7
ki = -0.4
kd = 0.1
max_steps = 5000
auto_passes = 2
backend = "CPU"
cpu_threads = 4
nan_fill_failed = false
t0 = -1
duration = 3
settling_time = 0.5
save_every = 0.25
saved_states = ["y"]
saved_observables = []
save_initial = false
save_counters = false
[memory]
allocator = "cupy_async"
mem_proportion = 0.5
stream_group = "shared"
pinned_pool_bytes = 1048576
min_chunks = 3
max_chunk_runs = 100
host_budget_bytes = 2000000000
host_staging = "pageable"
)";
  model_definition m = parse_model(model_text(valid_equations, tail), "m.toml");
  const solver_settings& s = m.settings;
  EXPECT_EQ(s.algorithm, "tsit5");
  EXPECT_EQ(s.step_controller, "pid");
  EXPECT_THAT(s.atol, ElementsAre(1e-8, 1e-9));
  EXPECT_THAT(s.rtol, ElementsAre(1e-7));
  EXPECT_EQ(s.dt, 0.001);
  EXPECT_EQ(s.dt_min, 1e-9);
  EXPECT_EQ(s.dt_max, 0.5);
  EXPECT_EQ(s.safety, 0.9);
  EXPECT_EQ(s.min_gain, 0.2);
  EXPECT_EQ(s.max_gain, 5.0);
  EXPECT_EQ(s.deadband_min, 1.0);
  EXPECT_EQ(s.deadband_max, 1.2);
  EXPECT_EQ(s.kp, 0.7);
  EXPECT_EQ(s.ki, -0.4);
  EXPECT_EQ(s.kd, 0.1);
  EXPECT_EQ(s.max_steps, 5000);
  EXPECT_EQ(s.auto_passes, 2);
  EXPECT_EQ(s.backend, "cpu");
  EXPECT_EQ(s.cpu_threads, 4);
  EXPECT_FALSE(s.nan_fill_failed);
  EXPECT_EQ(m.spec.t0, -1.0);
  EXPECT_EQ(m.spec.duration, 3.0);
  EXPECT_EQ(m.spec.settling_time, 0.5);
  EXPECT_EQ(m.spec.save_every, 0.25);
  ASSERT_TRUE(m.spec.saved_states.has_value());
  EXPECT_THAT(*m.spec.saved_states, ElementsAre("y"));
  ASSERT_TRUE(m.spec.saved_observables.has_value());
  EXPECT_TRUE(m.spec.saved_observables->empty());
  EXPECT_FALSE(m.spec.save_initial);
  EXPECT_FALSE(m.spec.save_counters);
  EXPECT_EQ(s.memory.allocator, "cupy_async");
  EXPECT_EQ(s.memory.mem_proportion, 0.5);
  EXPECT_EQ(s.memory.stream_group, "shared");
  EXPECT_EQ(s.memory.pinned_pool_bytes, 1048576u);
  EXPECT_EQ(s.memory.min_chunks, 3);
  EXPECT_EQ(s.memory.max_chunk_runs, 100);
  EXPECT_EQ(s.memory.host_budget_bytes, 2000000000u);
  EXPECT_EQ(s.memory.host_staging, "pageable");
}

TEST(model_loading, AutoPassesTakesOneTwoOrDefault) {
  EXPECT_EQ(parse_model(model_text(valid_equations, "[solver]\nauto_passes = 1\n"), "m.toml").settings.auto_passes, 1);
  // "default" leaves the choice to CUBIE_AUTO_PASSES and the backend (0, as when absent).
  EXPECT_EQ(parse_model(model_text(valid_equations, "[solver]\nauto_passes = \"default\"\n"), "m.toml").settings.auto_passes,
            0);
  EXPECT_EQ(parse_model(model_text(valid_equations, ""), "m.toml").settings.auto_passes, 0);
}

TEST(model_loading, DefaultsWhenSectionsAreAbsent) {
  model_definition m = parse_model("equations = \"dx = -x\"\n[states]\nx = 1\n", "dir/decay.toml");
  EXPECT_EQ(m.name, "decay");  // from the file name
  EXPECT_EQ(m.precision, precision::float64);
  EXPECT_TRUE(m.parameters.empty());
  EXPECT_TRUE(m.constants.empty());
  EXPECT_TRUE(m.observables.empty());
  EXPECT_TRUE(m.sweep.axes.empty());
  EXPECT_EQ(run_count(m.sweep), 1u);
  solver_settings defaults;
  EXPECT_EQ(m.settings.algorithm, defaults.algorithm);
  EXPECT_EQ(m.settings.memory.allocator, defaults.memory.allocator);
  EXPECT_EQ(m.spec.duration, solve_spec{}.duration);
}

TEST(model_loading, LoadMissingFileIsAnInvalidArgument) {
  EXPECT_THROW((void)load_model("/nonexistent/model.toml"), invalid_argument);
}

TEST(model_loading, LoadReportsTheFilePath) {
  std::filesystem::path path = std::filesystem::temp_directory_path() / "cubie_model_loading_bad.toml";
  {
    std::ofstream out(path);
    out << "equations = \"dx = q\"\n[states]\nx = 1\n";
  }
  try {
    (void)load_model(path);
    ADD_FAILURE() << "no error";
  } catch (const model_error& e) {
    EXPECT_THAT(e.what(), ::testing::StartsWith(path.string() + ":1:19: error: 'q' is undeclared"));
  }
  std::filesystem::remove(path);
}

// ---- expression trees -------------------------------------------------------------------

const expression& value_of(const model_definition& m, const std::string& aux) {
  for (const assignment& a : m.equations.assignments) {
    if (a.name == aux) return a.value;
  }
  throw std::runtime_error("no " + aux);
}

model_definition with_auxiliaries(const std::string& lines) {
  return parse_model(model_text(lines + std::string(valid_equations)), "m.toml");
}

TEST(model_equation_trees, UnaryMinusBindsLooserThanPower) {
  model_definition m = with_auxiliaries("a = -x^2\nb = 2^-1\nc = 2^3^2\nd = 2**-x**2\ne = +x\n");
  const expression& a = value_of(m, "a");
  ASSERT_EQ(a.kind, node_kind::negate);
  EXPECT_EQ(a.operands[0].kind, node_kind::power);
  const expression& b = value_of(m, "b");
  ASSERT_EQ(b.kind, node_kind::power);
  EXPECT_EQ(b.operands[1].kind, node_kind::negate);
  EXPECT_EQ(b.operands[1].operands[0].value, 1.0);
  const expression& c = value_of(m, "c");
  ASSERT_EQ(c.kind, node_kind::power);
  EXPECT_EQ(c.operands[0].value, 2.0);
  EXPECT_EQ(c.operands[1].kind, node_kind::power);  // 2^(3^2)
  const expression& d = value_of(m, "d");
  ASSERT_EQ(d.kind, node_kind::power);  // 2^(-(x^2))
  ASSERT_EQ(d.operands[1].kind, node_kind::negate);
  EXPECT_EQ(d.operands[1].operands[0].kind, node_kind::power);
  EXPECT_EQ(value_of(m, "e").kind, node_kind::state);  // unary plus is x itself
}

TEST(model_equation_trees, ArithmeticIsLeftAssociative) {
  model_definition m = with_auxiliaries("a = x - y - 1\nb = x / y * 2\nc = x - (y - 1)\n");
  const expression& a = value_of(m, "a");
  ASSERT_EQ(a.kind, node_kind::subtract);
  EXPECT_EQ(a.operands[0].kind, node_kind::subtract);
  const expression& b = value_of(m, "b");
  ASSERT_EQ(b.kind, node_kind::multiply);
  EXPECT_EQ(b.operands[0].kind, node_kind::divide);
  const expression& c = value_of(m, "c");
  ASSERT_EQ(c.kind, node_kind::subtract);
  EXPECT_EQ(c.operands[1].kind, node_kind::subtract);
}

TEST(model_equation_trees, ConditionsCombineWithAndOrNot) {
  model_definition m = with_auxiliaries("a = ifelse(not x > 1 or y <= 2 and x != y, t, .5e1)\n");
  const expression& a = value_of(m, "a");
  ASSERT_EQ(a.kind, node_kind::ifelse);
  const expression& cond = a.operands[0];
  ASSERT_EQ(cond.kind, node_kind::logical_or);  // (not (x > 1)) or ((y <= 2) and (x != y))
  EXPECT_EQ(cond.operands[0].kind, node_kind::logical_not);
  EXPECT_EQ(cond.operands[0].operands[0].kind, node_kind::greater);
  EXPECT_EQ(cond.operands[1].kind, node_kind::logical_and);
  EXPECT_EQ(cond.operands[1].operands[0].kind, node_kind::less_equal);
  EXPECT_EQ(cond.operands[1].operands[1].kind, node_kind::not_equal);
  EXPECT_EQ(a.operands[1].kind, node_kind::time);
  EXPECT_EQ(a.operands[2].value, 5.0);
  EXPECT_EQ(a.operands[2].text, ".5e1");
}

TEST(model_equation_trees, NamesResolveToTheirSections) {
  model_definition m = with_auxiliaries("a = x + rho * sigma\nb = a * t\n");
  const expression& a = value_of(m, "a");
  EXPECT_EQ(a.operands[0].kind, node_kind::state);
  EXPECT_EQ(a.operands[0].index, 0);
  EXPECT_EQ(a.operands[1].operands[0].kind, node_kind::parameter);
  EXPECT_EQ(a.operands[1].operands[1].kind, node_kind::constant);
  const expression& b = value_of(m, "b");
  EXPECT_EQ(b.operands[0].kind, node_kind::auxiliary);
  EXPECT_EQ(b.operands[0].index, 0);
  EXPECT_EQ(b.operands[1].kind, node_kind::time);
  EXPECT_EQ(b.where, (source_position{4, 5}));
}

TEST(model_equation_trees, CommentsAndBlankLinesAreSkipped) {
  model_definition m = parse_model(model_text("# header\n\n   \ndx = y   # trailing\n\t\ndy = x\n"), "m.toml");
  ASSERT_EQ(m.equations.assignments.size(), 2u);
  EXPECT_EQ(m.equations.assignments[1].where, (source_position{8, 1}));
}

TEST(model_equation_trees, FunctionCalls) {
  model_definition m = with_auxiliaries("a = atan2(y, x) + pow(x, 3) + log10(abs(y) + 1)\n");
  const expression& a = value_of(m, "a");
  const expression& atan2_call = a.operands[0].operands[0];
  ASSERT_EQ(atan2_call.kind, node_kind::call);
  EXPECT_EQ(atan2_call.function, math_function::atan2);
  EXPECT_EQ(atan2_call.operands.size(), 2u);
  EXPECT_EQ(a.operands[1].function, math_function::log10);
  EXPECT_EQ(math_functions().size(), 20u);
  EXPECT_EQ(find_function("nope"), nullptr);
  EXPECT_EQ(function_of(math_function::ceil).name, "ceil");
}

}  // namespace
}  // namespace cubie::models::testing
