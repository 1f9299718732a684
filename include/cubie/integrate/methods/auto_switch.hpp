// cubie/integrate/methods/auto_switch.hpp
// algorithm = "auto" (canonical name auto_switch): each run starts with Dormand-Prince 5(4)
// and switches, alone, to Rodas5P where it turns stiff, and back where it stops being so
// (integrate/auto_switch_stepper.hpp has the tests and why these two methods).
#pragma once
#include "../auto_switch_stepper.hpp"
#include "dormand_prince_54.hpp"
#include "rodas5p.hpp"

namespace cubie::methods {

struct auto_switch {
  static constexpr const char* name = "auto_switch";
  static constexpr auto_switch_tableau<dormand_prince_54, rodas5p> tableau{5, 4};
};

}  // namespace cubie::methods
