// driven_system, the face a system with drivers shows steppers: rhs, observables and the
// implicit methods' members without the drivers, which it evaluates at the member's time;
// time_derivative receives the drivers' rates, so an implicit method's df/dt is the total
// derivative along time. Checked against finite differences of the driven rhs.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "cubie/batch/driver_signal.hpp"
#include "batch/driver_table.hpp"
#include "cubie/integrate/drivers.hpp"

namespace {

using namespace cubie;

// f = (y1, -k y0 + u0 * y1 + t u1): two drivers, an explicit t, and the members of
// JACOBIAN_CONTRACT.md written by hand with the drivers' values (and rates for df/dt).
template <class S>
struct two_driver_system {
  static constexpr int n_states = 2, n_parameters = 1, n_observables = 1, n_drivers = 2;
  static constexpr const char* state_names = "a,b";
  static constexpr const char* parameter_names = "k";
  static constexpr const char* observable_names = "u_sum";
  static constexpr const char* driver_names = "u,w";
  void rhs(S t, const S* y, const S* p, const S* u, S* f) const {
    f[0] = y[1];
    f[1] = -p[0] * y[0] + u[0] * y[1] + t * u[1];
  }
  void observables(S, const S*, const S*, const S* u, S* out) const { out[0] = u[0] + u[1]; }
  void jacobian(S, const S*, const S* p, const S* u, S* J) const {
    J[0] = 0, J[1] = 1, J[2] = -p[0], J[3] = u[0];
  }
  void time_derivative(S t, const S* y, const S*, const S* u, const S* dudt, S* dfdt) const {
    dfdt[0] = 0;
    dfdt[1] = dudt[0] * y[1] + u[1] + t * dudt[1];
  }
};

TEST(DrivenSystem, MembersSeeTheDriversAtTheirTime) {
  // Two shared drivers with their own grids, fitted by the host code, as the loop's inputs.
  const driver_signal u{.name = "u", .samples = {0.2, 1.0, -0.5, 0.7, 0.3, 0.2}, .dt = 0.4, .t0 = -0.2};
  const driver_signal w{.name = "w", .samples = {1.0, 2.0, 0.0, 3.0}, .dt = 0.7, .wrap = false,
                        .boundary = spline_boundary::natural};
  const detail::driver_table tu = detail::build_driver_table(u), tw = detail::build_driver_table(w);
  std::vector<double> inputs = tu.coefficients;
  inputs.insert(inputs.end(), tw.coefficients.begin(), tw.coefficients.end());
  const i64 offset[2] = {0, static_cast<i64>(tu.coefficients.size())}, stride[2] = {0, 0};
  driver_info info[2] = {tu.info, tw.info};
  info[0].input = 0;
  info[1].input = 1;
  batch_args<double> a{};
  a.inputs = inputs.data();
  a.input_offset = offset;
  a.input_stride = stride;
  a.n_runs = 1;
  a.drivers.info = info;
  a.drivers.column_stride = 1;

  const two_driver_system<double> sys{};
  const driven_system<two_driver_system<double>, double, double> driven(sys, a, 0);
  static_assert(!driven_system<two_driver_system<double>, double, double>::autonomous);
  const double y[2] = {0.3, -1.1}, p[1] = {2.5};
  for (double t : {0.05, 0.35, 0.8, 1.31, 2.9}) {  // w jumps to 0 outside [0, 2.1]: no t on its ends
    std::vector<double> ur, wr;
    const double uv = interpolate_driver(u, std::vector<double>{t}, 0, &ur)[0];
    const double wv = interpolate_driver(w, std::vector<double>{t}, 0, &wr)[0];
    double f[2], expected[2], obs[1], J[4], dfdt[2];
    const double uu[2] = {uv, wv};
    driven.rhs(t, y, p, f);
    sys.rhs(t, y, p, uu, expected);
    EXPECT_EQ(f[1], expected[1]) << "t = " << t;
    driven.observables(t, y, p, obs);
    EXPECT_EQ(obs[0], uv + wv);
    driven.jacobian(t, y, p, J);
    EXPECT_EQ(J[3], uv);
    // df/dt through the drivers: against central differences of the driven rhs along t.
    driven.time_derivative(t, y, p, dfdt);
    const double h = 1e-6;
    double fm[2], fp[2];
    driven.rhs(t - h, y, p, fm);
    driven.rhs(t + h, y, p, fp);
    EXPECT_NEAR(dfdt[1], (fp[1] - fm[1]) / (2 * h), 1e-6) << "t = " << t;
    if (t < 2.1) EXPECT_NE(wr[0], 0.0);  // the rate term is exercised inside w's samples
  }
}

}  // namespace
