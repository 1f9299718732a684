// tests/integrate/lorenz_odeint_test.cpp
// The Lorenz ensemble (rho swept, x0 = (1, 0, 0), t in [0, 1]) solved by cubie's adaptive
// methods against Boost.odeint, an independent implementation, run here at tight tolerance:
// the final states must agree within 10 tol (scaled by 1 + |value|, as atol = rtol = tol).
#include <gtest/gtest.h>

#include <array>
#include <boost/numeric/odeint.hpp>
#include <cmath>
#include <cstdio>
#include <vector>

#include "cubie/batch/make_system.hpp"
#include "cubie/batch/solver.hpp"
#include "cubie/systems/lorenz.hpp"

namespace {

using namespace cubie;
namespace m = cubie::methods;
namespace odeint = boost::numeric::odeint;
using state = std::array<double, 3>;

constexpr int n_runs = 256;
constexpr double duration = 1.0;

std::vector<double> rho_values() {
  std::vector<double> rho(n_runs);
  for (int i = 0; i < n_runs; ++i) rho[i] = 28.0 * i / (n_runs - 1);
  return rho;
}

/// odeint's solution at t = 1 for each rho: Fehlberg 7(8), controlled at 1e-13.
const std::vector<state>& reference() {
  static const std::vector<state> ref = [] {
    std::vector<state> out;
    for (double rho : rho_values()) {
      auto rhs = [rho](const state& y, state& dy, double) {
        dy[0] = 10.0 * (y[1] - y[0]);
        dy[1] = y[0] * (rho - y[2]) - y[1];
        dy[2] = y[0] * y[1] - 8.0 / 3.0 * y[2];
      };
      state y = {1.0, 0.0, 0.0};
      odeint::integrate_adaptive(odeint::make_controlled(1e-13, 1e-13, odeint::runge_kutta_fehlberg78<state>()), rhs, y,
                                 0.0, duration, 1e-4);
      out.push_back(y);
    }
    return out;
  }();
  return ref;
}

const std::shared_ptr<const compiled_system>& lorenz_double() {
  static const auto sys =
      make_system<systems::lorenz, m::method_list<m::dormand_prince_54, m::vern7, m::dormand_prince_853>, double>();
  return sys;
}
const std::shared_ptr<const compiled_system>& lorenz_float() {
  static const auto sys = make_system<systems::lorenz, m::method_list<m::dormand_prince_54>, float>();
  return sys;
}

/// Largest |cubie - odeint| / (1 + |odeint|) over the ensemble's final states.
double max_error_against_odeint(const std::shared_ptr<const compiled_system>& sys, const char* method, precision p,
                                double tol) {
  solver_settings s;
  s.algorithm = method;
  s.atol = {tol};
  s.rtol = {tol};
  s.precision = p;
  s.backend = "cpu";
  Solver solver(sys, s);
  solve_spec spec;
  spec.duration = duration;
  const SolveResult r = solver.solve({{"x", {1.0}}, {"y", {0.0}}, {"z", {0.0}}}, {{"rho", rho_values()}}, spec);
  EXPECT_EQ(r.failed_runs(), 0);
  const std::vector<double> fx = r.final_values("x"), fy = r.final_values("y"), fz = r.final_values("z");
  double worst = 0;
  for (int i = 0; i < n_runs; ++i) {
    const state& ref = reference()[i];
    const double got[3] = {fx[i], fy[i], fz[i]};
    for (int c = 0; c < 3; ++c) worst = std::max(worst, std::abs(got[c] - ref[c]) / (1 + std::abs(ref[c])));
  }
  std::printf("%-20s %-7s tol %.0e: max |cubie - odeint| / (1 + |odeint|) = %.3g\n", method, precision_name(p), tol,
              worst);
  return worst;
}

TEST(LorenzAgainstOdeint, ReferenceIsSelfConsistent) {
  // odeint's own Dormand-Prince 5 at 1e-12 agrees with the 7(8) reference far below what
  // the tests below demand.
  double worst = 0;
  const auto rho = rho_values();
  for (int i = 0; i < n_runs; ++i) {
    const double r = rho[i];
    auto rhs = [r](const state& y, state& dy, double) {
      dy[0] = 10.0 * (y[1] - y[0]);
      dy[1] = y[0] * (r - y[2]) - y[1];
      dy[2] = y[0] * y[1] - 8.0 / 3.0 * y[2];
    };
    state y = {1.0, 0.0, 0.0};
    odeint::integrate_adaptive(odeint::make_controlled(1e-12, 1e-12, odeint::runge_kutta_dopri5<state>()), rhs, y, 0.0,
                               duration, 1e-4);
    for (int c = 0; c < 3; ++c)
      worst = std::max(worst, std::abs(y[c] - reference()[i][c]) / (1 + std::abs(reference()[i][c])));
  }
  std::printf("odeint dopri5 at 1e-12 against odeint rk78 at 1e-13: %.3g\n", worst);
  EXPECT_LT(worst, 1e-10);
}

TEST(LorenzAgainstOdeint, DormandPrince54Double) {
  EXPECT_LT(max_error_against_odeint(lorenz_double(), "dormand_prince_54", precision::float64, 1e-10), 10 * 1e-10);
}
TEST(LorenzAgainstOdeint, Vern7Double) {
  EXPECT_LT(max_error_against_odeint(lorenz_double(), "vern7", precision::float64, 1e-10), 10 * 1e-10);
}
TEST(LorenzAgainstOdeint, DormandPrince853Double) {
  EXPECT_LT(max_error_against_odeint(lorenz_double(), "dormand_prince_853", precision::float64, 1e-10), 10 * 1e-10);
}
TEST(LorenzAgainstOdeint, DormandPrince54Float) {
  EXPECT_LT(max_error_against_odeint(lorenz_float(), "dormand_prince_54", precision::float32, 1e-5), 10 * 1e-5);
}

}  // namespace
