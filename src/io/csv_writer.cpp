#include "cubie/io/csv_writer.hpp"

#include <charconv>
#include <fstream>
#include <system_error>

#include "cubie/core/error.hpp"
#include "cubie/io/result_paths.hpp"

namespace cubie::io {

namespace {

// %.17g / %.9g via to_chars: the same digits as printf, without the locale.
void append_number(std::string& line, double v, int digits) {
  char buf[40];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, digits);
  line.append(buf, r.ptr);
}

}  // namespace

void write_csv(std::ostream& out, const SolveResult& result, const batch_grid& grid) {
  if (result.n_runs() != grid.n_runs()) {
    throw invalid_argument("write_csv: the result has " + std::to_string(result.n_runs()) +
                           " runs but the grid has " + std::to_string(grid.n_runs()));
  }
  const int n_states = grid.n_states();
  const int n_columns = static_cast<int>(grid.columns().size());
  const int value_digits = result.precision() == precision::float32 ? 9 : 17;

  std::string line = "run";
  for (int c = n_states; c < n_columns; ++c) line += "," + grid.columns()[c].name;
  for (int c = 0; c < n_states; ++c) line += "," + grid.columns()[c].name + "_0";
  line += ",t";
  for (const std::string& v : result.variables()) line += "," + v;
  line += '\n';
  out << line;

  const std::int64_t n_vars = result.n_vars();
  std::string inputs;
  for (std::int64_t r = 0; r < result.n_runs(); ++r) {
    inputs = std::to_string(r);
    for (int c = n_states; c < n_columns; ++c) {
      inputs += ',';
      append_number(inputs, grid.columns()[c].at(r), 17);
    }
    for (int c = 0; c < n_states; ++c) {
      inputs += ',';
      append_number(inputs, grid.columns()[c].at(r), 17);
    }
    for (std::int64_t j = 0; j < result.n_saves(); ++j) {
      line = inputs;
      line += ',';
      append_number(line, result.times()[j], 17);
      for (std::int64_t v = 0; v < n_vars; ++v) {
        line += ',';
        append_number(line, result.at(j, v, r), value_digits);
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
      std::ofstream out(partial, std::ios::binary | std::ios::trunc);
      if (!out) throw error("cannot create " + partial.string());
      write_csv(out, result, grid);
      out.flush();
      if (!out) throw error("writing " + partial.string() + " failed (disk full?)");
    }
    publish_file(partial, path);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(partial, ec);
    throw;
  }
}

}  // namespace cubie::io
