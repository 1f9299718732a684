// tests/integrate/dirk_reuse_stiff_test.cpp
// dirk_reuse_test on dirk_solve_test.cpp's stiff problems, HIRES, Robertson and Van der Pol
// (dirk_reuse_test.cpp says what is checked), in a translation unit of its own.
#include "dirk_reuse_check.hpp"
#include "stiff_systems.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

// dirk_solve_test.cpp's references: SciPy 1.17 Radau at rtol 1e-12.
constexpr double hires_321[8] = {0.0007371312573325603, 0.0001442485726316172, 5.88872974096746e-05,
                                 0.0011756513432831367, 0.002386356198831157,  0.006238968252742271,
                                 0.00284999839518564,   0.0028500016048143497};
constexpr double robertson_1e11[3] = {2.0833401496992076e-08, 8.333360770326412e-14, 0.9999999791665182};
constexpr double vdp_3000_x[1] = {-1.5106069367599528};

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
