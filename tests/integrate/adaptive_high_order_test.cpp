// tests/integrate/adaptive_high_order_test.cpp
// Global error against tolerance for the adaptive methods of order 5 to 8 (see
// adaptive_common.hpp), in double, and a float check.
#include "adaptive_common.hpp"
#include "cubie/batch/make_system.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

const std::shared_ptr<const compiled_system>& linear_system() {
  static const auto sys =
      make_system<linear2, m::method_list<m::dormand_prince_54, m::tsit5, m::vern7, m::dormand_prince_853>, double>();
  return sys;
}

const std::vector<double> tols = {1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11};

class AdaptiveHigh : public ::testing::TestWithParam<std::tuple<const char*, linear_problem>> {};

std::string case_name(const ::testing::TestParamInfo<std::tuple<const char*, linear_problem>>& info) {
  return std::string(std::get<0>(info.param)) + "_" + problem_name(std::get<1>(info.param));
}

TEST_P(AdaptiveHigh, ErrorWithinTenTolAndProportional) {
  const auto [method, problem] = GetParam();
  check_tolerance_proportionality(linear_system(), method, precision::float64, problem, tols);
}

INSTANTIATE_TEST_SUITE_P(
    Methods, AdaptiveHigh,
    ::testing::Combine(::testing::Values("dormand_prince_54", "tsit5", "vern7", "dormand_prince_853"),
                       ::testing::Values(linear_problem::decay, linear_problem::oscillator, linear_problem::forced)),
    case_name);

class RestartHigh : public ::testing::TestWithParam<const char*> {};

TEST_P(RestartHigh, RejectedStepRestartsAtItsOwnTime) { check_restart_after_rejection(linear_system(), GetParam()); }

INSTANTIATE_TEST_SUITE_P(Methods, RestartHigh,
                         ::testing::Values("dormand_prince_54", "tsit5", "vern7", "dormand_prince_853"),
                         [](const ::testing::TestParamInfo<const char*>& info) { return std::string(info.param); });

// Float: the tolerances float resolution leaves room for (values near 1 carry 6e-8).
const std::shared_ptr<const compiled_system>& linear_system_float() {
  static const auto sys = make_system<linear2, m::method_list<m::dormand_prince_54>, float>();
  return sys;
}

class AdaptiveHighFloat : public ::testing::TestWithParam<linear_problem> {};

TEST_P(AdaptiveHighFloat, ErrorWithinTenTolAndProportional) {
  check_tolerance_proportionality(linear_system_float(), "dormand_prince_54", precision::float32, GetParam(),
                                  {1e-4, 3e-5, 1e-5});
}

INSTANTIATE_TEST_SUITE_P(Problems, AdaptiveHighFloat,
                         ::testing::Values(linear_problem::decay, linear_problem::oscillator, linear_problem::forced),
                         [](const ::testing::TestParamInfo<linear_problem>& info) {
                           return std::string(problem_name(info.param));
                         });

}  // namespace
