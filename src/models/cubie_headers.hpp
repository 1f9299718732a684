// Where cubie's headers are for code compiled at run time, and a digest of them: the
// generated code includes the integration core, so the core's text is part of a cache key.
#pragma once
#include <filesystem>
#include <string>

namespace cubie::models::detail {

/// @brief The folder holding cubie/integrate/system.hpp: $CUBIE_INCLUDE_DIR, else the
///   install's include folder beside the running executable (bin/../include), else the
///   source tree's include folder this library was built from, else its configured
///   install folder.
/// @throws cubie::invalid_argument when $CUBIE_INCLUDE_DIR is set but holds no cubie headers.
/// @throws cubie::error naming the folders tried when neither baked folder has them.
[[nodiscard]] std::filesystem::path cubie_include_dir();

/// @brief SHA-256 over the relative path and content of every file under
///   include_dir/cubie, in sorted order; computed once per folder per process.
[[nodiscard]] std::string cubie_header_digest(const std::filesystem::path& include_dir);

}  // namespace cubie::models::detail
