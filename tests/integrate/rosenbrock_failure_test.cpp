// tests/integrate/rosenbrock_failure_test.cpp
// How Rosenbrock runs end when they cannot go on, and a stiff oscillator with defaults: a
// non-finite iteration matrix stops its own run with status 2048 and leaves the other runs of
// the same SIMD pack exactly as they are when solved alone; Van der Pol with mu = 1e3 solves
// with default settings and agrees with SciPy's Radau.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "cubie/batch/make_system.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/core/status.hpp"
#include "cubie/integrate/methods/rosenbrock_methods.hpp"
#include "stiff_references.hpp"
#include "stiff_systems.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

TEST(RosenbrockFailure, NonFiniteJacobianStopsOnlyItsRun) {
  // y' = -sqrt(y): from y = 0 the Jacobian is -infinity; from y0 > 0 the exact solution is
  // (sqrt(y0) - t/2)^2, positive to t = 1 for y0 >= 1.
  static const auto sys = make_system<sqrt_decay, m::method_list<m::rodas4p>, double>();
  solver_settings s;
  s.algorithm = "rodas4p";
  s.backend = "cpu";
  s.rtol = {1e-10};
  s.atol = {1e-10};
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = 1.0;
  const std::vector<double> y0 = {1.0, 0.0, 4.0, 1.5, 0.0, 2.0, 9.0, 0.0, 1.2, 3.0};
  const SolveResult all = solver.solve({{"y", y0}}, {{"c", {1.0}}}, spec);
  std::vector<double> good;
  for (double v : y0)
    if (v > 0) good.push_back(v);
  const SolveResult alone = solver.solve({{"y", good}}, {{"c", {1.0}}}, spec);
  const std::vector<double> yf = all.final_values("y");
  const std::vector<double> yg = alone.final_values("y");
  std::size_t g = 0;
  for (std::size_t r = 0; r < y0.size(); ++r) {
    if (y0[r] == 0.0) {
      EXPECT_EQ(all.status()[r], u32(status_singular_matrix)) << "run " << r;
      EXPECT_TRUE(std::isnan(yf[r])) << "a failed run's saves are NaN";
      continue;
    }
    EXPECT_EQ(all.status()[r], 0u) << "run " << r;
    const double exact = (std::sqrt(y0[r]) - 0.5) * (std::sqrt(y0[r]) - 0.5);
    EXPECT_NEAR(yf[r], exact, 1e-8) << "run " << r;
    EXPECT_EQ(yf[r], yg[g]) << "run " << r << " differs from its solve without the failing neighbours";
    EXPECT_EQ(all.steps_accepted()[r], alone.steps_accepted()[g]);
    ++g;
  }
}

TEST(RosenbrockFailure, FixedStepsReportTheSingularMatrixToo) {
  // The fixed-step path (integer step counts, no saves in between) has its own loop: a run
  // whose iteration matrix is not finite ends 2048 there too, not merely non-finite.
  static const auto sys = make_system<sqrt_decay, m::method_list<m::rodas4p>, double>();
  solver_settings s;
  s.algorithm = "rodas4p";
  s.backend = "cpu";
  s.step_controller = "fixed";
  s.dt = 0.01;
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = 1.0;
  const SolveResult r = solver.solve({{"y", {1.0, 0.0, 4.0}}}, {{"c", {1.0}}}, spec);
  EXPECT_EQ(r.status()[0], 0u);
  EXPECT_EQ(r.status()[1], u32(status_singular_matrix));
  EXPECT_EQ(r.status()[2], 0u);
  EXPECT_NEAR(r.final_values("y")[2], 2.25, 1e-9);  // (sqrt(4) - 1/2)^2
}

TEST(RosenbrockFailure, VanDerPolStiffWithDefaults) {
  // mu = 1e3 from (2, 0) over almost two relaxation periods, against SciPy's Radau.
  const double* ref = vdp_3000;
  static const auto sys = make_system<van_der_pol, m::method_list<m::rodas5p, m::rodas4p>, double>();
  for (const char* method : {"rodas5p", "rodas4p"}) {
    solver_settings s;
    s.algorithm = method;
    s.backend = "cpu";
    Solver solver(sys, s);
    solve_spec spec;
    spec.duration = 3000.0;
    const SolveResult r = solver.solve({{"x", {2.0}}, {"y", {0.0}}}, {{"mu", {1e3}}}, spec);
    EXPECT_EQ(r.status()[0], 0u) << method;
    std::printf("%-8s Van der Pol mu=1e3, defaults: %u steps, %u rejected, x = %.10g (ref %.10g)\n", method,
                r.steps_accepted()[0], r.steps_rejected()[0], r.final_values("x")[0], ref[0]);
    EXPECT_NEAR(r.final_values("x")[0], ref[0], 1e-3) << method;
    // Tighter tolerances bring it closer.
    s.rtol = s.atol = {1e-9};
    Solver tight(sys, s);
    const SolveResult t = tight.solve({{"x", {2.0}}, {"y", {0.0}}}, {{"mu", {1e3}}}, spec);
    EXPECT_EQ(t.status()[0], 0u) << method;
    EXPECT_NEAR(t.final_values("x")[0], ref[0], 1e-6) << method;
  }
}

}  // namespace
