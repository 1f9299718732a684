// cubie/execution/system_info.hpp
// What the host knows about a system: its variable names in order and, for model
// files, default initial values and parameters.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "../integrate/event_args.hpp"

namespace cubie {

struct system_info {
  std::string name;
  std::vector<std::string> states;
  std::vector<std::string> parameters;
  std::vector<std::string> observables;
  std::vector<std::string> drivers;        ///< interpolated signals the equations read
  std::vector<std::string> events;         ///< event names, in the system's order
  std::vector<event_kind> event_kinds;     ///< each event's direction and action
  /// Defaults used when a solve does not give a value; empty: every value is required.
  std::vector<double> state_defaults;
  std::vector<double> parameter_defaults;
  /// The Newton families' direct linear solver (LU) is built for this system: it has a
  /// generated sparse LU or at most dense_direct_max_states states (krylov_settings.hpp).
  /// False: they solve matrix-free only (linear_solver = a Krylov method).
  bool direct_linear_solver = true;

  [[nodiscard]] int n_states() const { return static_cast<int>(states.size()); }
  [[nodiscard]] int n_parameters() const { return static_cast<int>(parameters.size()); }
  [[nodiscard]] int n_observables() const { return static_cast<int>(observables.size()); }
  [[nodiscard]] int n_drivers() const { return static_cast<int>(drivers.size()); }
  [[nodiscard]] int n_events() const { return static_cast<int>(events.size()); }
};

}  // namespace cubie
