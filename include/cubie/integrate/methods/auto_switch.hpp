// cubie/integrate/methods/auto_switch.hpp
// algorithm = "auto" (canonical name auto_switch): each run starts with Dormand-Prince 5(4)
// and switches, alone, to Rodas5P where it turns stiff, and back where it stops being so
// (integrate/auto_switch_stepper.hpp has the tests and why these two methods).
#pragma once
#include "../auto_switch_explicit_stepper.hpp"
#include "../auto_switch_stepper.hpp"
#include "dormand_prince_54.hpp"
#include "rodas5p.hpp"

namespace cubie::methods {

struct auto_switch {
  static constexpr const char* name = "auto_switch";
  static constexpr auto_switch_tableau<dormand_prince_54, rodas5p> tableau{5, 4};
};

/// The first pass of auto_switch in two passes (integrate/continuation.hpp): not a method a
/// user picks; the Solver takes it with auto_switch where the two-pass path serves.
struct auto_switch_explicit_pass {
  static constexpr const char* name = "auto_switch_explicit_pass";
  static constexpr auto_switch_explicit_tableau<dormand_prince_54, rodas5p> tableau{5, 4};
};

}  // namespace cubie::methods
