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
  for (const char* method : stiff_methods) expect_robertson_agrees(sys, method, 10.0);
}

TEST(DirkSolve, RobertsonInFloat) {
  static const auto sys = make_system<robertson, m::method_list<m::kvaerno5>, float>();
  expect_robertson_in_float(sys, "kvaerno5", 10.0);
}

TEST(DirkSolve, HiresAgreesWithRadau) {
  static const auto sys = make_system<hires, stiff_dirks, double>();
  for (const char* method : stiff_methods) expect_hires_agrees(sys, method, 50.0);
}

}  // namespace
