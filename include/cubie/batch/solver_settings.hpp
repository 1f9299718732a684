// cubie/batch/solver_settings.hpp
// Everything that configures a Solver (method, controller, tolerances, precision,
// backend, memory) and, per solve, the time span and what to save. Plain data:
// validated by validate_*() in solver_settings.cpp with messages that name the field.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "../core/precision.hpp"
#include "driver_signal.hpp"
#include "../memory/memory_settings.hpp"

namespace cubie {

/// Solver-wide settings. Names follow CuBIE; defaults are CuBIE's.
struct solver_settings {
  std::string algorithm = "dormand_prince_54";  ///< see method_names(); aliases rk4, rk45, ode45, ...
  std::string step_controller;                  ///< "" = the method's default: pi if adaptive, else fixed
  std::vector<double> atol = {1e-6};            ///< one value, or one per state
  std::vector<double> rtol = {1e-6};            ///< one value, or one per state
  std::optional<double> dt;                     ///< fixed step; for adaptive methods the first step (unset: estimated)
  /// Smallest and largest step size; unset: relative to the solve's span (settling_time +
  /// duration): dt_max = span; dt_min = max(1e-12 span, 4 eps(double) max(|t0|, |t_end|))
  /// for explicit methods, 1e-20 span for implicit ones (step_control.hpp, resolve_step_bounds).
  std::optional<double> dt_min, dt_max;
  // Controller gains; unset means the controller's default (see step_controller.hpp).
  std::optional<double> safety, min_gain, max_gain, deadband_min, deadband_max, kp, ki, kd;
  /// Newton iterations of implicit Runge-Kutta stages (newton_settings.hpp). Unset: atol and
  /// rtol 0.03 times the smallest step tolerance (rtol at least 10 machine epsilons of the
  /// precision), 10 iterations, target_iters = max_iters (the gustafsson controller's aim).
  std::optional<double> newton_atol, newton_rtol;
  std::optional<int> newton_max_iters, newton_target_iters;
  /// The linear solver of each Newton iteration (integrate/krylov_settings.hpp): "direct" (the
  /// LU of c I - J) or a matrix-free Krylov method, "minimal_residual", "steepest_descent",
  /// "bicgstab", "gmres". Unset: direct, where the system has it (every system with a
  /// generated sparse LU or at most 40 states), else bicgstab.
  std::optional<std::string> linear_solver;
  /// Krylov convergence: residual of (I - h gamma J) x = b at most 1 in the RMS norm with
  /// weights 1 / (krylov_atol + krylov_rtol |y|). Unset: a quarter of the Newton tolerances.
  std::optional<double> krylov_atol, krylov_rtol;
  std::optional<int> krylov_max_iters;           ///< per linear solve; unset: 100
  std::optional<std::string> preconditioner_type;  ///< "jacobi" (default), "neumann" or "none"
  std::optional<int> preconditioner_order;       ///< stationary sweeps of the preconditioner; unset: 1
  std::int64_t max_steps = 10'000'000;          ///< accepted + rejected steps per run
  /// algorithm = "auto": 1 runs one kernel holding both methods, 2 two passes (an explicit
  /// pass, then auto over the runs whose stiffness test fired: integrate/continuation.hpp).
  /// 0 = the environment's CUBIE_AUTO_PASSES, else 2 on CUDA and 1 on the CPU. Other
  /// methods ignore it; solves with summary metrics, events or drivers use one kernel.
  int auto_passes = 0;
  cubie::precision precision = cubie::precision::float64;
  std::string backend = "auto";                 ///< "auto" (cuda when a GPU is present), "cpu", "cuda"
  int cpu_threads = 0;                          ///< 0: every core
  bool nan_fill_failed = true;                  ///< failed runs' outputs become NaN
  memory::memory_settings memory;
};

enum class grid_type { verbatim, combinatorial };

/// Per-solve settings: the time span, the save schedule and what to save.
///
/// What is recorded (the design's vocabulary, docs/cli_and_files.md "Outputs"):
/// `output_types` lists "state" and "observables" (the time domain), "time" (accepted: the
/// save times are always the time axis) and summary metrics ("mean", "max", "peaks[4]",
/// ... see summary_metric_names()). Unset, the time domain holds the saved states and
/// observables and no summaries are computed. The time domain's variables come from
/// `save_variables` (states and observables by name) or `saved_states` /
/// `saved_observables`; the summarised ones from `summarise_variables`, by default the
/// saved ones.
struct solve_spec {
  double t0 = 0.0;
  double duration = 1.0;
  double settling_time = 0.0;              ///< integrated before t0 + settling_time, not recorded
  std::optional<double> save_every;        ///< unset: the initial and final states only
  /// Save times shared by every run, strictly increasing in [t0 + settling_time, t_end]
  /// (t_end = t0 + settling_time + duration); instead of save_every. Steps land on them;
  /// the run still integrates to t_end.
  std::optional<std::vector<double>> save_times;
  std::optional<std::vector<std::string>> output_types;       ///< unset: state and observables
  std::optional<std::vector<std::string>> save_variables;     ///< states and observables by name
  std::optional<std::vector<std::string>> summarise_variables;  ///< unset: the saved variables
  /// Length of a summary window (unset: duration); windows that do not fit whole in the
  /// duration are not summarised.
  std::optional<double> summarise_every;
  /// Spacing of summary samples (unset: summarise_every / 10, or duration / 100 when
  /// summarise_every is unset too); summarise_every must be a whole multiple of it.
  std::optional<double> sample_summaries_every;
  std::optional<std::vector<std::string>> saved_states;       ///< unset: every state
  std::optional<std::vector<std::string>> saved_observables;  ///< unset: every observable
  bool save_initial = true;                ///< record the state at t0 + settling_time
  bool save_counters = true;               ///< keep per-run accepted/rejected step counts
  bool save_t_reached = true;              ///< keep where each run stopped: t_reached and dt_last
  /// Interpolated signals for the system's drivers, one per driver (driver_signal.hpp).
  std::vector<driver_signal> drivers;
  bool land_on_samples = false;            ///< steps end on every driver sample time (kinks cost no rejected steps)
  /// Events logged per run (time, event, state); later ones are counted (event_count), not
  /// stored. 0: none stored (the events still act).
  std::int64_t max_events = 16;
  double event_tolerance = 0.0;            ///< locate crossings to this width in time; 0: as tight as the arithmetic allows
  bool save_event_states = true;           ///< log the state at each event (event_states)
  grid_type grid = grid_type::verbatim;

  friend bool operator==(const solve_spec&, const solve_spec&) = default;
};

/// "verbatim" or "combinatorial"; throws invalid_argument otherwise.
[[nodiscard]] grid_type parse_grid_type(const std::string& name);

}  // namespace cubie
