#include "output_target.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>

#include "cubie/core/error.hpp"

namespace fs = std::filesystem;

namespace cubie::cli {

namespace {

// The system's reason in words, lower case to sit inside a sentence.
std::string reason(int err) {
  std::string s = std::strerror(err);
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

// Why `dir` cannot hold the file: the nearest existing ancestor is a file, or it is missing.
[[noreturn]] void no_folder(const std::string& out, const fs::path& dir) {
  std::error_code ec;
  for (fs::path p = dir; !p.empty(); p = p.parent_path()) {
    if (fs::exists(p, ec)) {
      if (!fs::is_directory(p, ec))
        throw invalid_argument("--out " + out + ": '" + p.string() + "' is a file, not a folder");
      break;
    }
    if (p == p.parent_path()) break;
  }
  throw invalid_argument("--out " + out + ": the folder '" + dir.string() + "' does not exist");
}

// Creates and removes a file in `dir`: the one test that tells whether files can be made
// there (permissions, a read-only file system, an exhausted quota of inodes).
void check_writable(const std::string& out, const fs::path& dir) {
  std::string name = (dir / ".cubie-write-test-XXXXXX").string();
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    const int err = errno;
    throw invalid_argument("--out " + out + ": cannot create files in the folder '" + dir.string() + "': " + reason(err));
  }
  ::close(fd);
  ::unlink(name.c_str());
}

}  // namespace

std::optional<output_target> check_output_target(const std::string& out, bool force) {
  if (out.empty()) return std::nullopt;
  output_target t;
  t.path = fs::path(out);
  t.format = io::format_for_path(t.path);
  t.partial = io::partial_path(t.path);
  t.folder = t.path.has_parent_path() ? t.path.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(t.folder, ec)) no_folder(out, t.folder);
  if (fs::is_directory(t.path, ec)) throw invalid_argument("--out " + out + ": '" + out + "' is a folder");
  check_writable(out, t.folder);
  if (!force) {
    if (fs::exists(t.path, ec))
      throw invalid_argument("--out " + out + ": the file exists; add --force to replace it");
    if (fs::exists(t.partial, ec)) {
      throw invalid_argument("--out " + out + ": " + t.partial.string() +
                             " exists (left by a run that did not finish; it holds the runs that did); move it "
                             "away, or add --force to replace it");
    }
  }
  return t;
}

}  // namespace cubie::cli
