// Driver samples read from files: a column of a CSV table, a NumPy .npy array, or an HDF5
// dataset. Each gives a table of samples (rows) by signals (columns: one, or one per run).
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cubie::models::detail {

/// Samples by signals, row-major: value (k, j) at values[k * cols + j].
struct sample_table {
  std::vector<double> values;
  std::int64_t rows = 0;
  std::int64_t cols = 0;
};

/// A column picked by its header name or its 0-based index.
struct column_choice {
  std::optional<std::string> name;
  std::optional<std::int64_t> index;
  [[nodiscard]] bool given() const { return name || index; }
  [[nodiscard]] std::string text() const { return name ? "'" + *name + "'" : std::to_string(index.value_or(0)); }
};

/// One column of a comma-separated table: the first line is a header when any of its
/// fields is not a number; '#' lines and empty lines are skipped.
/// @throws cubie::invalid_argument naming the file, line and column of any problem.
[[nodiscard]] sample_table read_csv_column(const std::filesystem::path& path, const column_choice& column);

/// A .npy array (little-endian floats or integers, C or Fortran order), 1-D or 2-D; with
/// `column` one column of a 2-D array.
[[nodiscard]] sample_table read_npy(const std::filesystem::path& path, const column_choice& column);

/// An HDF5 dataset of numbers, 1-D or 2-D; with `column` one column of a 2-D dataset.
[[nodiscard]] sample_table read_hdf5_dataset(const std::filesystem::path& path, const std::string& dataset,
                                             const column_choice& column);

}  // namespace cubie::models::detail
