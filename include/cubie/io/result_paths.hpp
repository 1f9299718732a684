// cubie/io/result_paths.hpp
// Result file names: the format an --out path asks for, and the temporary name a file
// is written under until it is complete (then renamed, so the final name means done).
#pragma once
#include <filesystem>

namespace cubie::io {

enum class result_format { hdf5, csv };

/// @brief The format of a result path, from its extension (.h5 / .hdf5 or .csv,
///   case-insensitive).
/// @throws cubie::invalid_argument naming the path and the extensions allowed.
[[nodiscard]] result_format format_for_path(const std::filesystem::path& path);

/// @brief "dir/NAME.partial.EXT" for "dir/NAME.EXT": where a file lives while incomplete.
[[nodiscard]] std::filesystem::path partial_path(const std::filesystem::path& final_path);

/// @brief Replaces `to` with `from` in one step (a rename in one file system), so a
///   reader never sees a half-written final file.
/// @throws cubie::error naming both paths and the system's reason.
void publish_file(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace cubie::io
