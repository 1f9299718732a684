#include "cubie/io/split_result.hpp"

#include <cstdio>
#include <system_error>

#include "cubie/core/error.hpp"
#include "cubie/io/result_paths.hpp"
#include "hdf5_result_file.hpp"

namespace fs = std::filesystem;

namespace cubie::io {

namespace {

std::string unit_name(std::size_t units, std::int64_t unit) {
  int digits = 6;
  for (std::size_t n = units; n >= 1'000'000; n /= 10) ++digits;
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "unit-%0*lld.h5", digits, static_cast<long long>(unit));
  return buffer;
}

// A unit file of an earlier split run, finished or not: "unit-<digits>.h5" or
// "unit-<digits>.partial.h5".
bool is_unit_file(const std::string& name) {
  if (name.rfind("unit-", 0) != 0) return false;
  std::size_t i = 5;
  while (i < name.size() && name[i] >= '0' && name[i] <= '9') ++i;
  if (i == 5) return false;
  const std::string rest = name.substr(i);
  return rest == ".h5" || rest == ".partial.h5";
}

}  // namespace

fs::path parts_folder(const fs::path& final_path) {
  fs::path p = final_path;
  p.replace_filename(final_path.stem().string() + ".parts");
  return p;
}

fs::path split_result_file::unit_path(const fs::path& final_path, std::size_t units, std::int64_t unit) {
  return parts_folder(final_path) / unit_name(units, unit);
}

void split_result_file::prepare_parts(const fs::path& final_path, bool force) {
  const fs::path folder = parts_folder(final_path);
  std::error_code ec;
  if (fs::exists(folder, ec) && !fs::is_directory(folder, ec))
    throw invalid_argument("--out " + final_path.string() + ": '" + folder.string() +
                           "' (where the parts of a split run go) is a file; move it away");
  if (fs::is_directory(folder, ec)) {
    std::vector<fs::path> old;
    for (const fs::directory_entry& e : fs::directory_iterator(folder, ec))
      if (is_unit_file(e.path().filename().string())) old.push_back(e.path());
    if (!old.empty() && !force) {
      throw invalid_argument("--out " + final_path.string() + ": " + folder.string() + " holds " +
                             std::to_string(old.size()) +
                             " unit files of an earlier split run; move the folder away, or add --force to replace them");
    }
    for (const fs::path& p : old) {
      fs::remove(p, ec);
      if (ec) throw error("cannot remove " + p.string() + ": " + ec.message());
    }
    return;
  }
  fs::create_directories(folder, ec);
  if (ec) throw error("cannot create the folder " + folder.string() + ": " + ec.message());
}

void split_result_file::create(const fs::path& final_path, const SolveResult::layout& layout, const batch_grid& grid,
                               const result_metadata& metadata, const std::vector<memory::chunk_range>& units,
                               const hdf5_file_options& options) {
  result_file_form form;
  const std::string folder = parts_folder(final_path).filename().string();
  std::int64_t at = 0;
  for (std::size_t u = 0; u < units.size(); ++u) {
    if (units[u].begin != at || units[u].end <= units[u].begin)
      throw invalid_argument("split result: unit " + std::to_string(u) + " does not continue at run " + std::to_string(at));
    at = units[u].end;
    // Relative to the joined file's folder: the two stay together wherever they are moved.
    form.parts.push_back({units[u].begin, units[u].end, folder + "/" + unit_name(units.size(), static_cast<std::int64_t>(u))});
  }
  if (at != layout.n_runs)
    throw invalid_argument("split result: the units cover " + std::to_string(at) + " of " +
                           std::to_string(layout.n_runs) + " runs");
  const fs::path partial = partial_path(final_path);
  hdf5_result_file file(partial, layout, grid, metadata, options, form);
  file.close();
}

std::vector<std::int64_t> split_result_file::missing_units(const fs::path& final_path,
                                                           const std::vector<memory::chunk_range>& units) {
  std::vector<std::int64_t> missing;
  std::error_code ec;
  for (std::size_t u = 0; u < units.size(); ++u)
    if (!fs::is_regular_file(unit_path(final_path, units.size(), static_cast<std::int64_t>(u)), ec))
      missing.push_back(static_cast<std::int64_t>(u));
  return missing;
}

void split_result_file::seal(const fs::path& final_path, const SolveResult::layout& layout,
                             const std::vector<memory::chunk_range>& units) {
  const std::vector<std::int64_t> missing = missing_units(final_path, units);
  if (!missing.empty()) {
    std::string list;
    for (std::size_t i = 0; i < missing.size() && i < 5; ++i)
      list += (i ? ", " : "") + unit_path(final_path, units.size(), missing[i]).filename().string();
    throw error("split result: " + std::to_string(missing.size()) + " of " + std::to_string(units.size()) +
                " unit files are missing (" + list + (missing.size() > 5 ? ", ..." : "") + ")");
  }
  const fs::path partial = partial_path(final_path);
  hdf5_result_file file(partial, layout);
  file.mark_committed(layout.n_runs);
  file.seal();
  publish_file(partial, final_path);
}

}  // namespace cubie::io
