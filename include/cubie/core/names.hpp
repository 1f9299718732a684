// cubie/core/names.hpp
// User-facing names: algorithm, controller and allocator names are case-insensitive
// and treat '-' and '_' alike; systems list their variable names as "a,b,c".
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace cubie {

/// Lower case, '-' and ' ' turned into '_': "Dormand-Prince-54" -> "dormand_prince_54".
[[nodiscard]] std::string normalize_name(std::string_view name);

/// Splits "x,y,z" into {"x","y","z"}; "" gives an empty list. Spaces are trimmed.
[[nodiscard]] std::vector<std::string> split_names(std::string_view comma_separated);

/// "a, b, c" for error messages.
[[nodiscard]] std::string join_names(const std::vector<std::string>& names, std::string_view sep = ", ");

}  // namespace cubie
