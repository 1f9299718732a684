// tests/stiff/defaults_test.cpp
// Defaults that work: every stiff example model over its own sweep and span, solved with
// nothing set but the method family (`rosenbrock`) and the model's tolerances: the default
// step bounds (dt_min = 1e-20 span, dt_max = span), controller, initial step and max_steps.
// Every run must end with status 0 and a finite final state. Robertson also to t = 1e11,
// and in float32.
//
// The tolerances are the problem's, not the solver's: E5's concentrations run from 1e-3 down
// to 1e-20, and with the default atol = 1e-6 they go negative and the run stalls (status
// 64 at t = 1.5e9), as SciPy's Radau does ("step size less than spacing between numbers");
// the Test Set for IVP Solvers prescribes atol = 1.7e-24, which the model file sets.
#include <gtest/gtest.h>

#include "stiff_models.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;

struct defaults_case {
  const char* file;
  precision prec;
  double duration;  // 0: the model's
  int stride;       // every stride-th value of the sweep, and the last
};

SolveResult solve_with_defaults(const defaults_case& c, const models::model_definition& m) {
  solver_settings s;  // nothing but the family, the model's tolerances, the backend and the precision
  s.algorithm = "rosenbrock";
  s.atol = m.settings.atol;
  s.rtol = m.settings.rtol;
  s.backend = "cpu";
  s.precision = c.prec;
  Solver solver(compile_for_cpu(m, {"rosenbrock"}, c.prec), s);
  solve_spec spec = m.spec;
  if (c.duration > 0) spec.duration = c.duration;
  auto [states, parameters] = sweep_inputs(m);
  for (named_arrays* inputs : {&states, &parameters}) {
    for (named_array& a : *inputs) {
      std::vector<double> some;
      for (std::size_t i = 0; i < a.values.size(); i += static_cast<std::size_t>(c.stride)) some.push_back(a.values[i]);
      if ((a.values.size() - 1) % static_cast<std::size_t>(c.stride) != 0) some.push_back(a.values.back());
      a.values = some;
    }
  }
  return solver.solve(states, parameters, spec);
}

class StiffDefaults : public ::testing::TestWithParam<defaults_case> {};

TEST_P(StiffDefaults, EveryRunSucceeds) {
  const defaults_case& c = GetParam();
  const models::model_definition m = stiff_example(c.file);
  const SolveResult r = solve_with_defaults(c, m);
  ASSERT_GT(r.n_runs(), 0);
  for (std::int64_t run = 0; run < r.n_runs(); ++run) {
    EXPECT_EQ(r.status()[run], 0u) << c.file << " run " << run << " stopped at t = " << r.t_reached()[run];
    for (double v : final_state(r, m, run)) EXPECT_TRUE(std::isfinite(v)) << c.file << " run " << run;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Examples, StiffDefaults,
    ::testing::Values(defaults_case{"robertson.toml", precision::float64, 0, 1},
                      defaults_case{"robertson.toml", precision::float64, 1e11, 1},
                      defaults_case{"robertson.toml", precision::float32, 0, 1},
                      defaults_case{"van_der_pol_stiff.toml", precision::float64, 0, 1},
                      defaults_case{"hires.toml", precision::float64, 0, 1},
                      defaults_case{"orego.toml", precision::float64, 0, 1},
                      defaults_case{"pollu.toml", precision::float64, 0, 1},
                      // Cs from 2e-13 to 2e-9: 17 of the 1,024 values, the extremes included.
                      defaults_case{"ring_modulator.toml", precision::float64, 0, 64},
                      defaults_case{"e5.toml", precision::float64, 0, 1}),
    [](const auto& info) {
      std::string name = info.param.file;
      name = name.substr(0, name.find('.'));
      if (info.param.duration > 0) name += "_to_1e11";
      if (info.param.prec == precision::float32) name += "_float32";
      return name;
    });

}  // namespace
