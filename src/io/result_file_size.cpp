#include "cubie/io/result_file_size.hpp"

namespace cubie::io {

namespace {

// Object headers, attributes, dimension scales and chunk indices of a result file: measured
// at 40 to 60 KiB for the examples (HDF5 1.10), plus about 16 bytes per storage chunk.
constexpr std::uint64_t structure_bytes = 64 * 1024;

}  // namespace

std::uint64_t hdf5_file_bytes(const output_layout& layout, int n_states, int n_parameters, std::uint64_t text_bytes) {
  const auto runs = static_cast<std::uint64_t>(layout.n_runs);
  std::uint64_t bytes = layout.bytes_per_run() * runs;
  bytes += 8 * runs;                                                       // run index
  bytes += 8 * runs * static_cast<std::uint64_t>(n_states + n_parameters);  // inputs
  for (const output_array& a : layout.arrays) {
    for (const output_axis& axis : a.axes) {
      if (axis.numeric) bytes += 8 * static_cast<std::uint64_t>(axis.size);
      for (const std::string& label : axis.labels) bytes += label.size() + 16;
    }
  }
  // Chunk indices: the data in storage chunks of about 1 MiB.
  bytes += bytes / (1 << 20) * 16;
  return bytes + structure_bytes + 2 * text_bytes;
}

std::uint64_t csv_file_bytes_bound(const output_layout& layout, const std::vector<std::string>& states,
                                   const std::vector<std::string>& parameters) {
  constexpr std::uint64_t double_chars = 24;  // "-2.2250738585072014e-308"
  constexpr std::uint64_t float_chars = 15;   // "-1.17549435e-38"
  const std::uint64_t value_chars = layout.precision == precision::float32 ? float_chars : double_chars;
  std::uint64_t header = 11;  // "run,status,"
  for (const std::string& p : parameters) header += p.size() + 1;
  for (const std::string& s : states) header += s.size() + 3;  // NAME_0,
  header += 2;                                                // t,
  for (const std::string& v : layout.variables()) header += v.size() + 1;
  const auto n_vars = static_cast<std::uint64_t>(layout.n_vars());
  const bool where_stopped = layout.has(output_id::t_reached) && layout.has(output_id::dt_last);
  if (where_stopped) header += 18;  // "t_reached,dt_last,"
  const std::uint64_t inputs = 20 + 1 + 10 + 1                                            // run, status
                               + (where_stopped ? 2 * (double_chars + 1) : 0)             // t_reached, dt_last
                               + (double_chars + 1) * (states.size() + parameters.size());  // inputs
  const output_array* counters = layout.find(output_id::iteration_counters);
  if (counters != nullptr) header += 70;  // "newton_iterations,linear_iterations,steps_accepted,steps_rejected,"
  const std::uint64_t row = inputs + double_chars + 1                                   // t
                            + (value_chars + 1) * n_vars                                // values, newline
                            + (counters != nullptr ? 4 * (10 + 1) : 0);                 // u32 counters
  const bool time_domain = layout.has(output_id::time_domain);
  const bool summaries = layout.has(output_id::summaries);
  std::uint64_t bytes = 0;
  if (time_domain || counters != nullptr || !summaries) {
    const std::int64_t saves = time_domain ? layout.n_saves() : counters != nullptr ? counters->axes[0].size : 0;
    bytes += header + row * static_cast<std::uint64_t>(layout.n_runs) * static_cast<std::uint64_t>(saves);
  }
  if (summaries) {
    // The summaries' file (beside the time domain's, or in its place): one row per window.
    std::uint64_t summary_header = 11 + 16 + (where_stopped ? 18 : 0);  // "run,status," ... "window,t_window,"
    for (const std::string& p : parameters) summary_header += p.size() + 1;
    for (const std::string& s : states) summary_header += s.size() + 3;
    for (const std::string& k : layout.summary_legend()) summary_header += k.size() + 1;
    const std::uint64_t summary_row = inputs + 20 + 1 + double_chars + 1  // window, t_window
                                      + (value_chars + 1) * static_cast<std::uint64_t>(layout.n_summaries());
    bytes += summary_header +
             summary_row * static_cast<std::uint64_t>(layout.n_runs) * static_cast<std::uint64_t>(layout.n_windows());
  }
  return bytes;
}

}  // namespace cubie::io
