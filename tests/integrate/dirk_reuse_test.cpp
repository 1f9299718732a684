// tests/integrate/dirk_reuse_test.cpp
// Hairer's reuse in the DIRK family (dirk_stepper.hpp): where a stepper holds one run (a GPU
// thread), J and the factors of M = I/(h a_ii) - J are kept across steps while h stays and
// Newton contracts fast. Each case runs twice in this binary, through reuse_driver.hpp (one
// run in double, the controller and Newton settings the Solver resolves by default for a GPU
// thread): the stepper that keeps
// them (stepper_for with the system) and the one that takes J and factorises at every trial
// step (dirk_stepper without the system: what the CPU's SIMD packs do). Checked: the reuse
// happens (Jacobians and factorisations per trial step below bounds set from the counts
// measured with the final headers, which a stepper that stopped keeping would exceed), it
// costs no steps to speak of (the older J's Newton error would show as extra steps:
// RADAU5's theta threshold 1e-3 took l_stable_sdirk_4 2.9x the steps on HIRES), and the
// result is as accurate as the every-step stepper's, both against the references of
// dirk_solve_test.cpp and tests/stiff/stiff_references.txt (SciPy's Radau at tight tolerance).
// One instantiation per (method, system, stepper), in double only, in three translation units
// that build in parallel (this file: POLLU; dirk_reuse_ring_test.cpp; dirk_reuse_stiff_test.cpp:
// HIRES, Robertson, Van der Pol); dirk_reuse_check.hpp runs and checks each case.
#include "dirk_reuse_check.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

// tests/stiff/stiff_references.txt: SciPy 1.17.1 Radau at rtol 1e-12.
constexpr double pollu_60[20] = {
    0.056462554799479946, 0.1342484130429579,    4.1397343310448277e-09, 0.0055231402073841109,
    2.0189772623282337e-07, 1.4645418635229168e-07, 0.077842491190428409, 0.32450753533906057,
    0.0074940133839705965, 1.6222931573441448e-08, 1.1358638332876659e-08, 0.0022305059756286116,
    0.00020871628828228318, 1.3969210168887889e-05, 0.0089648848569037192, 4.3528463692510968e-18,
    0.006899219696265526, 0.00010078030373446504, 1.77214651421674e-06, 5.682943293112775e-05};

// POLLU's steps grow by 1.2-2.9x on all but a few of its 18-32 steps, so h and with it M change
// on nearly every one: only J is saved (bench/RESULTS.md, issue 9).
TEST(DirkReuse, Pollu) {
  const both k5 = run<m::kvaerno5, pollu>("pollu", "kvaerno5", pollu_case, pollu_60);
  const both s4 = run<m::l_stable_sdirk_4, pollu>("pollu", "l_stable_sdirk_4", pollu_case, pollu_60);
  expect_common(k5, "kvaerno5");
  expect_common(s4, "l_stable_sdirk_4");
  // Measured: J on 15 of 18 and 25 of 32 trial steps.
  EXPECT_LE(k5.kept.jacobians_per_step(), 0.9);
  EXPECT_LE(s4.kept.jacobians_per_step(), 0.85);
  EXPECT_LT(k5.e_kept, 1.0);  // SciPy's Radau: 0.05 tolerances here
  EXPECT_LT(s4.e_kept, 4.6);  // the every-step stepper: 4.6
}

}  // namespace
