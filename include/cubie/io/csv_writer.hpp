// cubie/io/csv_writer.hpp
// Writes a result as CSV for small batches and spreadsheet users: one row per run and
// save time (and per run and summary window), with the run's inputs repeated on each row
// so every row stands alone.
#pragma once
#include <filesystem>
#include <ostream>

#include "../batch/batch_grid.hpp"
#include "../batch/solve_result.hpp"

namespace cubie::io {

/// @brief Writes the header `run,status,<parameters...>,<state>_0...,t,<variables...>` and
///   one row per (run, save). Every number is the shortest text that reads back to the same
///   value (inputs and times as doubles, values in the result's precision): 0.05, not
///   0.050000000000000003.
/// @throws cubie::invalid_argument when result and grid disagree on the run count.
void write_csv(std::ostream& out, const SolveResult& result, const batch_grid& grid);

/// @brief Writes the summaries: the header `run,<parameters...>,<state>_0...,window,
///   t_window,<summary legend...>` ("x mean", "x peaks_1", ...) and one row per (run,
///   window); t_window is the time of the window's last sample. Digits as write_csv.
/// @throws cubie::invalid_argument when the result has no summaries, or result and grid
///   disagree on the run count.
void write_summaries_csv(std::ostream& out, const SolveResult& result, const batch_grid& grid);

/// @brief The CSV files of a result at `path`, each through NAME.partial.csv renamed when
///   complete: the time domain in `path`; the summaries in `path` when there is no time
///   domain, else in summaries_csv_path(path).
/// @throws cubie::error with the system's reason ("no space left on device") when a file
///   cannot be written (nothing is left behind).
void write_csv(const std::filesystem::path& path, const SolveResult& result, const batch_grid& grid);

/// "dir/NAME_summaries.csv" for "dir/NAME.csv": where the summaries go beside a time domain.
[[nodiscard]] std::filesystem::path summaries_csv_path(const std::filesystem::path& path);

}  // namespace cubie::io
