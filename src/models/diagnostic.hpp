// Compiler-style error messages for model files and --set options:
// "FILE:LINE:COL: error: WHAT", the quoted line, a caret, and optional notes.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "cubie/models/expression.hpp"

namespace cubie::models::detail {

/// A text that messages quote: its name (file path or "--set") and its content.
struct text_source {
  std::string name;
  std::string_view text;
};

/// The full message for an error at `at` in `source`; `note`, when given, follows the caret.
/// `severity` is the word after the position ("error", "warning").
[[nodiscard]] std::string format_diagnostic(const text_source& source, source_position at, std::string_view what,
                                            std::string_view note = {}, std::string_view severity = "error");

/// Throws cubie::model_error with format_diagnostic()'s message.
[[noreturn]] void fail(const text_source& source, source_position at, std::string_view what,
                       std::string_view note = {});

/// The candidates within a small edit distance of `name` (closest first, at most three).
[[nodiscard]] std::vector<std::string> close_matches(std::string_view name, const std::vector<std::string>& candidates);

/// "; did you mean 'a' or 'b'?" for the close matches of `name`, or "" when there are none.
[[nodiscard]] std::string did_you_mean(std::string_view name, const std::vector<std::string>& candidates);

/// "'a', 'b', 'c'" (or "none").
[[nodiscard]] std::string quoted_list(const std::vector<std::string>& names);

}  // namespace cubie::models::detail
