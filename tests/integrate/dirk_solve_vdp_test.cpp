// tests/integrate/dirk_solve_vdp_test.cpp
// dirk_solve_test on Van der Pol through the Solver (cpu backend, SIMD packs): mu = 1e3 against
// SciPy's Radau, Crank-Nicolson on a mildly stiff one, and runs of one SIMD pack equal to the
// same runs solved alone. A translation unit of its own (dirk_solve_test.cpp says why).
#include "dirk_solve_common.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
using namespace cubie::test::dirk_solve;

TEST(DirkSolve, VanDerPolStiff) {
  static const auto sys = make_system<van_der_pol, adaptive_dirks, double>();
  for (const char* method : stiff_methods) expect_van_der_pol_stiff(sys, method);
}

TEST(DirkSolve, CrankNicolsonMildlyStiff) {
  // Crank-Nicolson is A-stable but not L-stable: fine on a mildly stiff oscillator
  // (Van der Pol, mu = 10), where its backward Euler estimate drives the steps.
  static const auto sys = make_system<van_der_pol, adaptive_dirks, double>();
  const solver_settings s = cpu_settings("crank_nicolson", 1e-7, {1e-7});
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = 20.0;
  const SolveResult r = solver.solve({{"x", {2.0}}, {"y", {0.0}}}, {{"mu", {10.0}}}, spec);
  ASSERT_EQ(r.status()[0], 0u);
  const solver_settings ref_s = cpu_settings("kvaerno5", 1e-12, {1e-12});
  Solver ref_solver(sys, ref_s);
  const SolveResult ref = ref_solver.solve({{"x", {2.0}}, {"y", {0.0}}}, {{"mu", {10.0}}}, spec);
  std::printf("crank_nicolson     Van der Pol mu=10: %u steps, x = %.10g (kvaerno5 at 1e-12: %.10g)\n",
              r.steps_accepted()[0], r.final_values("x")[0], ref.final_values("x")[0]);
  EXPECT_NEAR(r.final_values("x")[0], ref.final_values("x")[0], 1e-3);
}

TEST(DirkSolve, PackRunsEqualRunsAlone) {
  // Lanes of one SIMD pack iterate Newton different numbers of times; a lane that has
  // converged must not move while its neighbours go on. Each run, solved alone, gives the
  // same bits.
  static const auto sys = make_system<van_der_pol, adaptive_dirks, double>();
  const std::vector<double> mu = {1.0, 10.0, 100.0, 1e3, 3.0, 30.0, 300.0, 0.5, 2e3};
  for (const char* method : {"kvaerno5", "l_stable_sdirk_4"}) {
    const solver_settings s = cpu_settings(method, 1e-6, {1e-6});
    Solver solver(sys, s);
    solve_spec spec;
    spec.duration = 50.0;
    const SolveResult all = solver.solve({{"x", {2.0}}, {"y", {0.0}}}, {{"mu", mu}}, spec);
    for (std::size_t r = 0; r < mu.size(); ++r) {
      const SolveResult one = solver.solve({{"x", {2.0}}, {"y", {0.0}}}, {{"mu", {mu[r]}}}, spec);
      EXPECT_EQ(all.status()[r], 0u);
      EXPECT_EQ(all.final_values("x")[r], one.final_values("x")[0]) << method << " mu " << mu[r];
      EXPECT_EQ(all.final_values("y")[r], one.final_values("y")[0]) << method << " mu " << mu[r];
      EXPECT_EQ(all.steps_accepted()[r], one.steps_accepted()[0]) << method << " mu " << mu[r];
    }
  }
}

}  // namespace
