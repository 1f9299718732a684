// What a run will need before it starts: the size of its results, of its result file,
// and the host memory at its peak (inputs, results or streaming buffers), against the
// memory available and the free space where the file goes. `cubie check` shows it;
// `cubie run` shows it and refuses (exit 2) a run that cannot fit.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cubie/execution/output_table.hpp"
#include "cubie/models/model.hpp"
#include "output_target.hpp"

namespace cubie::cli {

struct run_plan {
  std::int64_t runs = 0, n_saves = 0, n_vars = 0;
  std::int64_t n_windows = 0, n_summaries = 0;  ///< summary windows and values per window (0: none)
  std::uint64_t result_bytes = 0;        ///< every per-run output of every run
  std::uint64_t input_bytes = 0;         ///< the sweep, the grid's columns, the inputs converted for the solve
  std::uint64_t in_memory_peak = 0;      ///< host memory at the peak when the results stay in memory
  std::uint64_t streamed_peak = 0;       ///< ... when they stream into an HDF5 file
  std::uint64_t hdf5_file_bytes = 0;     ///< the HDF5 file, uncompressed
  std::uint64_t csv_file_bytes_max = 0;  ///< the CSV file at most
  std::optional<std::uint64_t> available_host_bytes;  ///< MemAvailable, or less under a cgroup limit
};

/// @brief Sizes a run of `model` whose outputs are `layout` (plan_output_layout for
///   every run of the sweep). `gpu`: the solve runs on a GPU (its pinned staging bounds
///   the streaming buffers).
[[nodiscard]] run_plan plan_run(const models::model_definition& model, const output_layout& layout, bool gpu);

/// @brief Host memory a new allocation can get now: /proc/meminfo's MemAvailable, or what
///   the process's cgroup limit leaves, whichever is less; nullopt where neither is known.
[[nodiscard]] std::optional<std::uint64_t> available_host_memory();
/// @brief Bytes an unprivileged writer can still put in `folder`'s file system (statvfs).
[[nodiscard]] std::optional<std::uint64_t> free_disk_bytes(const std::filesystem::path& folder);

/// @brief For `cubie run`: throws when the run cannot fit, else returns the warnings to
///   show (a compressed file whose uncompressed size exceeds the free space).
/// @throws cubie::invalid_argument with the numbers and the ways out (--out FILE.h5, fewer
///   saves, fewer variables, no step counters, fewer runs) when the results (without an
///   HDF5 --out) or the inputs (with one) exceed the available host memory, or the file
///   exceeds the free space of its folder.
[[nodiscard]] std::vector<std::string> enforce_plan(const run_plan& plan, const std::optional<output_target>& out,
                                                    int compression_level);

/// @brief One line for `cubie run` (stderr): runs, results, file and peak memory.
[[nodiscard]] std::string plan_line(const run_plan& plan, const std::optional<output_target>& out);
/// @brief The lines `cubie check` prints: output sizes and peak host memory both ways.
[[nodiscard]] std::string plan_lines_for_check(const run_plan& plan);

}  // namespace cubie::cli
