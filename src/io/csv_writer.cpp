#include "cubie/io/csv_writer.hpp"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <span>
#include <fstream>
#include <system_error>

#include "cubie/core/error.hpp"
#include "cubie/io/result_paths.hpp"

namespace cubie::io {

namespace {

// The shortest text that reads back to the same number (std::to_chars without a precision):
// 0.05 rather than 0.050000000000000003, and a float32 value as a float (0.1, not
// 0.10000000149011612). No locale.
void append_number(std::string& line, double v) {
  char buf[40];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  line.append(buf, r.ptr);
}
void append_number(std::string& line, float v) {
  char buf[40];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  line.append(buf, r.ptr);
}

// The system's reason in words ("no space left on device"), lower case.
std::string os_reason(int err) {
  if (err == 0) return "the system gave no reason";
  std::string s = std::strerror(err);
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

}  // namespace

void write_csv(std::ostream& out, const SolveResult& result, const batch_grid& grid) {
  if (result.n_runs() != grid.n_runs()) {
    throw invalid_argument("write_csv: the result has " + std::to_string(result.n_runs()) +
                           " runs but the grid has " + std::to_string(grid.n_runs()));
  }
  const int n_states = grid.n_states();
  const int n_columns = static_cast<int>(grid.columns().size());
  const bool float32 = result.precision() == precision::float32;
  const std::span<const u32> status = result.status();
  // Where each run stopped, beside its status (a failed run's saves after that are NaN).
  const bool where_stopped = result.outputs().has(output_id::t_reached) && result.outputs().has(output_id::dt_last);
  const std::span<const double> t_reached = where_stopped ? result.t_reached() : std::span<const double>{};
  const std::vector<double> dt_last = where_stopped ? result.dt_last() : std::vector<double>{};

  std::string line = "run,status";
  if (where_stopped) line += ",t_reached,dt_last";
  for (int c = n_states; c < n_columns; ++c) line += "," + grid.columns()[c].name;
  for (int c = 0; c < n_states; ++c) line += "," + grid.columns()[c].name + "_0";
  line += ",t";
  for (const std::string& v : result.variables()) line += "," + v;
  line += '\n';
  out << line;

  const std::int64_t n_vars = result.n_vars();
  std::string inputs;
  for (std::int64_t r = 0; r < result.n_runs(); ++r) {
    if (!out) return;  // a failed write (a full disk): the caller reports it
    inputs = std::to_string(r);
    inputs += ',';
    inputs += std::to_string(status[static_cast<std::size_t>(r)]);
    if (where_stopped) {
      const auto i = static_cast<std::size_t>(r);
      inputs += ',';
      append_number(inputs, t_reached[i]);
      inputs += ',';
      if (float32) append_number(inputs, static_cast<float>(dt_last[i]));  // exact: the value is a float
      else append_number(inputs, dt_last[i]);
    }
    for (int c = n_states; c < n_columns; ++c) {
      inputs += ',';
      append_number(inputs, grid.columns()[c].at(r));
    }
    for (int c = 0; c < n_states; ++c) {
      inputs += ',';
      append_number(inputs, grid.columns()[c].at(r));
    }
    for (std::int64_t j = 0; j < result.n_saves(); ++j) {
      line = inputs;
      line += ',';
      append_number(line, result.times()[j]);
      for (std::int64_t v = 0; v < n_vars; ++v) {
        line += ',';
        if (float32) append_number(line, static_cast<float>(result.at(j, v, r)));  // exact: the value is a float
        else append_number(line, result.at(j, v, r));
      }
      line += '\n';
      out << line;
    }
  }
}

void write_csv(const std::filesystem::path& path, const SolveResult& result, const batch_grid& grid) {
  const std::filesystem::path partial = partial_path(path);
  try {
    {
      errno = 0;
      std::ofstream out(partial, std::ios::binary | std::ios::trunc);
      if (!out) throw error("cannot create " + partial.string() + ": " + os_reason(errno));
      write_csv(out, result, grid);
      out.flush();
      if (!out) throw error("writing " + partial.string() + " failed: " + os_reason(errno));
    }
    publish_file(partial, path);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(partial, ec);
    throw;
  }
}

}  // namespace cubie::io
