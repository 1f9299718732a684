// cubie/core/names.hpp
// User-facing names: algorithm, controller and allocator names are case-insensitive
// and treat '-' and '_' alike; systems list their variable names as "a,b,c"; numbers
// quoted in messages.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace cubie {

/// Lower case, '-' and ' ' turned into '_': "Dormand-Prince-54" -> "dormand_prince_54".
[[nodiscard]] std::string normalize_name(std::string_view name);

/// Splits "x,y,z" into {"x","y","z"}; "" gives an empty list. Spaces are trimmed.
[[nodiscard]] std::vector<std::string> split_names(std::string_view comma_separated);

/// A number as error messages quote it: 17 significant digits, so the value the user gave
/// is recognisable ("0.10000000000000001" for 0.1 read as double).
[[nodiscard]] std::string number_text(double value);

/// "a, b, c" for error messages.
[[nodiscard]] std::string join_names(const std::vector<std::string>& names, std::string_view sep = ", ");

}  // namespace cubie
