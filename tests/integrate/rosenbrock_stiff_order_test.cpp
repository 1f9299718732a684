// tests/integrate/rosenbrock_stiff_order_test.cpp
// Order in the stiff regime: Prothero & Robinson's y' = L (y - g(t)) + g'(t) with L = -1e6
// and steps with |h L| from 1e4 to 1e5, fixed steps through the Solver. There classical order
// does not apply; the observed order must be the one the method's stiff analysis gives
// (rosenbrock_tableau_test.cpp derives it from the coefficients: the Prothero-Robinson local
// error coefficients C_k(z)): 2 for rosenbrock23, ros3p and rodas3p, 3 for rodas4p and
// rodas5p (B_PR consistent of order 3, as Steinebach built them to avoid order reduction).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "convergence_common.hpp"
#include "cubie/batch/make_system.hpp"
#include "cubie/integrate/methods/rosenbrock_methods.hpp"
#include "stiff_systems.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

const std::shared_ptr<const compiled_system>& pr_system() {
  static const auto sys = make_system<prothero_robinson, m::rosenbrock_methods, double>();
  return sys;
}

double pr_error(const char* method, int n) {
  solver_settings s;
  s.algorithm = method;
  s.step_controller = "fixed";
  s.dt = 1.0 / n;
  s.backend = "cpu";
  Solver solver(pr_system(), s);
  solve_spec spec;
  spec.duration = 1.0;
  const SolveResult r = solver.solve({{"y", {1.0}}}, {{"L", {-1e6}}}, spec);
  EXPECT_EQ(r.status()[0], 0u);
  EXPECT_EQ(r.steps_accepted()[0], static_cast<u32>(n));
  return std::fabs(r.final_values("y")[0] - (std::sin(1.0) + std::cos(2.0)));
}

void check_stiff_order(const char* method, int order) {
  std::vector<double> log_h, log_e;
  std::printf("%-20s Prothero-Robinson L = -1e6:", method);
  for (int n : {12, 24, 48, 96}) {
    const double e = pr_error(method, n);
    EXPECT_TRUE(e > 0 && std::isfinite(e)) << method << " n = " << n;
    log_h.push_back(std::log(1.0 / n));
    log_e.push_back(std::log(e));
    std::printf("  n=%d e=%.3g", n, e);
  }
  const double slope = least_squares_slope(log_h, log_e);
  std::printf("  -> observed %.3f\n", slope);
  EXPECT_NEAR(slope, order, 0.3) << method;
}

TEST(RosenbrockStiffOrder, Rosenbrock23) { check_stiff_order("rosenbrock23_sciml", 2); }
TEST(RosenbrockStiffOrder, Ros3p) { check_stiff_order("ros3p", 2); }
TEST(RosenbrockStiffOrder, Rodas3p) { check_stiff_order("rodas3p", 2); }
TEST(RosenbrockStiffOrder, Rodas4p) { check_stiff_order("rodas4p", 3); }
TEST(RosenbrockStiffOrder, Rodas5p) { check_stiff_order("rodas5p", 3); }

}  // namespace
