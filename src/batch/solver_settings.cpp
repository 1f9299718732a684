// Names accepted for the settings given as text (grid type), and the refusal of an
// auto_passes value shared by every place that reads one.
#include "cubie/batch/solver_settings.hpp"

#include "cubie/core/error.hpp"
#include "cubie/core/names.hpp"

namespace cubie {

std::string auto_passes_refusal(const std::string& what, const std::string& default_choice) {
  const std::string allowed =
      " is not allowed: use 1 (one kernel), 2 (an explicit pass, then the runs that turned stiff) or ";
  if (default_choice.empty()) return what + allowed + "leave it unset (the default: 2 on CUDA and 1 on the CPU)";
  return what + allowed + default_choice + " (the default: CUBIE_AUTO_PASSES, else 2 on CUDA and 1 on the CPU)";
}

grid_type parse_grid_type(const std::string& name) {
  const std::string n = normalize_name(name);
  if (n == "verbatim") return grid_type::verbatim;
  if (n == "combinatorial") return grid_type::combinatorial;
  throw invalid_argument("grid: unknown value '" + name + "'; valid values are verbatim and combinatorial");
}

}  // namespace cubie
