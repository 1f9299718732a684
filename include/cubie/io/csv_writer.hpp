// cubie/io/csv_writer.hpp
// Writes a result as CSV for small batches and spreadsheet users: one row per run and
// save time, with the run's inputs repeated on each row so every row stands alone.
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

/// @brief write_csv into `path`, through PATH.partial.csv renamed when complete.
/// @throws cubie::error with the system's reason ("no space left on device") when the
///   file cannot be written (nothing is left behind).
void write_csv(const std::filesystem::path& path, const SolveResult& result, const batch_grid& grid);

}  // namespace cubie::io
