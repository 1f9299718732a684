// cubie/batch/named_arrays.hpp
// Inputs by name: an ordered list of (name, values). Order matters for combinatorial
// grids (C order: the last name varies fastest); a length-1 array broadcasts.
#pragma once
#include <initializer_list>
#include <string>
#include <vector>

namespace cubie {

struct named_array {
  std::string name;
  std::vector<double> values;
};

using named_arrays = std::vector<named_array>;

}  // namespace cubie
