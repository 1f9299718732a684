// tests/integrate/dirk_reuse_stiff_test.cpp
// dirk_reuse_test on dirk_solve_test.cpp's stiff problems, HIRES, Robertson and Van der Pol
// (dirk_reuse_test.cpp says what is checked), in a translation unit of its own.
#include "dirk_reuse_check.hpp"
#include "stiff_references.hpp"
#include "stiff_systems.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

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
  const both k5 = run<m::kvaerno5, van_der_pol>("vdp_1e3", "kvaerno5", vdp_case, vdp_3000, 1);
  const both s4 = run<m::l_stable_sdirk_4, van_der_pol>("vdp_1e3", "l_stable_sdirk_4", vdp_case, vdp_3000, 1);
  expect_common(k5, "kvaerno5");
  expect_common(s4, "l_stable_sdirk_4");
  // dirk_solve_test.cpp's bound, |x - ref| <= 1e-6 at tol 1e-9
  EXPECT_NEAR(k5.kept.y[0], vdp_3000[0], 1e-6);
  EXPECT_NEAR(s4.kept.y[0], vdp_3000[0], 1e-6);
}

}  // namespace
