// Names accepted for the settings given as text (grid type).
#include "cubie/batch/solver_settings.hpp"

#include "cubie/core/error.hpp"
#include "cubie/core/names.hpp"

namespace cubie {

grid_type parse_grid_type(const std::string& name) {
  const std::string n = normalize_name(name);
  if (n == "verbatim") return grid_type::verbatim;
  if (n == "combinatorial") return grid_type::combinatorial;
  throw invalid_argument("grid: unknown value '" + name + "'; valid values are verbatim and combinatorial");
}

}  // namespace cubie
