// cubie/core/precision.hpp
// The arithmetic precision of a solve's states and outputs, and its names. Time is
// double in every precision.
#pragma once
#include <cstddef>
#include <string>

namespace cubie {

enum class precision { float32, float64 };

/// "float32"/"single"/"float" or "float64"/"double"; throws invalid_argument otherwise.
[[nodiscard]] cubie::precision parse_precision(const std::string& name);
[[nodiscard]] const char* precision_name(cubie::precision p);
/// Bytes of one value: 4 or 8.
[[nodiscard]] constexpr std::size_t value_bytes(cubie::precision p) { return p == precision::float32 ? 4 : 8; }

}  // namespace cubie
