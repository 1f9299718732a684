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
  // The source tree first: a build-tree binary must compile models against the headers
  // it was built from; an installed binary whose source tree is gone uses its install.
  const fs::path candidates[] = {fs::path(CUBIE_SOURCE_INCLUDE_DIR), fs::path(CUBIE_INSTALL_INCLUDE_DIR)};
  for (const fs::path& dir : candidates) {
    if (has_cubie_headers(dir)) return dir;
  }
  throw error("cannot find cubie's headers to compile the model: looked in '" + candidates[0].string() + "' and '" +
              candidates[1].string() + "'; set CUBIE_INCLUDE_DIR to the folder that holds cubie/");
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
