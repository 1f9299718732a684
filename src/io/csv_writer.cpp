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

namespace {

void check_runs(const SolveResult& result, const batch_grid& grid, const char* what) {
  if (result.n_runs() != grid.n_runs()) {
    throw invalid_argument(std::string(what) + ": the result has " + std::to_string(result.n_runs()) +
                           " runs but the grid has " + std::to_string(grid.n_runs()));
  }
}

/// "run,status[,t_reached,dt_last],<parameters...>,<state>_0..." and, per run, the same
/// columns' values: where each run stopped, beside its status, when the solve kept it.
struct input_columns {
  const batch_grid& grid;
  const SolveResult& result;
  std::span<const u32> status = result.status();
  bool where_stopped = result.outputs().has(output_id::t_reached) && result.outputs().has(output_id::dt_last);
  std::span<const double> t_reached = where_stopped ? result.t_reached() : std::span<const double>{};
  std::vector<double> dt_last = where_stopped ? result.dt_last() : std::vector<double>{};
  std::string header() const {
    std::string line = "run,status";
    if (where_stopped) line += ",t_reached,dt_last";
    const int n_states = grid.n_states();
    const int n_columns = static_cast<int>(grid.columns().size());
    for (int c = n_states; c < n_columns; ++c) line += "," + grid.columns()[c].name;
    for (int c = 0; c < n_states; ++c) line += "," + grid.columns()[c].name + "_0";
    return line;
  }
  void row(std::string& line, std::int64_t r) const {
    const int n_states = grid.n_states();
    const int n_columns = static_cast<int>(grid.columns().size());
    line = std::to_string(r);
    line += ',';
    line += std::to_string(status[static_cast<std::size_t>(r)]);
    if (where_stopped) {
      const auto i = static_cast<std::size_t>(r);
      line += ',';
      append_number(line, t_reached[i]);
      line += ',';
      if (result.precision() == precision::float32) append_number(line, static_cast<float>(dt_last[i]));  // exact
      else append_number(line, dt_last[i]);
    }
    for (int c = n_states; c < n_columns; ++c) {
      line += ',';
      append_number(line, grid.columns()[c].at(r));
    }
    for (int c = 0; c < n_states; ++c) {
      line += ',';
      append_number(line, grid.columns()[c].at(r));
    }
  }
};

/// Writes through PATH.partial.csv, renamed when complete; the system's reason when it fails.
template <class Write>
void write_file(const std::filesystem::path& path, Write&& write) {
  const std::filesystem::path partial = partial_path(path);
  try {
    {
      errno = 0;
      std::ofstream out(partial, std::ios::binary | std::ios::trunc);
      if (!out) throw error("cannot create " + partial.string() + ": " + os_reason(errno));
      write(out);
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

}  // namespace

void write_csv(std::ostream& out, const SolveResult& result, const batch_grid& grid) {
  check_runs(result, grid, "write_csv");
  const input_columns inputs_of{grid, result};
  const bool float32 = result.precision() == precision::float32;

  // iteration_counters add their four channels to each save's row; without a time domain
  // they alone make the rows (their save axis is the time domain's).
  const bool counters = result.has_iteration_counters();
  const bool time_domain = result.outputs().has(output_id::time_domain);
  const std::span<const u32> counts = counters ? result.iteration_counters() : std::span<const u32>{};
  const std::int64_t n_saves = time_domain ? result.n_saves() : result.n_counter_saves();
  const std::vector<double>& times =
      time_domain ? result.times() : result.outputs().find(output_id::iteration_counters)->axes[0].coordinates;

  std::string line = inputs_of.header() + ",t";
  for (const std::string& v : result.variables()) line += "," + v;
  if (counters)
    for (const std::string& c : SolveResult::iteration_counter_names()) line += "," + c;
  line += '\n';
  out << line;

  const std::int64_t n_vars = result.n_vars();
  std::string inputs;
  for (std::int64_t r = 0; r < result.n_runs(); ++r) {
    if (!out) return;  // a failed write (a full disk): the caller reports it
    inputs_of.row(inputs, r);
    for (std::int64_t j = 0; j < n_saves; ++j) {
      line = inputs;
      line += ',';
      append_number(line, times[static_cast<std::size_t>(j)]);
      for (std::int64_t v = 0; v < n_vars; ++v) {
        line += ',';
        if (float32) append_number(line, static_cast<float>(result.at(j, v, r)));  // exact: the value is a float
        else append_number(line, result.at(j, v, r));
      }
      for (std::int64_t c = 0; counters && c < 4; ++c) {
        line += ',';
        line += std::to_string(counts[static_cast<std::size_t>((j * 4 + c) * result.n_runs() + r)]);
      }
      line += '\n';
      out << line;
    }
  }
}

void write_summaries_csv(std::ostream& out, const SolveResult& result, const batch_grid& grid) {
  check_runs(result, grid, "write_summaries_csv");
  if (!result.has_summaries()) throw invalid_argument("write_summaries_csv: the result holds no summaries");
  const input_columns inputs_of{grid, result};
  const bool float32 = result.precision() == precision::float32;

  std::string line = inputs_of.header() + ",window,t_window";
  for (const std::string& s : result.summary_legend()) line += "," + s;
  line += '\n';
  out << line;

  const std::int64_t n_rows = result.n_summaries();
  std::string inputs;
  for (std::int64_t r = 0; r < result.n_runs(); ++r) {
    if (!out) return;  // a failed write: the caller reports it
    inputs_of.row(inputs, r);
    for (std::int64_t w = 0; w < result.n_windows(); ++w) {
      line = inputs;
      line += ',' + std::to_string(w) + ',';
      append_number(line, result.window_times()[w]);
      for (std::int64_t k = 0; k < n_rows; ++k) {
        line += ',';
        if (float32) append_number(line, static_cast<float>(result.summary_at(w, k, r)));
        else append_number(line, result.summary_at(w, k, r));
      }
      line += '\n';
      out << line;
    }
  }
}

std::filesystem::path summaries_csv_path(const std::filesystem::path& path) {
  std::filesystem::path p = path;
  p.replace_filename(path.stem().string() + "_summaries" + path.extension().string());
  return p;
}

void write_csv(const std::filesystem::path& path, const SolveResult& result, const batch_grid& grid) {
  const bool time_domain = result.outputs().has(output_id::time_domain);
  if (time_domain || result.has_iteration_counters() || !result.has_summaries()) {
    write_file(path, [&](std::ostream& out) { write_csv(out, result, grid); });
  }
  if (result.has_summaries()) {
    write_file(time_domain ? summaries_csv_path(path) : path,
               [&](std::ostream& out) { write_summaries_csv(out, result, grid); });
  }
}

}  // namespace cubie::io
