#include "cubie/io/result_paths.hpp"

#include <cctype>
#include <cstdio>
#include <cstring>
#include <cerrno>

#include "cubie/core/error.hpp"

namespace cubie::io {

namespace {
std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}
}  // namespace

result_format format_for_path(const std::filesystem::path& path) {
  const std::string ext = lower(path.extension().string());
  if (ext == ".h5" || ext == ".hdf5") return result_format::hdf5;
  if (ext == ".csv") return result_format::csv;
  throw invalid_argument("--out " + path.string() + ": unknown file type '" + path.extension().string() +
                         "'; use .h5 (or .hdf5) for HDF5, .csv for CSV");
}

std::filesystem::path partial_path(const std::filesystem::path& final_path) {
  std::filesystem::path p = final_path;
  p.replace_filename(final_path.stem().string() + ".partial" + final_path.extension().string());
  return p;
}

void publish_file(const std::filesystem::path& from, const std::filesystem::path& to) {
  // rename(2) replaces `to` atomically within one file system; std::filesystem::rename
  // is specified to behave the same on POSIX.
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    const int err = errno;
    throw error("cannot rename " + from.string() + " to " + to.string() + ": " + std::strerror(err));
  }
}

}  // namespace cubie::io
