// tests/integrate/reuse_driver.hpp
// One run of an implicit stepper driven directly, in double, through the loop's own sequence
// (step, error norm, the default controller as the Solver resolves it, advance),
// counting each trial's Jacobians and factorisations: dirk_reuse_test.cpp and
// bench/stiff/dirk_reuse_bench.cpp. The Solver's CPU backend steps SIMD packs, where the DIRKs
// take J at every step; one run per stepper is what a GPU thread does.
#pragma once
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "cubie/batch/method_catalog.hpp"
#include "cubie/batch/step_control.hpp"
#include "cubie/integrate/dirk_stepper.hpp"
#include "cubie/integrate/integrate_run.hpp"

namespace cubie::test {

struct reuse_stats {
  long accepted = 0, rejected = 0, jacobians = 0, factorizations = 0;
  double newton = 0;  // Newton iterations over all trials and stages
  bool finished = false;
  std::vector<double> y;
  long steps() const { return accepted + rejected; }
  double jacobians_per_step() const { return double(jacobians) / double(steps()); }
  double factorizations_per_step() const { return double(factorizations) / double(steps()); }
};

/// A case: rtol, atol (one for every state, or one per state), the end time, the start and
/// the parameters.
struct reuse_case {
  double rtol;
  std::vector<double> atol;
  double t_end;
  std::vector<double> y0, p;
  double deadband_max = 0;  // > 0: the controller's deadband_max (else the family's default)
  double atol_of(std::size_t i) const { return atol.size() == 1 ? atol[0] : atol[i]; }
};

/// One run of `method` by Stepper (stepper_for<Method, double, N, System> keeps J and the
/// factors across steps; dirk_stepper<Method, double, N> without the system takes them at
/// every step) on System from c.y0 to c.t_end, under the controller and Newton settings the
/// Solver resolves for the method by default for one-run steppers (a GPU thread's).
template <class Stepper, class System>
reuse_stats drive(const char* method, const reuse_case& c) {
  using S = double;
  constexpr int N = System::n_states;
  constexpr int P = System::n_parameters > 0 ? System::n_parameters : 1;
  solver_settings s;
  s.algorithm = method;
  s.rtol = {c.rtol};
  s.atol = c.atol;
  if (c.deadband_max > 0) s.deadband_max = c.deadband_max;
  std::vector<std::string> warnings;
  const method_info& info = find_method(method);
  // Both steppers under the one-run defaults (the deadband [1, 1.2]): the comparison is of
  // keeping J and the factors or not under one controller. With the packs' default (none) the
  // every-step stepper took 22% fewer steps on Robertson with l_stable_sdirk_4 (14,180 against
  // 18,078) and failed the test's step and accuracy bounds for that reason, not the reuse's.
  const resolved_controller rc = resolve_controller(s, info, warnings, stepper_kind::one_run);
  const step_bounds b = resolve_step_bounds(s, 0.0, c.t_end, info.family);
  const resolved_newton rn = resolve_newton(s, s.atol, s.rtol, precision::float64, info.family, true);
  batch_args<double> a{};
  std::vector<double> atol(N), rtol(N, c.rtol);
  for (int n = 0; n < N; ++n) atol[std::size_t(n)] = c.atol_of(std::size_t(n));
  a.atol = atol.data();
  a.rtol = rtol.data();
  a.loop.control = controller_constants<double>(rc, info.error_order, b.dt_min, b.dt_max);
  a.loop.control.newton_target = double(rn.target_iters);

  const System sys{};
  fixed_vector<S, N> y;
  for (int n = 0; n < N; ++n) y[n] = c.y0[std::size_t(n)];
  fixed_vector<S, P> p;
  for (int k = 0; k < P; ++k) p[k] = std::size_t(k) < c.p.size() ? c.p[std::size_t(k)] : 0.0;
  Stepper stepper;
  stepper.configure(newton_constants<double>(rn));
  S t = 0.0;
  stepper.start(sys, t, y, p);
  S dt = detail::initial_step<Stepper::order>(sys, a, t, y, p, stepper.slope());
  step_controller<S> controller;
  reuse_stats st;
  while (st.steps() < 10000000) {
    const bool land = c.t_end - t <= dt * (1.0 + 1e-6);
    const S h = land ? c.t_end - t : dt;
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
      t = land ? c.t_end : t + h;
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

/// The two steppers compared on Sys in double: the one that keeps J and the factors across
/// steps (stepper_for with the system: a GPU thread's) and the one that takes both at every
/// trial step (dirk_stepper without it: what a CPU SIMD pack does).
template <class Method, template <class> class Sys>
using kept_stepper = stepper_for<Method, double, Sys<double>::n_states, Sys<double>>;
template <class Method, template <class> class Sys>
using every_stepper = dirk_stepper<Method, double, Sys<double>::n_states>;

/// Largest error over the first `states` states (all where 0) in units of atol_i + rtol |ref_i|.
inline double error_in_tolerances(const reuse_stats& st, const reuse_case& c, const double* ref, std::size_t states = 0) {
  double worst = 0;
  const std::size_t n = states ? states : st.y.size();
  for (std::size_t i = 0; i < n; ++i)
    worst = std::max(worst, std::fabs(st.y[i] - ref[i]) / (c.atol_of(i) + c.rtol * std::fabs(ref[i])));
  return worst;
}

}  // namespace cubie::test
