// tests/integrate/adaptive_low_order_test.cpp
// Global error against tolerance for the adaptive methods of order 2 to 5 (see
// adaptive_common.hpp), in double, and a float check.
#include "adaptive_common.hpp"
#include "cubie/batch/make_system.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

const std::shared_ptr<const compiled_system>& linear_system() {
  static const auto sys =
      make_system<linear2, m::method_list<m::heun_21, m::bogacki_shampine_32, m::fehlberg_45, m::cash_karp_54>,
                  double>();
  return sys;
}

const std::vector<double> tols = {1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11};

class AdaptiveLow : public ::testing::TestWithParam<std::tuple<const char*, linear_problem>> {};

std::string case_name(const ::testing::TestParamInfo<std::tuple<const char*, linear_problem>>& info) {
  return std::string(std::get<0>(info.param)) + "_" + problem_name(std::get<1>(info.param));
}

TEST_P(AdaptiveLow, ErrorWithinTenTolAndProportional) {
  const auto [method, problem] = GetParam();
  check_tolerance_proportionality(linear_system(), method, precision::float64, problem, tols);
}

INSTANTIATE_TEST_SUITE_P(
    Methods, AdaptiveLow,
    ::testing::Combine(::testing::Values("heun_21", "bogacki_shampine_32", "fehlberg_45", "cash_karp_54"),
                       ::testing::Values(linear_problem::decay, linear_problem::oscillator, linear_problem::forced)),
    case_name);

class RestartLow : public ::testing::TestWithParam<const char*> {};

TEST_P(RestartLow, RejectedStepRestartsAtItsOwnTime) { check_restart_after_rejection(linear_system(), GetParam()); }

INSTANTIATE_TEST_SUITE_P(Methods, RestartLow,
                         ::testing::Values("heun_21", "bogacki_shampine_32", "fehlberg_45", "cash_karp_54"),
                         [](const ::testing::TestParamInfo<const char*>& info) { return std::string(info.param); });

// Float: the tolerances float resolution leaves room for (values near 1 carry 6e-8).
const std::shared_ptr<const compiled_system>& linear_system_float() {
  static const auto sys = make_system<linear2, m::method_list<m::bogacki_shampine_32>, float>();
  return sys;
}

class AdaptiveLowFloat : public ::testing::TestWithParam<linear_problem> {};

TEST_P(AdaptiveLowFloat, ErrorWithinTenTolAndProportional) {
  check_tolerance_proportionality(linear_system_float(), "bogacki_shampine_32", precision::float32, GetParam(),
                                  {1e-4, 3e-5, 1e-5});
}

INSTANTIATE_TEST_SUITE_P(Problems, AdaptiveLowFloat,
                         ::testing::Values(linear_problem::decay, linear_problem::oscillator, linear_problem::forced),
                         [](const ::testing::TestParamInfo<linear_problem>& info) {
                           return std::string(problem_name(info.param));
                         });

}  // namespace
