// Which names a model may declare: identifiers that are not the language's own words
// (t, functions, ifelse, and/or/not) and, for constants, not words the generated C++ uses.
#pragma once
#include <string>
#include <string_view>

namespace cubie::models::detail {

/// [A-Za-z_][A-Za-z0-9_]*
[[nodiscard]] bool is_identifier(std::string_view name) noexcept;

/// Non-empty and free of control characters: safe in messages, comments and C++ strings.
[[nodiscard]] bool is_printable_name(std::string_view name) noexcept;

/// Why `name` cannot name a state, parameter, constant or auxiliary ("" when it can).
[[nodiscard]] std::string reserved_reason(std::string_view name);

/// Why `name` cannot name a constant, which becomes a C++ member ("" when it can).
[[nodiscard]] std::string constant_name_reason(std::string_view name);

}  // namespace cubie::models::detail
