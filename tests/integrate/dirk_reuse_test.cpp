// tests/integrate/dirk_reuse_test.cpp
// Hairer's reuse in the DIRK family (dirk_stepper.hpp): where a stepper holds one run (a GPU
// thread), J and the factors of M = I/(h a_ii) - J are kept across steps while h stays and
// Newton contracts fast. Each case runs twice in this binary, through reuse_driver.hpp (one
// run in double, the Solver's default controller and Newton settings): the stepper that keeps
// them (stepper_for with the system) and the one that takes J and factorises at every trial
// step (dirk_stepper without the system: what the CPU's SIMD packs do). Checked: the reuse
// happens (Jacobians and factorisations per trial step below bounds set from the counts
// measured with the final headers, which a stepper that stopped keeping would exceed), it
// costs no steps to speak of (the older J's Newton error would show as extra steps:
// RADAU5's theta threshold 1e-3 took l_stable_sdirk_4 2.9x the steps on HIRES), and the
// result is as accurate as the every-step stepper's, both against the references of
// dirk_solve_test.cpp and tests/stiff/stiff_references.txt (SciPy's Radau at tight tolerance).
// One instantiation per (method, system, variant), in double only: the file builds in about
// a minute.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <tuple>
#include <vector>

#include "cubie/integrate/methods/newton_methods.hpp"
#include "reuse_driver.hpp"
#include "reuse_problems.hpp"
#include "stiff_systems.hpp"

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
constexpr double ring_1e3[15] = {
    -0.023390573584867451, -0.0073674854855408254, 0.25829567092911693, -0.40644657212834501,
    -0.40394556651497943,  0.26079667654229433,    0.11067618612699751, 2.939904342435596e-07,
    -2.8400299336423291e-08, 0.00072671982672645533, 0.000792948719696084, -0.00072552834956989649,
    -0.00079414019685265205, 7.0884954169761141e-05, 2.3900590752365701e-05};
// dirk_solve_test.cpp's references: SciPy 1.17 Radau at rtol 1e-12.
constexpr double hires_321[8] = {0.0007371312573325603, 0.0001442485726316172, 5.88872974096746e-05,
                                 0.0011756513432831367, 0.002386356198831157,  0.006238968252742271,
                                 0.00284999839518564,   0.0028500016048143497};
constexpr double robertson_1e11[3] = {2.0833401496992076e-08, 8.333360770326412e-14, 0.9999999791665182};
constexpr double vdp_3000_x[1] = {-1.5106069367599528};

const reuse_case pollu_case{1e-6, {1e-6}, 60.0, std::vector<double>(pollu<double>::y0, pollu<double>::y0 + 20), {0.35}};
const reuse_case ring_case{1e-6, {1e-6}, 1e-3, std::vector<double>(15, 0.0), {2e-12}};
const reuse_case hires_case{1e-8, {1e-10}, 321.8122, {1, 0, 0, 0, 0, 0, 0, 0.0057}, {}};
const reuse_case robertson_case{1e-8, {1e-8, 1e-14, 1e-8}, 1e11, {1, 0, 0}, {0.04, 3e7, 1e4}};
const reuse_case vdp_case{1e-9, {1e-9}, 3000.0, {2, 0}, {1e3}};

struct both {
  reuse_stats kept, every;
  double e_kept, e_every;
};

/// The case solved by the keeping stepper and by the every-step one; prints both.
template <class Method, template <class> class Sys>
both run(const char* problem, const char* method, const reuse_case& c, const double* ref, std::size_t states = 0) {
  constexpr int N = Sys<double>::n_states;
  both b;
  b.kept = drive<stepper_for<Method, double, N, Sys<double>>, Sys<double>>(method, c);
  b.every = drive<dirk_stepper<Method, double, N>, Sys<double>>(method, c);
  b.e_kept = error_in_tolerances(b.kept, c, ref, states);
  b.e_every = error_in_tolerances(b.every, c, ref, states);
  for (const auto& [what, st, e] : {std::tuple{"kept", &b.kept, b.e_kept}, std::tuple{"every", &b.every, b.e_every}})
    std::printf("%-10s %-17s %-6s %8ld steps %7ld rejected  J %.3f/step  LU %.3f/step  Newton %.2f/step  "
                "error %.3g tolerances\n",
                problem, method, what, st->steps(), st->rejected, st->jacobians_per_step(),
                st->factorizations_per_step(), st->newton / double(st->steps()), e);
  return b;
}

/// What every case must show: the every-step stepper takes J and factorises on each trial;
/// the keeping one finishes in at most 10% more trial steps with fewer Jacobians, and its
/// error is within 1.5x the every-step stepper's (plus one tolerance: both can be near 0).
void expect_common(const both& b, const char* what) {
  ASSERT_TRUE(b.kept.finished && b.every.finished) << what;
  EXPECT_EQ(b.every.jacobians, b.every.steps()) << what;
  EXPECT_EQ(b.every.factorizations, b.every.steps()) << what;
  EXPECT_LT(b.kept.jacobians, b.every.jacobians) << what;
  EXPECT_LE(double(b.kept.steps()), 1.1 * double(b.every.steps())) << what;
  EXPECT_LE(b.e_kept, 1.5 * b.e_every + 1.0) << what;
}

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

// The ring modulator holds h within the deadband [1, 1.2] on many steps: the factors are kept.
TEST(DirkReuse, RingModulator) {
  const both k5 = run<m::kvaerno5, ring_modulator>("ring", "kvaerno5", ring_case, ring_1e3);
  const both s4 = run<m::l_stable_sdirk_4, ring_modulator>("ring", "l_stable_sdirk_4", ring_case, ring_1e3);
  expect_common(k5, "kvaerno5");
  expect_common(s4, "l_stable_sdirk_4");
  // Measured: J 0.36 and 0.68 per trial step, factorisations 0.75 and 0.85.
  EXPECT_LT(k5.kept.jacobians_per_step(), 0.45);
  EXPECT_LT(s4.kept.jacobians_per_step(), 0.75);
  EXPECT_LT(k5.kept.factorizations_per_step(), 0.8);
  EXPECT_LT(s4.kept.factorizations_per_step(), 0.9);
  // SciPy's Radau ends 10.7 tolerances off here; kvaerno5's estimate does not hold the ring's
  // error (bench/RESULTS.md) at either setting.
  EXPECT_LT(s4.e_kept, 2.0 * 10.7);
}

// dirk_solve_test.cpp's stiff references, where the theta threshold shows: an older J's
// Newton error left in the unfiltered estimate costs steps.
TEST(DirkReuse, Hires) {
  const both k5 = run<m::kvaerno5, hires>("hires", "kvaerno5", hires_case, hires_321);
  const both s4 = run<m::l_stable_sdirk_4, hires>("hires", "l_stable_sdirk_4", hires_case, hires_321);
  expect_common(k5, "kvaerno5");
  expect_common(s4, "l_stable_sdirk_4");
  EXPECT_LE(k5.e_kept, 50.0);  // dirk_solve_test.cpp's bound
  EXPECT_LE(s4.e_kept, 50.0);
}

TEST(DirkReuse, Robertson) {
  const both k5 = run<m::kvaerno5, robertson>("robertson", "kvaerno5", robertson_case, robertson_1e11);
  const both s4 = run<m::l_stable_sdirk_4, robertson>("robertson", "l_stable_sdirk_4", robertson_case, robertson_1e11);
  expect_common(k5, "kvaerno5");
  expect_common(s4, "l_stable_sdirk_4");
  EXPECT_LE(k5.e_kept, 10.0);  // dirk_solve_test.cpp's bound
  EXPECT_LE(s4.e_kept, 10.0);
}

TEST(DirkReuse, VanDerPol) {
  const both k5 = run<m::kvaerno5, van_der_pol>("vdp_1e3", "kvaerno5", vdp_case, vdp_3000_x, 1);
  const both s4 = run<m::l_stable_sdirk_4, van_der_pol>("vdp_1e3", "l_stable_sdirk_4", vdp_case, vdp_3000_x, 1);
  expect_common(k5, "kvaerno5");
  expect_common(s4, "l_stable_sdirk_4");
  // dirk_solve_test.cpp's bound, |x - ref| <= 1e-6 at tol 1e-9
  EXPECT_NEAR(k5.kept.y[0], vdp_3000_x[0], 1e-6);
  EXPECT_NEAR(s4.kept.y[0], vdp_3000_x[0], 1e-6);
}

}  // namespace
