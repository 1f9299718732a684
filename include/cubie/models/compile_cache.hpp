// cubie/models/compile_cache.hpp
// The on-disk cache of run-time compiled models: entries named by a SHA-256 key over
// everything that decides the compiled code, written atomically so processes share it.
#pragma once
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace cubie::models {

/// @brief The cache folder used when none is given: $CUBIE_CACHE_DIR, else
///   $XDG_CACHE_HOME/cubie, else $HOME/.cache/cubie (empty variables count as unset).
/// @throws cubie::invalid_argument when none of the three variables is set.
[[nodiscard]] std::filesystem::path default_cache_directory();

/// @brief Builds a cache key from named fields, in order. Each field is framed by its
///   name and length, so two different field lists never hash the same bytes.
class cache_key_builder {
 public:
  /// @brief Adds one field; the same field list in the same order gives the same key.
  cache_key_builder& add(std::string_view field, std::string_view value);
  /// @brief The key: 64 lower-case hex digits (SHA-256 of the framed fields).
  [[nodiscard]] std::string key() const;
  /// @brief One line per field, "name: value" for short one-line values and
  ///   "name: sha256 PREFIX (N bytes)" otherwise: shows which input changed a key.
  [[nodiscard]] std::string manifest() const;

 private:
  std::string framed_;
  std::string manifest_;
};

/// @brief A cache folder. Entries are files named KEY + SUFFIX (".so", ".cubin", ...).
///   A writer produces a scratch file in the same folder and renames it onto the entry,
///   so a reader sees a whole file or none; concurrent writers of one key write the same
///   bytes, and the last rename wins.
class compile_cache {
 public:
  /// @brief Opens the folder, creating it (and its parents) if needed.
  /// @throws cubie::invalid_argument naming the folder when it cannot be created.
  explicit compile_cache(std::filesystem::path directory);

  [[nodiscard]] const std::filesystem::path& directory() const { return directory_; }
  /// @brief The path of entry KEY + SUFFIX (whether or not it exists).
  [[nodiscard]] std::filesystem::path entry(std::string_view key, std::string_view suffix) const;
  /// @brief True when entry KEY + SUFFIX exists as a regular file.
  [[nodiscard]] bool contains(std::string_view key, std::string_view suffix) const;
  /// @brief The whole content of an entry, or nothing when it does not exist.
  /// @throws cubie::error when it exists but cannot be read.
  [[nodiscard]] std::optional<std::string> read(std::string_view key, std::string_view suffix) const;

  /// @brief A fresh, unique scratch path in the cache folder for a file that will
  ///   become entry KEY + SUFFIX through commit(). Nothing is created.
  [[nodiscard]] std::filesystem::path scratch_path(std::string_view key, std::string_view suffix) const;
  /// @brief Renames a finished scratch file onto its entry (atomic on one file system).
  /// @throws cubie::error naming both paths when the rename fails.
  std::filesystem::path commit(const std::filesystem::path& scratch, std::string_view key,
                               std::string_view suffix) const;
  /// @brief Writes `bytes` to entry KEY + SUFFIX atomically (scratch file, then rename).
  /// @throws cubie::error naming the path when the file cannot be written.
  std::filesystem::path write(std::string_view key, std::string_view suffix, std::string_view bytes) const;

  /// @brief Deletes scratch files older than `age`: what processes that died while
  ///   compiling left behind. Returns how many were removed.
  std::size_t remove_stale_scratch(std::chrono::seconds age) const;
  /// @brief Deletes every entry and scratch file in the folder; returns how many.
  std::size_t clear() const;

 private:
  std::filesystem::path directory_;
};

}  // namespace cubie::models
