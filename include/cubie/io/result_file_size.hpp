// cubie/io/result_file_size.hpp
// How large a result file will be, from the solve's output table alone: for checking the
// disk before a solve starts (`cubie check`, `cubie run`).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../execution/output_table.hpp"

namespace cubie::io {

/// @brief Bytes of the uncompressed HDF5 file (the layout of docs/cli_and_files.md): every
///   per-run array, the run index, the inputs (one double per state and parameter and run),
///   the coordinates and names, and the file's own structure (`text_bytes`: the model text
///   and settings stored as attributes). Within about 1% of the file written (HDF5's
///   chunk indices and headers are estimated, not counted).
[[nodiscard]] std::uint64_t hdf5_file_bytes(const output_layout& layout, int n_states, int n_parameters,
                                            std::uint64_t text_bytes);

/// @brief The most bytes the CSV file can take: one row per run and save, every number at
///   its longest shortest-round-trip form (24 characters for a double, 15 for a float).
[[nodiscard]] std::uint64_t csv_file_bytes_bound(const output_layout& layout, const std::vector<std::string>& states,
                                                 const std::vector<std::string>& parameters);

}  // namespace cubie::io
