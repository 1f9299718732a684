// cubie/batch/step_control.hpp
// The step controller a Solver runs with, resolved once from the settings and the method's
// family (integrate/step_controller.hpp has the formulas), and its per-solve constants.
#pragma once
#include <string>
#include <vector>

#include "../core/precision.hpp"
#include "../integrate/newton_settings.hpp"
#include "../integrate/step_controller.hpp"
#include "method_catalog.hpp"
#include "solver_settings.hpp"

namespace cubie {

/// The step a fixed-step solve takes when solver_settings::dt is unset. `cubie run` says so
/// (with the step count) when it happens, since the span may need a very different one.
inline constexpr double default_fixed_dt = 1e-3;

/// How a backend's steppers hold runs, which sets a few controller defaults: one run per
/// stepper (a GPU thread), where the DIRKs keep J and the factors of their iteration matrix
/// across steps, or SIMD packs of runs (the CPU backend), where the DIRKs take both at every
/// step (dirk_stepper.hpp's keeps_factors).
enum class stepper_kind { one_run, simd_pack };

/// The controller a Solver resolved from its settings and method.
struct resolved_controller {
  controller_kind kind;
  double safety, min_gain, max_gain, deadband_min, deadband_max, kp, ki, kd;
};

/// @brief The controller for `method` on steppers of kind `steppers`: the one named in the
/// settings, else the family's default (explicit Runge-Kutta: pi, or fixed for methods without
/// an error estimate), gains from the settings or the defaults of the family and stepper kind
/// (the DIRKs' deadband [1, 1.2] only where they keep factors: one_run). `steppers` changes
/// only gains' defaults, never the controller kind, so callers that read the kind alone may
/// leave it. Appends a warning when a controller that needs an error estimate is asked of a
/// method without one (it then runs with fixed steps).
/// @throws invalid_argument naming the field for an unknown controller or a bad gain.
[[nodiscard]] resolved_controller resolve_controller(const solver_settings& settings, const method_info& method,
                                                     std::vector<std::string>& warnings,
                                                     stepper_kind steppers = stepper_kind::one_run);

/// The step-size bounds of one solve.
struct step_bounds {
  double dt_min, dt_max;
};

/// @brief dt_min and dt_max for a solve over [t0, t0 + span]: the settings' values, or
/// defaults relative to the span, so that problems on any time scale run without tuning:
/// dt_max = span, and for explicit methods dt_min = max(1e-12 span, 4 eps(double)
/// max(|t0|, |t0 + span|)) (below the latter the double time cannot advance at the span's
/// end). Implicit (stiff) methods get dt_min = 1e-20 span: stiff runs cover spans far longer
/// than their smallest steps (Robertson to t = 1e11 starts with steps near 1e-4, a ratio of
/// 1e-15; the ring modulator steps down to 7e-11 in a span of 1e-3), and a run that cannot
/// advance in double time stops through the loop's stagnation check (status 64).
/// @throws invalid_argument naming both values when dt_min > dt_max, or dt < dt_min.
[[nodiscard]] step_bounds resolve_step_bounds(const solver_settings& settings, double t0, double span,
                                              method_family family = method_family::explicit_rk);

/// @brief The device constants of `c` for a method of error order `error_order`, in the
/// state precision V.
template <class V>
[[nodiscard]] controller_settings<V> controller_constants(const resolved_controller& c, int error_order,
                                                          double dt_min, double dt_max) {
  controller_settings<V> cs{};
  cs.kind = c.kind;
  cs.dt_min = static_cast<V>(dt_min);
  cs.dt_max = static_cast<V>(dt_max);
  cs.safety = static_cast<V>(c.safety);
  cs.min_gain = static_cast<V>(c.min_gain);
  cs.max_gain = static_cast<V>(c.max_gain);
  cs.deadband_min = static_cast<V>(c.deadband_min);
  cs.deadband_max = static_cast<V>(c.deadband_max);
  // The norm is a mean square: err^(-k/(q+1)) = norm^(-k/(2(q+1))).
  const double q1 = 2.0 * (error_order + 1);
  if (c.kind == controller_kind::i) {
    cs.exp_p = static_cast<V>(-1.0 / q1);
    cs.exp_i = cs.exp_d = V(0);
  } else {
    cs.exp_p = static_cast<V>(-c.kp / q1);
    cs.exp_i = static_cast<V>(-c.ki / q1);
    cs.exp_d = static_cast<V>(-c.kd / q1);
  }
  cs.exp_reject = static_cast<V>(-1.0 / q1);
  return cs;
}

/// The Newton constants a Solver resolved (implicit Runge-Kutta families).
struct resolved_newton {
  double atol, rtol;
  int max_iters, target_iters;
  linear_solver_kind linear_solver = linear_solver_kind::direct;
  double krylov_atol = 0, krylov_rtol = 0;
  int krylov_max_iters = 100;
  preconditioner_kind preconditioner = preconditioner_kind::jacobi;
  int preconditioner_order = 1;
};

/// The linear solvers' names, in linear_solver_kind's order ("direct", "minimal_residual", ...).
[[nodiscard]] const std::vector<std::string>& linear_solver_names();
/// The preconditioners' names ("none", "jacobi", "neumann").
[[nodiscard]] const std::vector<std::string>& preconditioner_names();

/// @brief The Newton settings of a solve: the settings' values, or defaults from the step
/// tolerances (0.03 times the smallest atol and rtol, min(0.03, sqrt(rtol)) times for the
/// FIRK family as SciPy's Radau, rtol at least 10 machine epsilons of `prec`; 10
/// iterations, 7 for the FIRK family as RADAU5; target_iters = max_iters) and the linear
/// solver's (the DIRK and FIRK families): linear_solver (unset: direct where `direct_available`, else
/// bicgstab), Krylov tolerances (a quarter of the Newton ones), 100 iterations, jacobi
/// preconditioner of order 1.
/// @throws invalid_argument naming the field for a value out of range or an unknown name (with
///   the allowed ones), and for linear_solver = direct where `direct_available` is false.
[[nodiscard]] resolved_newton resolve_newton(const solver_settings& settings, const std::vector<double>& atol,
                                             const std::vector<double>& rtol, precision prec,
                                             method_family family = method_family::dirk,
                                             bool direct_available = true);

/// The device constants of `n` in the state precision V.
template <class V>
[[nodiscard]] newton_settings<V> newton_constants(const resolved_newton& n) {
  return newton_settings<V>{static_cast<V>(n.atol),
                            static_cast<V>(n.rtol),
                            n.max_iters,
                            n.target_iters,
                            {n.linear_solver, static_cast<V>(n.krylov_atol), static_cast<V>(n.krylov_rtol),
                             n.krylov_max_iters, n.preconditioner, n.preconditioner_order}};
}

}  // namespace cubie
