// tests/models/time_terms_placement2_test.cpp
// The stage-time terms with CUBIE_STAGE_TIME_TERMS=2 (each time before its first stage): time_terms_check.hpp.
#define CUBIE_STAGE_TIME_TERMS 2
#include "time_terms_check.hpp"

namespace cubie::models::testing {
namespace {

TEST(StageTimeTerms2, RodasStepsAgreeToTheBit) { expect_steps_agree(); }

}  // namespace
}  // namespace cubie::models::testing
