// cubie/batch/method_catalog.hpp
// Host-side facts about every method (its family, order, estimate), and name resolution:
// case-insensitive, '-' equal to '_', with the usual aliases (rk4, rk45, ode45, ...).
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace cubie {

/// The families of methods; each has its stepper (integrate/stepper.hpp) and its default
/// controller and step bounds (step_control.hpp).
enum class method_family {
  explicit_rk,  ///< explicit Runge-Kutta (erk_stepper)
  rosenbrock,   ///< linearly implicit, exact Jacobian, for stiff problems (rosenbrock_stepper)
  dirk,         ///< diagonally implicit Runge-Kutta, Newton iterations per stage (dirk_stepper)
  firk,         ///< fully implicit (collocation) Runge-Kutta, transformed Newton systems (firk_stepper)
  auto_switch,  ///< explicit until a run turns stiff, then Rosenbrock (auto_switch_stepper; "auto")
};

/// "explicit_rk", "rosenbrock", "dirk", "firk", "auto_switch".
[[nodiscard]] const char* family_name(method_family family);

struct method_info {
  std::string name;  ///< canonical, e.g. "dormand_prince_54"
  method_family family;
  int stages;
  int order;
  int error_order;   ///< 0 when the method has no error estimate
  bool adaptive;
  bool fsal;         ///< the last stage's f is the next step's first
  bool implicit;     ///< solves with the system's Jacobian (needs one, exact or dual numbers)
  /// Explicit methods: the longest stable h |lambda| on the negative real axis (2 for
  /// Euler, 3.31 for Dormand-Prince 5(4); integrate/stability_limit.hpp). 0 for implicit
  /// methods, whose steps on stiff problems it does not bound.
  double stability_limit;
  /// The controller this method steps with when the settings name none, where it is not its
  /// family's (step_control.cpp): a method type's `default_controller`, e.g. "i" for
  /// dormand_prince_853. nullptr: the family's.
  const char* default_controller = nullptr;
};

/// Every method cubie has, in a fixed order.
[[nodiscard]] const std::vector<method_info>& all_method_infos();
/// @throws invalid_argument naming the value and listing the valid names and aliases.
[[nodiscard]] const method_info& find_method(std::string_view name);
/// "rk4 -> classical_rk4, ..." for help texts.
[[nodiscard]] std::vector<std::pair<std::string, std::string>> method_aliases();

}  // namespace cubie
