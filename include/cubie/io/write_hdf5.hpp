// cubie/io/write_hdf5.hpp
// Writes an in-memory SolveResult as an HDF5 result file: the same layout as the
// streaming writer, written under FILE.partial.h5 and renamed when complete.
#pragma once
#include <filesystem>

#include "../batch/batch_grid.hpp"
#include "../batch/solve_result.hpp"
#include "hdf5_options.hpp"
#include "result_metadata.hpp"

namespace cubie::io {

/// @brief Writes `result` (solved over `grid`) to `path`.
/// @throws cubie::invalid_argument when result and grid disagree on the run count;
///   cubie::error when the file cannot be written (a partial file may remain).
void write_hdf5(const std::filesystem::path& path, const SolveResult& result, const batch_grid& grid,
                const result_metadata& metadata, const hdf5_file_options& options = {});

}  // namespace cubie::io
