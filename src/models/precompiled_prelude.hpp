// The precompiled prelude of CPU model units: cubie/backends/cpu/model_prelude.hpp compiled
// once into a GCC precompiled header (.gch) in the compile cache, so a model's compile
// parses none of cubie's headers. A pure cache of the unit's first include: the unit's
// text and its compiled code are the same with or without it, and anything wrong with
// it (missing, being built, corrupt, rejected by the compiler) means a compile without it.
#pragma once
#include <atomic>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "cubie/models/compile_cache.hpp"
#include "host_compiler.hpp"

namespace cubie::models::detail {

/// The prelude every generated CPU unit includes first (its precompiled form is used
/// through -include, after which the unit's own include of it is empty: #pragma once).
inline constexpr const char* model_prelude_header = "cubie/backends/cpu/model_prelude.hpp";

/// @brief True when the environment variable CUBIE_PCH is "0", "off" or "no".
[[nodiscard]] bool precompiled_header_disabled_by_env();

/// @brief The folder of prebuilt precompiled preludes, used read-only by every compile when
///   it holds an entry for the compile's toolchain: $CUBIE_PCH_DIR, else lib/cubie/pch of the
///   install the running program belongs to (`cubie prepare` fills it; `cmake --install`
///   runs that), so the first compile in an empty cache folder needs no prelude build.
[[nodiscard]] std::filesystem::path shared_prelude_directory();

/// @brief One toolchain's precompiled prelude in one cache folder. Entries KEY.pch.hpp
///   (a one-line header including the prelude, passed with -include), KEY.pch.hpp.gch
///   (what GCC loads in its place) and KEY.pch.ok (the .gch's size, written last: the
///   entry is whole when the size matches). The key covers the compiler, its version, the
///   flags, what -march enabled, the header folder and the digest of cubie's headers, so
///   any change of these makes a new entry: an outdated one is never used. KEY.pch.failed
///   marks a toolchain whose compiles failed with the header (they are then made without).
class precompiled_prelude {
 public:
  /// `enabled` false: never used nor built (compile_options::precompiled_header).
  /// `shared_dir`: a folder of prebuilt entries (shared_prelude_directory()), read only;
  /// its entry for this key is used before the cache folder's own. Empty: none.
  precompiled_prelude(const compile_cache& cache, const host_toolchain& toolchain,
                      const std::filesystem::path& include_dir, const std::string& header_digest, bool enabled,
                      const std::filesystem::path& shared_dir = {});
  /// Waits for a build still running (its files land in the cache folder).
  ~precompiled_prelude();
  precompiled_prelude(const precompiled_prelude&) = delete;
  precompiled_prelude& operator=(const precompiled_prelude&) = delete;

  /// @brief GCC (not Clang, whose precompiled headers work otherwise): the only compiler
  ///   whose .gch this class builds.
  [[nodiscard]] static bool supported(const host_toolchain& toolchain);

  /// @brief The flags that make a unit's compile use the precompiled prelude, or none
  ///   when it is not ready; then (once per object) starts building it on another thread
  ///   for later compiles, while this one parses the headers.
  [[nodiscard]] std::vector<std::string> flags_or_start_build();

  /// @brief After a compile with flags_or_start_build()'s flags. When GCC warned that it
  ///   did not use the .gch (-Winvalid-pch: outdated or damaged), deletes it and builds it
  ///   again on another thread. When the compile failed (the caller repeats it without),
  ///   deletes it and records KEY.pch.failed: this toolchain gets no precompiled header any
  ///   more. Returns true when `compiler_output` shows a rejected .gch.
  bool discard_if_rejected(const std::string& compiler_output, bool compile_failed);

  /// @brief Waits for a running build; true when one ran and left a usable entry.
  bool finish_build();

  [[nodiscard]] const std::string& key() const { return key_; }
  [[nodiscard]] std::filesystem::path gch_path() const;
  /// @brief What went wrong with the last build (its command and the compiler's output).
  [[nodiscard]] const std::string& build_failure() const { return build_failure_; }
  /// @brief The entry is complete now (its size matches the recorded one).
  [[nodiscard]] bool ready() const;
  /// @brief The last flags_or_start_build() chose the shared folder's entry.
  [[nodiscard]] bool using_shared() const { return used_shared_; }
  /// @brief Builds the entry here and now (what the background build runs). True on success.
  bool build();

 private:
  const compile_cache& cache_;
  const host_toolchain& toolchain_;
  std::filesystem::path include_dir_;
  [[nodiscard]] bool ready_in(const compile_cache& folder) const;

  bool enabled_ = false;
  std::optional<compile_cache> shared_;
  std::atomic<bool> used_shared_ = false;
  std::string key_;
  std::mutex mutex_;
  std::thread builder_;
  bool build_started_ = false;
  bool build_ok_ = false;
  std::string build_failure_;
};

}  // namespace cubie::models::detail
