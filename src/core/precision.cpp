#include "cubie/core/precision.hpp"

#include "cubie/core/error.hpp"
#include "cubie/core/names.hpp"

namespace cubie {

precision parse_precision(const std::string& name) {
  const std::string n = normalize_name(name);
  if (n == "float32" || n == "float" || n == "single" || n == "f32") return precision::float32;
  if (n == "float64" || n == "double" || n == "f64") return precision::float64;
  throw invalid_argument("precision: unknown value '" + name + "'; valid values are float32 (float, single) and "
                         "float64 (double)");
}

const char* precision_name(precision p) { return p == precision::float32 ? "float32" : "float64"; }

}  // namespace cubie
