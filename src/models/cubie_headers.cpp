#include "cubie_headers.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <vector>

#include "cubie/core/error.hpp"
#include "cubie/models/header_location.hpp"
#include "cubie/models/model_compiler.hpp"
#include "sha256.hpp"

namespace fs = std::filesystem;

namespace cubie::models::detail {
namespace {

bool has_cubie_headers(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "cubie" / "integrate" / "system.hpp", ec);
}

// Set by a program that carries its own copy of the headers (the Python package).
std::mutex override_mutex;
fs::path override_dir;

fs::path include_dir_override() {
  std::lock_guard lock(override_mutex);
  return override_dir;
}

fs::path headers_beside_executable() {
  // The running program's folder, then the install's path from bin/ to include/: an
  // installed `cubie` finds the headers installed with it wherever the prefix was put
  // (cmake --install --prefix, a moved folder), with no setting and no source tree.
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec || exe.empty()) return {};
  return (exe.parent_path() / CUBIE_INCLUDE_DIR_FROM_BINDIR).lexically_normal();
}

}  // namespace

fs::path cubie_include_dir() {
  if (const char* v = std::getenv("CUBIE_INCLUDE_DIR"); v && *v) {
    if (!has_cubie_headers(v)) {
      throw invalid_argument("CUBIE_INCLUDE_DIR: '" + std::string(v) +
                             "' holds no cubie headers (expected cubie/integrate/system.hpp under it)");
    }
    return fs::path(v);
  }
  if (fs::path dir = include_dir_override(); !dir.empty()) return dir;
  // Beside the executable first: an installed binary compiles against the headers of its
  // own install, even where the source tree it was built from still exists (and may have
  // changed since). A build-tree binary has none there and takes the source tree's; the
  // configured install folder is the last resort (a binary copied elsewhere).
  const fs::path candidates[] = {headers_beside_executable(), fs::path(CUBIE_SOURCE_INCLUDE_DIR),
                                 fs::path(CUBIE_INSTALL_INCLUDE_DIR)};
  std::string tried;
  for (const fs::path& dir : candidates) {
    if (dir.empty()) continue;
    if (has_cubie_headers(dir)) return dir;
    tried += (tried.empty() ? "'" : ", '") + dir.string() + "'";
  }
  throw error("cannot find cubie's headers to compile the model: looked in " + tried +
              "; set CUBIE_INCLUDE_DIR to the folder that holds cubie/ (the include folder of cubie's install)");
}

std::string cubie_header_digest(const fs::path& include_dir) {
  static std::mutex mutex;
  static std::map<fs::path, std::string> digests;
  std::lock_guard lock(mutex);
  if (auto it = digests.find(include_dir); it != digests.end()) return it->second;

  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(include_dir / "cubie", ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_regular_file(ec)) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  sha256 h;
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    const std::string text = std::move(content).str();
    const std::string rel = fs::relative(f, include_dir, ec).generic_string();
    h.update(rel);
    h.update(std::string_view("\0", 1));
    h.update(std::to_string(text.size()));
    h.update(std::string_view("\0", 1));
    h.update(text);
  }
  return digests[include_dir] = h.hex_digest();
}

}  // namespace cubie::models::detail

namespace cubie::models {

void set_include_dir(const fs::path& dir) {
  if (!dir.empty() && !detail::has_cubie_headers(dir)) {
    throw invalid_argument("include dir: '" + dir.string() +
                           "' holds no cubie headers (expected cubie/integrate/system.hpp under it)");
  }
  std::lock_guard lock(detail::override_mutex);
  detail::override_dir = dir;
}

fs::path include_dir() { return detail::cubie_include_dir(); }

}  // namespace cubie::models
