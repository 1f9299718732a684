// tests/integrate/dirk_reuse_ring_test.cpp
// dirk_reuse_test on the ring modulator (dirk_reuse_test.cpp says what is checked), in a
// translation unit of its own so that it builds beside the others.
#include "dirk_reuse_check.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

// tests/stiff/stiff_references.txt: SciPy 1.17.1 Radau at rtol 1e-12.
constexpr double ring_1e3[15] = {
    -0.023390573584867451, -0.0073674854855408254, 0.25829567092911693, -0.40644657212834501,
    -0.40394556651497943,  0.26079667654229433,    0.11067618612699751, 2.939904342435596e-07,
    -2.8400299336423291e-08, 0.00072671982672645533, 0.000792948719696084, -0.00072552834956989649,
    -0.00079414019685265205, 7.0884954169761141e-05, 2.3900590752365701e-05};

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

}  // namespace
