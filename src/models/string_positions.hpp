// Where each character of a TOML string value sits in the file, so errors inside the
// equations string point at the file's line and column (escapes and """ included).
#pragma once
#include <string_view>
#include <vector>

#include "cubie/models/expression.hpp"

namespace cubie::models::detail {

/// The file position of every byte of `value` (the parsed string that starts, with its
/// opening quotes, at `value_start` in `file_text`), plus one entry for the end of the
/// content. Falls back to `value_start` for every byte if the raw text cannot be matched.
[[nodiscard]] std::vector<source_position> string_value_positions(std::string_view file_text,
                                                                  source_position value_start,
                                                                  std::string_view value);

}  // namespace cubie::models::detail
