// cubie/models/header_location.hpp
// Where run-time model compilation finds cubie's headers, for programs that carry the
// headers beside themselves (the Python package sets its own copy at import).
#pragma once
#include <filesystem>

namespace cubie::models {

/// @brief Makes `dir` (the folder that holds cubie/) the headers run-time compilation
///   uses, ahead of the source and install folders baked into the library;
///   $CUBIE_INCLUDE_DIR still wins, so a user can always point elsewhere. An empty path
///   removes the setting.
/// @throws cubie::invalid_argument when `dir` holds no cubie/integrate/system.hpp.
void set_include_dir(const std::filesystem::path& dir);

/// @brief The folder run-time compilation uses now: $CUBIE_INCLUDE_DIR when set, else the
///   folder given to set_include_dir, else the install's include folder beside the running
///   program (an installed `cubie` finds bin/../include), else the source tree this library
///   was built from, else the install folder configured at build time.
/// @throws cubie::invalid_argument when $CUBIE_INCLUDE_DIR holds no cubie headers.
/// @throws cubie::error naming the folders tried when none has them.
[[nodiscard]] std::filesystem::path include_dir();

}  // namespace cubie::models
