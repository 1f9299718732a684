#include "precompiled_prelude.hpp"

#include <cstdlib>
#include <system_error>

#include "cubie/core/error.hpp"
#include "subprocess.hpp"

namespace fs = std::filesystem;

namespace cubie::models::detail {
namespace {

constexpr const char* header_suffix = ".pch.hpp";
constexpr const char* gch_suffix = ".pch.hpp.gch";
constexpr const char* ok_suffix = ".pch.ok";
constexpr const char* failed_suffix = ".pch.failed";
// In a cache folder: the shared folder's entry for this key was rejected or failed here.
constexpr const char* shared_rejected_suffix = ".pch.shared-rejected";

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : " ") + s;
  return out;
}

}  // namespace

bool precompiled_header_disabled_by_env() {
  const char* v = std::getenv("CUBIE_PCH");
  if (!v) return false;
  const std::string s(v);
  return s == "0" || s == "off" || s == "no";
}

fs::path shared_prelude_directory() {
  if (const char* v = std::getenv("CUBIE_PCH_DIR"); v && *v) return fs::path(v);
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec || exe.empty()) return {};
  return (exe.parent_path() / CUBIE_PCH_DIR_FROM_BINDIR).lexically_normal();
}

bool precompiled_prelude::supported(const host_toolchain& tc) {
  const std::string& m = tc.target_macros;
  return m.find("#define __GNUC__ ") != std::string::npos && m.find("#define __clang__") == std::string::npos;
}

precompiled_prelude::precompiled_prelude(const compile_cache& cache, const host_toolchain& toolchain,
                                         const fs::path& include_dir, const std::string& header_digest, bool enabled,
                                         const fs::path& shared_dir)
    : cache_(cache), toolchain_(toolchain), include_dir_(include_dir), enabled_(enabled && supported(toolchain)) {
  std::error_code ec;
  if (enabled_ && !shared_dir.empty() && fs::is_directory(shared_dir, ec) && !fs::equivalent(shared_dir, cache.directory(), ec)) {
    try {
      shared_.emplace(shared_dir);
    } catch (const error&) {
      // An unusable shared folder only means the cache folder builds its own.
    }
  }
  cache_key_builder kb;
  kb.add("kind", "cpu precompiled prelude, cubie model compiler v1")
      .add("cubie_version", CUBIE_VERSION_STRING)
      .add("prelude", model_prelude_header)
      .add("cubie_headers", header_digest)
      .add("include_dir", include_dir.string())
      .add("compiler", toolchain.compiler)
      .add("compiler_version", toolchain.version)
      .add("flags", joined(toolchain.flags))
      .add("target_macros", toolchain.target_macros);
  key_ = kb.key();
}

precompiled_prelude::~precompiled_prelude() {
  if (builder_.joinable()) builder_.join();
}

fs::path precompiled_prelude::gch_path() const { return cache_.entry(key_, gch_suffix); }

bool precompiled_prelude::ready() const { return enabled_ && ready_in(cache_); }

bool precompiled_prelude::ready_in(const compile_cache& folder) const {
  try {
    const std::optional<std::string> recorded = folder.read(key_, ok_suffix);
    if (!recorded || !folder.contains(key_, header_suffix)) return false;
    std::error_code ec;
    const std::uintmax_t size = fs::file_size(folder.entry(key_, gch_suffix), ec);
    return !ec && std::to_string(size) == *recorded;
  } catch (const error&) {
    return false;  // an unreadable entry is one to rebuild, not a failure of the compile
  }
}

bool precompiled_prelude::build() {
  std::string failure;
  bool ok = false;
  try {
    // The marker goes first, so a reader never pairs a new .gch with an old size.
    std::error_code ec;
    fs::remove(cache_.entry(key_, ok_suffix), ec);
    const fs::path header =
        cache_.write(key_, header_suffix, std::string("#include \"") + model_prelude_header + "\"\n");
    const fs::path scratch = cache_.scratch_path(key_, gch_suffix);
    std::vector<std::string> argv{toolchain_.compiler};
    // The unit's own flags (a .gch is only used under the options it was built with);
    // -shared is the link step's and means nothing to a header.
    for (const std::string& f : toolchain_.flags) {
      if (f != "-shared") argv.push_back(f);
    }
    argv.insert(argv.end(), {"-I" + include_dir_.string(), "-x", "c++-header", header.string(), "-o", scratch.string()});
    const process_result res = run_process(argv);
    if (res.exit_code != 0) {
      fs::remove(scratch, ec);
      failure = command_line(argv) + "\n" + res.output;
    } else {
      const std::uintmax_t size = fs::file_size(scratch, ec);
      if (ec) {
        failure = "cannot read the size of " + scratch.string() + ": " + ec.message();
        fs::remove(scratch, ec);
      } else {
        cache_.commit(scratch, key_, gch_suffix);
        cache_.write(key_, ok_suffix, std::to_string(size));
        ok = true;
      }
    }
  } catch (const std::exception& e) {
    failure = e.what();
  }
  std::lock_guard lock(mutex_);
  build_ok_ = ok;
  build_failure_ = failure;
  return ok;
}

std::vector<std::string> precompiled_prelude::flags_or_start_build() {
  if (!enabled_ || cache_.contains(key_, failed_suffix)) return {};
  if (shared_ && !cache_.contains(key_, shared_rejected_suffix) && ready_in(*shared_)) {
    used_shared_ = true;
    return {"-include", shared_->entry(key_, header_suffix).string(), "-Winvalid-pch"};
  }
  used_shared_ = false;
  if (ready()) return {"-include", cache_.entry(key_, header_suffix).string(), "-Winvalid-pch"};
  std::lock_guard lock(mutex_);
  if (!build_started_) {
    build_started_ = true;
    // A thread of its own: the compiler it waits for is a process on another core, and
    // this unit's compile (without the prelude) goes on meanwhile.
    builder_ = std::thread([this] { build(); });
  }
  return {};
}

bool precompiled_prelude::discard_if_rejected(const std::string& compiler_output, bool compile_failed) {
  const bool rejected = compiler_output.find("-Winvalid-pch") != std::string::npos;
  if (!rejected && !compile_failed) return false;
  std::error_code ec;
  if (used_shared_) {
    // The shared folder is read-only to compiles: this cache folder stops using it (and,
    // when only rejected, builds its own below).
    try {
      cache_.write(key_, shared_rejected_suffix, compiler_output);
    } catch (const error&) {
      // Without the marker the shared entry is only tried again.
    }
  } else {
    fs::remove(cache_.entry(key_, ok_suffix), ec);
    fs::remove(gch_path(), ec);
  }
  if (compile_failed) {
    // The compiler fails with this header and (the caller checks) works without it: this
    // toolchain is not given one again, rather than every compile failing once first.
    try {
      cache_.write(key_, failed_suffix, compiler_output);
    } catch (const error&) {
      // Without the marker the header is only built again; nothing is lost.
    }
    return rejected;
  }
  // Rejected (outdated or damaged): built again now, for the next compile.
  std::lock_guard lock(mutex_);
  if (!builder_.joinable()) {  // none ran in this compile yet
    build_started_ = true;
    builder_ = std::thread([this] { build(); });
  }
  return rejected;
}

bool precompiled_prelude::finish_build() {
  if (builder_.joinable()) builder_.join();
  std::lock_guard lock(mutex_);
  return build_started_ && build_ok_;
}

}  // namespace cubie::models::detail
