// The controller a Solver runs with: the settings' choice or the method family's default,
// validated with messages that name the field.
#include "cubie/batch/step_control.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "cubie/core/error.hpp"
#include "cubie/core/names.hpp"

namespace cubie {

namespace {

controller_kind parse_controller(const std::string& name) {
  const std::string n = normalize_name(name);
  if (n == "fixed") return controller_kind::fixed;
  if (n == "i") return controller_kind::i;
  if (n == "pi") return controller_kind::pi;
  if (n == "pid") return controller_kind::pid;
  if (n == "gustafsson") return controller_kind::gustafsson;
  throw invalid_argument("step_controller: unknown controller '" + name +
                         "'; valid names are fixed, i, pi, pid, gustafsson");
}

/// Each family's controller and gains, per stepper kind, when the settings name none
/// (CuBIE's, with the explicit-method overrides min_gain 0.2, max_gain 10 and no deadband).
struct family_defaults {
  controller_kind adaptive_kind;
  double safety, min_gain, max_gain, deadband_min, deadband_max, kp, ki, kd;
};

family_defaults defaults_of(method_family family, stepper_kind steppers) {
  switch (family) {
    case method_family::explicit_rk: break;
    // Rosenbrock methods keep the same pi (OrdinaryDiffEq.jl's default for them too): on
    // stiff reference problems the i controller, H211PI and pi 0.6/-0.2 took fewer steps only
    // with proportionally larger errors, and more rejections, each a full Jacobian and
    // factorisation (bench/cpu/stiff_controller_bench.cpp, bench/RESULTS.md).
    case method_family::rosenbrock: break;
    // Both of auto's methods are 5(4) pairs under the same pi.
    case method_family::auto_switch: break;
    // Newton families: Gustafsson's predictive controller, as in RADAU5 and the design (gains
    // as Hairer's: at most 1/0.2 smaller and 8 larger per step), with RADAU5's deadband where
    // the steppers keep factors: a proposed gain within [1, 1.2] keeps h, so the next step
    // reuses the factorisations (newton.hpp's jacobian_reuse; dirk_stepper.hpp,
    // firk_stepper.hpp). The DIRKs' SIMD packs keep none (a pack would factorise again
    // whenever any lane's h moved): there the deadband bought nothing and cost 0-6.5% more
    // steps and CPU time (bench/RESULTS.md, issue 9), so they step without one.
    case method_family::dirk: {
      const double deadband_max = steppers == stepper_kind::one_run ? 1.2 : 1.0;
      return {controller_kind::gustafsson, 0.9, 0.2, 8.0, 1.0, deadband_max, 0.7, -0.4, 0.0};
    }
    // The FIRK stepper keeps each lane's factors in packs too.
    case method_family::firk: return {controller_kind::gustafsson, 0.9, 0.2, 8.0, 1.0, 1.2, 0.7, -0.4, 0.0};
  }
  return {controller_kind::pi, 0.9, 0.2, 10.0, 1.0, 1.0, 0.7, -0.4, 0.0};
}

}  // namespace

step_bounds resolve_step_bounds(const solver_settings& s, double t0, double span, method_family family) {
  const double t_end = t0 + span;
  const double time_floor = 4.0 * std::numeric_limits<double>::epsilon() * std::max(std::fabs(t0), std::fabs(t_end));
  const double default_min =
      family == method_family::explicit_rk ? std::max(1e-12 * span, time_floor) : 1e-20 * span;
  const step_bounds b{s.dt_min.value_or(default_min), s.dt_max.value_or(span)};
  auto described = [&](const char* name, const std::optional<double>& given, double value) {
    return std::string(name) + " = " + number_text(value) + (given ? "" : " (the default for this span)");
  };
  if (b.dt_min > b.dt_max) {
    throw invalid_argument(described("dt_min", s.dt_min, b.dt_min) + " exceeds " + described("dt_max", s.dt_max, b.dt_max) +
                           "; dt_min must not exceed dt_max");
  }
  if (s.dt && *s.dt < b.dt_min) {
    throw invalid_argument("dt = " + number_text(*s.dt) + " is below " + described("dt_min", s.dt_min, b.dt_min) +
                           "; raise dt or lower dt_min");
  }
  return b;
}

resolved_controller resolve_controller(const solver_settings& s, const method_info& method,
                                       std::vector<std::string>& warnings, stepper_kind steppers) {
  family_defaults d = defaults_of(method.family, steppers);
  // A method that names its own controller (dormand_prince_853: i, as Hairer's code) takes it
  // with the family's gains and bounds.
  if (method.default_controller != nullptr) d.adaptive_kind = parse_controller(method.default_controller);
  controller_kind kind = s.step_controller.empty() ? (method.adaptive ? d.adaptive_kind : controller_kind::fixed)
                                                   : parse_controller(s.step_controller);
  if (kind != controller_kind::fixed && !method.adaptive) {
    warnings.push_back("step_controller '" + s.step_controller + "' needs an error estimate, which " + method.name +
                       " does not have; running with fixed steps");
    kind = controller_kind::fixed;
  }
  resolved_controller c{};
  c.kind = kind;
  c.safety = s.safety.value_or(d.safety);
  c.min_gain = s.min_gain.value_or(d.min_gain);
  c.max_gain = s.max_gain.value_or(d.max_gain);
  c.deadband_min = s.deadband_min.value_or(d.deadband_min);
  c.deadband_max = s.deadband_max.value_or(d.deadband_max);
  c.kp = s.kp.value_or(d.kp);
  c.ki = s.ki.value_or(d.ki);
  c.kd = s.kd.value_or(d.kd);

  auto positive = [](double v, const char* f) {
    if (!(v > 0) || !std::isfinite(v)) throw invalid_argument(std::string(f) + " = " + number_text(v) + "; it must be > 0");
  };
  auto finite = [](double v, const char* f) {
    if (!std::isfinite(v)) throw invalid_argument(std::string(f) + " is " + number_text(v) + "; it must be a finite number");
  };
  positive(c.safety, "safety");
  positive(c.min_gain, "min_gain");
  positive(c.max_gain, "max_gain");
  if (c.min_gain > 1.0) throw invalid_argument("min_gain = " + number_text(c.min_gain) + "; it must be in (0, 1]");
  if (c.max_gain < 1.0) throw invalid_argument("max_gain = " + number_text(c.max_gain) + "; it must be >= 1");
  if (c.deadband_min > c.deadband_max)
    throw invalid_argument("deadband_min = " + number_text(c.deadband_min) + " > deadband_max = " + number_text(c.deadband_max) +
                           "; deadband_min must not exceed deadband_max");
  finite(c.kp, "kp");
  finite(c.ki, "ki");
  finite(c.kd, "kd");
  return c;
}

const std::vector<std::string>& linear_solver_names() {
  static const std::vector<std::string> names = {"direct", "minimal_residual", "steepest_descent", "bicgstab",
                                                 "gmres"};
  return names;
}

const std::vector<std::string>& preconditioner_names() {
  static const std::vector<std::string> names = {"none", "jacobi", "neumann"};
  return names;
}

namespace {
int index_of_name(const std::vector<std::string>& names, const std::string& value, const char* field) {
  const std::string v = normalize_name(value);
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == v) return static_cast<int>(i);
  std::string allowed;
  for (const std::string& n : names) allowed += (allowed.empty() ? "" : ", ") + n;
  throw invalid_argument(std::string(field) + ": unknown value '" + value + "'; valid values are " + allowed);
}
}  // namespace

resolved_newton resolve_newton(const solver_settings& s, const std::vector<double>& atol,
                               const std::vector<double>& rtol, precision prec, method_family family,
                               bool direct_available) {
  // Newton's error must stay well below the step's: Hairer's RADAU5 stops at 0.03 of the
  // error tolerance; below 10 machine epsilons the increments are rounding noise. The FIRK
  // family takes SciPy's Radau factor, min(0.03, sqrt(rtol)): at rtol 1e-6 its Newton error
  // (a floor under the solution's: 3e-12 at atol 1e-10 with 0.03) left Robertson to 1e11 at
  // 0.025 tolerances where SciPy ends at 1.4e-4 (tests/stiff/reference_test.cpp).
  const double eps = prec == precision::float32 ? double(std::numeric_limits<float>::epsilon())
                                                : std::numeric_limits<double>::epsilon();
  const double min_atol = *std::min_element(atol.begin(), atol.end());
  const double min_rtol = *std::min_element(rtol.begin(), rtol.end());
  const double factor = family == method_family::firk ? std::min(0.03, std::sqrt(min_rtol)) : 0.03;
  resolved_newton n{};
  n.atol = s.newton_atol.value_or(factor * min_atol);
  n.rtol = s.newton_rtol.value_or(std::max(factor * min_rtol, 10.0 * eps));
  // RADAU5's nit = 7 for the FIRK family: its Gustafsson safety factor, 0.9 (1 + 2 nit) /
  // (newt + 2 nit), is the one SciPy's Radau steps with too (HIRES at rtol 1e-8: with 10,
  // 5% fewer steps and 2.1x SciPy's error, tests/stiff).
  n.max_iters = s.newton_max_iters.value_or(family == method_family::firk ? 7 : 10);
  n.target_iters = s.newton_target_iters.value_or(n.max_iters);
  if (!(n.atol >= 0) || !std::isfinite(n.atol))
    throw invalid_argument("newton_atol = " + number_text(n.atol) + "; it must be a finite number >= 0");
  if (!(n.rtol >= 0) || !std::isfinite(n.rtol))
    throw invalid_argument("newton_rtol = " + number_text(n.rtol) + "; it must be a finite number >= 0");
  if (!(n.atol > 0) && !(n.rtol > 0))
    throw invalid_argument("newton_atol and newton_rtol are both 0; at least one must be > 0");
  if (n.max_iters < 1)
    throw invalid_argument("newton_max_iters = " + std::to_string(n.max_iters) + "; it must be >= 1");
  if (n.target_iters < 1 || n.target_iters > n.max_iters)
    throw invalid_argument("newton_target_iters = " + std::to_string(n.target_iters) + "; it must be in [1, " +
                           "newton_max_iters = " + std::to_string(n.max_iters) + "]");

  if (s.linear_solver) {
    n.linear_solver = static_cast<linear_solver_kind>(index_of_name(linear_solver_names(), *s.linear_solver, "linear_solver"));
    const bool newton_family = family == method_family::dirk || family == method_family::firk;
    if (n.linear_solver == linear_solver_kind::direct && !direct_available && newton_family)
      throw invalid_argument("linear_solver = direct: this system has more than " +
                             std::to_string(dense_direct_max_states) +
                             " states and no generated sparse LU, so no direct solver is built for it; use "
                             "minimal_residual, steepest_descent, bicgstab or gmres");
    if (n.linear_solver != linear_solver_kind::direct && !newton_family)
      throw invalid_argument("linear_solver = " + *s.linear_solver + ": the Krylov solvers serve the dirk and firk "
                             "families; the " + family_name(family) + " family solves with its LU (use "
                             "linear_solver = direct, or a Newton method such as kvaerno5 or radau_iia_5)");
  } else {
    n.linear_solver = direct_available ? linear_solver_kind::direct : linear_solver_kind::bicgstab;
  }
  n.krylov_atol = s.krylov_atol.value_or(0.25 * n.atol);
  n.krylov_rtol = s.krylov_rtol.value_or(0.25 * n.rtol);
  n.krylov_max_iters = s.krylov_max_iters.value_or(100);
  if (s.preconditioner_type)
    n.preconditioner =
        static_cast<preconditioner_kind>(index_of_name(preconditioner_names(), *s.preconditioner_type, "preconditioner_type"));
  n.preconditioner_order = s.preconditioner_order.value_or(1);
  if (!(n.krylov_atol >= 0) || !std::isfinite(n.krylov_atol))
    throw invalid_argument("krylov_atol = " + number_text(n.krylov_atol) + "; it must be a finite number >= 0");
  if (!(n.krylov_rtol >= 0) || !std::isfinite(n.krylov_rtol))
    throw invalid_argument("krylov_rtol = " + number_text(n.krylov_rtol) + "; it must be a finite number >= 0");
  if (!(n.krylov_atol > 0) && !(n.krylov_rtol > 0))
    throw invalid_argument("krylov_atol and krylov_rtol are both 0; at least one must be > 0");
  if (n.krylov_max_iters < 1)
    throw invalid_argument("krylov_max_iters = " + std::to_string(n.krylov_max_iters) + "; it must be >= 1");
  if (n.preconditioner_order < 0 || n.preconditioner_order > 16)
    throw invalid_argument("preconditioner_order = " + std::to_string(n.preconditioner_order) +
                           "; it must be in [0, 16]");
  return n;
}

}  // namespace cubie
