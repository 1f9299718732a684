// `--out`, checked before any work: the format from the extension, a folder that exists, is
// a folder and takes new files (tried, so the system's own reason is reported), and no file
// replaced unless --force. Every problem is a bad option (exit 2) that leaves nothing behind.
#pragma once
#include <filesystem>
#include <optional>
#include <string>

#include "cubie/io/result_paths.hpp"

namespace cubie::cli {

struct output_target {
  std::filesystem::path path;     ///< the final file, as given
  std::filesystem::path partial;  ///< where it is written until complete
  std::filesystem::path folder;   ///< the folder both live in
  io::result_format format;
};

/// @brief The checked target of `--out` (nullopt for "").
/// @throws cubie::invalid_argument naming --out and what is wrong: an unknown extension, a
///   folder that does not exist, a path through a file ("'/etc/passwd' is a file, not a
///   folder"), a folder that takes no new files (with the system's reason, e.g.
///   "permission denied"), an existing file or partial file without `force`.
[[nodiscard]] std::optional<output_target> check_output_target(const std::string& out, bool force);

}  // namespace cubie::cli
