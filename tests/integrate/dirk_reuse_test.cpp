// tests/integrate/dirk_reuse_test.cpp
// Hairer's reuse in the DIRK family (dirk_stepper.hpp): J and the factors of M = I/(h a_ii) - J
// are kept across steps while h stays and Newton contracts fast. The stepper is driven here
// directly, one run in double (no SIMD packs, no Solver: one instantiation per method and
// problem keeps this file's compile short), through the loop's own sequence (step, error
// norm, the family's default controller as the Solver resolves it, advance), and each
// step's work is counted, at rtol = atol = 1e-6 with kvaerno5 and l_stable_sdirk_4, against
// the references (SciPy's Radau at rtol 1e-12, tests/stiff/stiff_references.txt).
// Measured 2026-12-04 with J and factors taken at every step (main before this change) and
// kept (now), factorisations per trial step and error in tolerances:
//   POLLU (k1 = 0.35, to t = 60)      kvaerno5 1.00 -> 1.00 (J on 15 of 18), 0.57 -> 0.13
//                                     l_stable_sdirk_4 1.00 -> 1.00 (J 25 of 32), 4.6 -> 2.04
//   ring modulator (Cs = 2e-12, 1e-3) kvaerno5 1.00 -> 0.75, 1,760 -> 1,590
//                                     l_stable_sdirk_4 1.00 -> 0.85, 10.3 -> 14.7
// POLLU's steps grow by 1.2-2.9x on all but a few of its 18-32 steps, so h and with it M
// change on nearly every one: there only J is saved.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "cubie/batch/method_catalog.hpp"
#include "cubie/batch/step_control.hpp"
#include "cubie/integrate/integrate_run.hpp"
#include "cubie/integrate/methods/newton_methods.hpp"
#include "reuse_problems.hpp"

namespace {

using namespace cubie;
using namespace cubie::test;
namespace m = cubie::methods;

struct reuse_stats {
  long accepted = 0, rejected = 0, jacobians = 0, factorizations = 0;
  double newton = 0;
  bool finished = false;
  std::vector<double> y;
  double per_step() const { return double(factorizations) / double(accepted + rejected); }
};

/// One run of Method on Sys<double> from Sys's y0 with parameter p0 to t_end at rtol = atol =
/// tol, stepped as integrate_run.hpp steps a run without saves, under the controller and
/// Newton settings the Solver resolves for the method by default.
template <class Method, template <class> class Sys>
reuse_stats drive(const char* method, double p0, double t_end, double tol) {
  using S = double;
  using System = Sys<S>;
  constexpr int N = System::n_states;
  using Stepper = stepper_for<Method, S, N, System>;
  solver_settings s;
  s.algorithm = method;
  s.rtol = {tol};
  s.atol = {tol};
  std::vector<std::string> warnings;
  const method_info& info = find_method(method);
  const resolved_controller rc = resolve_controller(s, info, warnings);
  const step_bounds b = resolve_step_bounds(s, 0.0, t_end, info.family);
  const resolved_newton rn = resolve_newton(s, s.atol, s.rtol, precision::float64, info.family, true);
  batch_args<double> a{};
  std::vector<double> atol(N, tol), rtol(N, tol);
  a.atol = atol.data();
  a.rtol = rtol.data();
  a.loop.control = controller_constants<double>(rc, info.error_order, b.dt_min, b.dt_max);
  a.loop.control.newton_target = double(rn.target_iters);

  const System sys{};
  fixed_vector<S, N> y;
  for (int n = 0; n < N; ++n) y[n] = System::y0[n];
  fixed_vector<S, 1> p;
  p[0] = p0;
  Stepper stepper;
  stepper.configure(newton_constants<double>(rn));
  S t = 0.0;
  stepper.start(sys, t, y, p);
  S dt = detail::initial_step<Stepper::order>(sys, a, t, y, p, stepper.slope());
  step_controller<S> controller;
  reuse_stats st;
  while (st.accepted + st.rejected < 1000000) {
    const bool land = t_end - t <= dt * (1.0 + 1e-6);
    const S h = land ? t_end - t : dt;
    typename Stepper::work_type work{};
    const step_outcome<S> o = stepper.step(sys, t, h, y, p, work);
    st.jacobians += work.jacobian_evaluations;
    st.factorizations += work.factorizations;
    if (o.singular) break;
    bool finite = true;
    for (int n = 0; n < N; ++n) finite = finite && std::isfinite(stepper.proposal()[n]);
    const S nrm2 = stepper.error_norm(y, a.atol, a.rtol);
    st.newton += stepper.trial_iterations().newton;
    step_decision<S> d;
    controller.decide(d, a.loop.control, h, dt, nrm2, finite && o.ok, land, stepper.take_newton_iterations());
    if (d.accept) {
      y = stepper.proposal();
      t = land ? t_end : t + h;
      ++st.accepted;
    } else {
      ++st.rejected;
      if (d.at_floor) break;
    }
    stepper.advance(sys, d.accept, t, y, p);
    dt = d.dt_next;
    if (d.accept && land) {
      st.finished = true;
      break;
    }
  }
  st.y.assign(y.data(), y.data() + N);
  return st;
}

/// Largest error over the states in units of tol (1 + |ref_i|).
double error_in_tolerances(const std::vector<double>& y, const double* ref, double tol) {
  double worst = 0;
  for (std::size_t i = 0; i < y.size(); ++i)
    worst = std::max(worst, std::fabs(y[i] - ref[i]) / (tol + tol * std::fabs(ref[i])));
  return worst;
}

void print(const char* problem, const char* method, const reuse_stats& st, double err) {
  std::printf("%-15s %-17s %7ld accepted %6ld rejected %7ld Jacobians %7ld factorisations (%.3f per step), "
              "%.2f Newton iterations per step, error %.3g tolerances\n",
              problem, method, st.accepted, st.rejected, st.jacobians, st.factorizations, st.per_step(),
              st.newton / double(st.accepted + st.rejected), err);
}

// tests/stiff/stiff_references.txt: SciPy 1.17.1 Radau at rtol 1e-12.
constexpr double pollu_60[20] = {
    0.056462554799479946, 0.1342484130429579,    4.1397343310448277e-09, 0.0055231402073841109,
    2.0189772623282337e-07, 1.4645418635229168e-07, 0.077842491190428409, 0.32450753533906057,
    0.0074940133839705965, 1.6222931573441448e-08, 1.1358638332876659e-08, 0.0022305059756286116,
    0.00020871628828228318, 1.3969210168887889e-05, 0.0089648848569037192, 4.3528463692510968e-18,
    0.006899219696265526, 0.00010078030373446504, 1.77214651421674e-06, 5.682943293112775e-05};
constexpr double ring_1e3[15] = {
    -0.023390573584867451, -0.0073674854855408254, 0.25829567092911693, -0.40644657212834501,
    -0.40394556651497943,  0.26079667654229433,    0.11067618612699751, 2.939904342435596e-07,
    -2.8400299336423291e-08, 0.00072671982672645533, 0.000792948719696084, -0.00072552834956989649,
    -0.00079414019685265205, 7.0884954169761141e-05, 2.3900590752365701e-05};

TEST(DirkReuse, PolluFactorisesOnFewSteps) {
  const reuse_stats k5 = drive<m::kvaerno5, pollu>("kvaerno5", 0.35, 60.0, 1e-6);
  const reuse_stats s4 = drive<m::l_stable_sdirk_4, pollu>("l_stable_sdirk_4", 0.35, 60.0, 1e-6);
  const double e5 = error_in_tolerances(k5.y, pollu_60, 1e-6), e4 = error_in_tolerances(s4.y, pollu_60, 1e-6);
  print("pollu", "kvaerno5", k5, e5);
  print("pollu", "l_stable_sdirk_4", s4, e4);
  ASSERT_TRUE(k5.finished && s4.finished);
  EXPECT_LE(k5.jacobians, 0.9 * double(k5.accepted + k5.rejected));
  EXPECT_LE(s4.jacobians, 0.85 * double(s4.accepted + s4.rejected));
  EXPECT_LE(s4.per_step(), 1.0);
  EXPECT_LT(e5, 1.0);  // SciPy's Radau: 0.05 tolerances here
  EXPECT_LT(e4, 4.6);
}

TEST(DirkReuse, RingModulatorFactorisesOnFewSteps) {
  const reuse_stats k5 = drive<m::kvaerno5, ring_modulator>("kvaerno5", 2e-12, 1e-3, 1e-6);
  const reuse_stats s4 = drive<m::l_stable_sdirk_4, ring_modulator>("l_stable_sdirk_4", 2e-12, 1e-3, 1e-6);
  const double e5 = error_in_tolerances(k5.y, ring_1e3, 1e-6), e4 = error_in_tolerances(s4.y, ring_1e3, 1e-6);
  print("ring_modulator", "kvaerno5", k5, e5);
  print("ring_modulator", "l_stable_sdirk_4", s4, e4);
  ASSERT_TRUE(k5.finished && s4.finished);
  EXPECT_LT(k5.per_step(), 0.8);
  EXPECT_LT(s4.per_step(), 0.9);
  // SciPy's Radau ends 10.7 tolerances off here; kvaerno5's estimate does not hold the ring's
  // error (bench/RESULTS.md), and is held to where it was.
  EXPECT_LT(e4, 2.0 * 10.7);
  EXPECT_LT(e5, 1760.0);
}

}  // namespace
