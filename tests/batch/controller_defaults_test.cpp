// tests/batch/controller_defaults_test.cpp
// The controller defaults per method family and stepper kind (step_control.cpp): the DIRKs'
// deadband [1, 1.2] where their steppers keep J and the factors (one run per stepper: GPU
// threads), none on the CPU's SIMD packs, which factorise at every step; the FIRK family's
// deadband on both (its packs keep each lane's factors); the settings' values win on both.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cubie/batch/method_catalog.hpp"
#include "cubie/batch/step_control.hpp"

namespace {

using namespace cubie;

resolved_controller resolved(const solver_settings& s, stepper_kind steppers) {
  std::vector<std::string> warnings;
  const resolved_controller c = resolve_controller(s, find_method(s.algorithm), warnings, steppers);
  EXPECT_TRUE(warnings.empty());
  return c;
}

TEST(ControllerDefaults, DirkDeadbandOnlyWhereFactorsAreKept) {
  for (const char* method : {"kvaerno5", "l_stable_sdirk_4", "kvaerno3"}) {
    solver_settings s;
    s.algorithm = method;
    const resolved_controller one = resolved(s, stepper_kind::one_run);
    const resolved_controller pack = resolved(s, stepper_kind::simd_pack);
    EXPECT_EQ(one.kind, controller_kind::gustafsson) << method;
    EXPECT_EQ(pack.kind, controller_kind::gustafsson) << method;
    EXPECT_EQ(one.deadband_min, 1.0) << method;
    EXPECT_EQ(one.deadband_max, 1.2) << method;
    EXPECT_EQ(pack.deadband_min, 1.0) << method;
    EXPECT_EQ(pack.deadband_max, 1.0) << method;  // the plain controller: every gain applied
    // Only the deadband differs between the kinds.
    EXPECT_EQ(one.safety, pack.safety) << method;
    EXPECT_EQ(one.min_gain, pack.min_gain) << method;
    EXPECT_EQ(one.max_gain, pack.max_gain) << method;
    EXPECT_EQ(one.kp, pack.kp) << method;
    EXPECT_EQ(one.ki, pack.ki) << method;
  }
}

TEST(ControllerDefaults, FirkKeepsItsDeadbandOnPacks) {
  solver_settings s;
  s.algorithm = "radau_iia_5";
  EXPECT_EQ(resolved(s, stepper_kind::one_run).deadband_max, 1.2);
  EXPECT_EQ(resolved(s, stepper_kind::simd_pack).deadband_max, 1.2);
}

TEST(ControllerDefaults, OtherFamiliesHaveNoDeadbandOnEither) {
  for (const char* method : {"dormand_prince_54", "rodas5p"}) {
    solver_settings s;
    s.algorithm = method;
    for (stepper_kind k : {stepper_kind::one_run, stepper_kind::simd_pack}) {
      EXPECT_EQ(resolved(s, k).kind, controller_kind::pi) << method;
      EXPECT_EQ(resolved(s, k).deadband_max, 1.0) << method;
    }
  }
}

// DOP853 takes its own code's controller (Hairer's DOP853, SciPy, OrdinaryDiffEq's DP8): i,
// with the explicit family's gains; a controller named in the settings still wins.
TEST(ControllerDefaults, Dop853TakesTheIController) {
  solver_settings s;
  s.algorithm = "dormand_prince_853";
  for (stepper_kind k : {stepper_kind::one_run, stepper_kind::simd_pack}) {
    const resolved_controller c = resolved(s, k);
    EXPECT_EQ(c.kind, controller_kind::i);
    EXPECT_EQ(c.safety, 0.9);
    EXPECT_EQ(c.min_gain, 0.2);
    EXPECT_EQ(c.max_gain, 10.0);
    EXPECT_EQ(c.deadband_max, 1.0);
  }
  s.step_controller = "pi";
  EXPECT_EQ(resolved(s, stepper_kind::one_run).kind, controller_kind::pi);
  s.step_controller = "";
  s.algorithm = "vern7";
  EXPECT_EQ(resolved(s, stepper_kind::one_run).kind, controller_kind::pi);
}

TEST(ControllerDefaults, SettingsWinOnBothKinds) {
  solver_settings s;
  s.algorithm = "kvaerno5";
  s.deadband_max = 1.3;
  EXPECT_EQ(resolved(s, stepper_kind::one_run).deadband_max, 1.3);
  EXPECT_EQ(resolved(s, stepper_kind::simd_pack).deadband_max, 1.3);
  s.deadband_max = 1.0;
  EXPECT_EQ(resolved(s, stepper_kind::one_run).deadband_max, 1.0);
}

}  // namespace
