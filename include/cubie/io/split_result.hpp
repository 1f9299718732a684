// cubie/io/split_result.hpp
// The files of a sweep split across processes: each work unit is written, chunk by chunk, by
// the process that took it as a result file of its own, NAME.parts/unit-NNNNNN.h5 (complete
// when it appears under that name); the file the user named joins them through HDF5 virtual
// datasets, mapped when the run starts. Runs whose unit file is missing read as never
// integrated (status 1024, values NaN, run -1), so after any failure every finished unit is
// readable through the joined file, and the joined file says which runs are done.
//
//   split_result_file::create(out, layout, grid, meta, units);   // rank 0, before any unit
//   ... every process: hdf5_result_writer on unit_path(out, units, u) with
//       stream option first_run = units[u].begin, then finish() ...
//   split_result_file::seal(out, layout, units);                 // rank 0, once all are done
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "../batch/batch_grid.hpp"
#include "../batch/solve_result.hpp"
#include "../memory/chunk_plan.hpp"
#include "hdf5_options.hpp"
#include "result_metadata.hpp"

namespace cubie::io {

/// @brief "dir/NAME.parts" for the result "dir/NAME.h5": where the unit files live.
[[nodiscard]] std::filesystem::path parts_folder(const std::filesystem::path& final_path);

class split_result_file {
 public:
  /// @brief The file of unit `unit` of `units`: parts_folder(final_path)/unit-NNNNNN.h5 (more
  /// digits when there are over a million units).
  [[nodiscard]] static std::filesystem::path unit_path(const std::filesystem::path& final_path, std::size_t units,
                                                       std::int64_t unit);

  /// @brief Makes the parts folder ready: creates it, or, when it holds unit files of an
  /// earlier run, removes them with `force` (nothing else in it is touched).
  /// @throws cubie::invalid_argument naming the folder when it holds unit files and `force`
  ///   is not set, or when it is a file; cubie::error when it cannot be created or cleared.
  static void prepare_parts(const std::filesystem::path& final_path, bool force);

  /// @brief Creates FILE.partial.h5 (complete = 0, committed_runs = 0): the attributes,
  /// coordinates and inputs of an ordinary result file, and every per-run dataset virtual over
  /// the unit files (which need not exist yet). Closed on return: nothing writes it until seal().
  /// @throws cubie::invalid_argument when `units` do not cover the layout's runs in order;
  ///   cubie::error when the file cannot be written.
  static void create(const std::filesystem::path& final_path, const SolveResult::layout& layout,
                     const batch_grid& grid, const result_metadata& metadata,
                     const std::vector<memory::chunk_range>& units, const hdf5_file_options& options = {});

  /// @brief Units whose file does not exist (yet), in order.
  [[nodiscard]] static std::vector<std::int64_t> missing_units(const std::filesystem::path& final_path,
                                                               const std::vector<memory::chunk_range>& units);

  /// @brief Marks the joined file complete (complete = 1, committed_runs = every run) and
  /// renames FILE.partial.h5 to FILE.
  /// @throws cubie::error naming the first missing unit files when not every unit is there,
  ///   or when the file cannot be updated or renamed.
  static void seal(const std::filesystem::path& final_path, const SolveResult::layout& layout,
                   const std::vector<memory::chunk_range>& units);
};

}  // namespace cubie::io
