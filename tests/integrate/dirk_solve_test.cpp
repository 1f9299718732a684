// tests/integrate/dirk_solve_test.cpp
// DIRK solves through the Solver (cpu backend, SIMD packs, Jacobians from dual numbers):
// the stiff reference problems (Robertson to 4e4 and 1e11, Van der Pol mu = 1e3, HIRES)
// against SciPy's Radau at tight tolerance (make_newton_references.py and the Rosenbrock
// tests' constants); runs of one SIMD pack equal to the same runs solved alone; and the
// Newton failure paths: a step whose iteration diverges is rejected and retried smaller,
// and a run whose iteration cannot converge ends with status 2 or 256, its neighbours
// untouched.
// Three translation units that build in parallel: this file (Robertson, HIRES),
// dirk_solve_vdp_test.cpp (Van der Pol, Crank-Nicolson, SIMD packs) and dirk_failure_test.cpp
// (the Newton failure paths); dirk_solve_common.hpp holds what they share.
#include "dirk_solve_common.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
using namespace cubie::test::dirk_solve;


TEST(DirkSolve, RobertsonAgreesWithRadau) {
  static const auto sys = make_system<robertson, stiff_dirks, double>();
  for (const char* method : stiff_methods) {
    for (double T : {4e4, 1e11}) {
      const solver_settings s = cpu_settings(method, 1e-8, {1e-8, 1e-14, 1e-8});
      Solver solver(sys, s);
      solve_spec spec;
      spec.duration = T;
      const SolveResult r =
          solver.solve({{"y1", {1.0}}, {"y2", {0.0}}, {"y3", {0.0}}}, {{"k1", {0.04}}, {"k2", {3e7}}, {"k3", {1e4}}}, spec);
      ASSERT_EQ(r.status()[0], 0u) << method << " to " << T;
      const double e = error_in_tolerances(r, s, {"y1", "y2", "y3"}, T < 1e6 ? robertson_4e4 : robertson_1e11);
      std::printf("%-18s Robertson to %g: %u steps, %u rejected, error %.2f tolerances\n", method, T,
                  r.steps_accepted()[0], r.steps_rejected()[0], e);
      EXPECT_LE(e, 10.0) << method << " to " << T;
    }
  }
}

TEST(DirkSolve, RobertsonInFloat) {
  // float32: the Newton tolerance's floor (10 epsilons of float) keeps the iteration from
  // chasing rounding noise; the result within the tolerance's order of the reference.
  static const auto sys = make_system<robertson, m::method_list<m::kvaerno5>, float>();
  solver_settings s = cpu_settings("kvaerno5", 1e-4, {1e-6, 1e-10, 1e-6});
  s.precision = precision::float32;
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = 4e4;
  const SolveResult r =
      solver.solve({{"y1", {1.0}}, {"y2", {0.0}}, {"y3", {0.0}}}, {{"k1", {0.04}}, {"k2", {3e7}}, {"k3", {1e4}}}, spec);
  ASSERT_EQ(r.status()[0], 0u);
  const double e = error_in_tolerances(r, s, {"y1", "y2", "y3"}, robertson_4e4);
  std::printf("kvaerno5 float32   Robertson to 4e4: %u steps, %u rejected, error %.2f tolerances\n",
              r.steps_accepted()[0], r.steps_rejected()[0], e);
  EXPECT_LE(e, 10.0);
}

TEST(DirkSolve, HiresAgreesWithRadau) {
  static const auto sys = make_system<hires, stiff_dirks, double>();
  for (const char* method : stiff_methods) {
    const solver_settings s = cpu_settings(method, 1e-8, {1e-10});
    Solver solver(sys, s);
    solve_spec spec;
    spec.duration = 321.8122;
    named_arrays inits;
    const double y0[8] = {1, 0, 0, 0, 0, 0, 0, 0.0057};
    std::vector<std::string> names;
    for (int i = 0; i < 8; ++i) {
      names.push_back(solver.system().states[i]);
      inits.push_back({names.back(), {y0[i]}});
    }
    const SolveResult r = solver.solve(inits, {}, spec);
    ASSERT_EQ(r.status()[0], 0u) << method;
    const double e = error_in_tolerances(r, s, names, hires_321);
    std::printf("%-18s HIRES: %u steps, %u rejected, error %.2f tolerances\n", method, r.steps_accepted()[0],
                r.steps_rejected()[0], e);
    EXPECT_LE(e, 50.0) << method;
  }
}

}  // namespace
