// tests/models/time_terms_placement1_test.cpp
// The stage-time terms with CUBIE_STAGE_TIME_TERMS=1 (all distinct stage times at a step's start): time_terms_check.hpp.
#define CUBIE_STAGE_TIME_TERMS 1
#include "time_terms_check.hpp"

namespace cubie::models::testing {
namespace {

TEST(StageTimeTerms1, RhsWithTermsIsRhs) { expect_time_terms_are_rhs(); }
TEST(StageTimeTerms1, RodasStepsAgreeToTheBit) { expect_steps_agree(); }

}  // namespace
}  // namespace cubie::models::testing
