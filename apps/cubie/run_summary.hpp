// What `cubie run` reports when it is done: runs, failures by status flag, per-phase
// times, chunks, memory, backend and the output file, as text for people or as one JSON
// object (--json) for scripts.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "cubie/execution/solve_statistics.hpp"
#include "cubie/io/monitored_sink.hpp"

namespace cubie::cli {

/// One MPI rank's part of a sweep split across processes (`mpirun -n K cubie run`).
struct rank_share {
  int rank = 0;
  std::string host;
  std::string backend;             ///< "cpu" or "cuda"
  std::string device;              ///< what it solved on
  std::int64_t runs = 0;           ///< runs it integrated and wrote to its part file
  std::int64_t units = 0;          ///< work units it took
  double solve_ms = 0;             ///< from its first unit to its last
  std::string failure;             ///< why it stopped early ("" when it did not)
  std::vector<device_statistics> devices;  ///< its GPUs, when it used several
};

struct run_summary {
  std::string model_name;
  std::string model_path;
  std::string precision;
  std::string algorithm;
  std::string grid;               ///< "verbatim" or "combinatorial"
  std::int64_t runs = 0;
  std::int64_t n_saves = 0;
  std::vector<std::string> variables;
  std::int64_t n_windows = 0;                ///< summary windows (0: no summaries)
  std::vector<std::string> summary_legend;   ///< "x mean", ...
  std::uint64_t bytes_per_run = 0;           ///< result bytes each run adds
  io::status_tally status;
  std::string backend;            ///< "cpu" or "cuda"
  std::string device;
  bool compile_cache_hit = false;
  std::int64_t chunks = 0;
  std::uint64_t peak_device_bytes = 0;
  double compile_ms = 0, solve_ms = 0, write_ms = 0;
  solve_statistics statistics;    ///< the solve's own account (device phases, kernel resources, staging)
  std::uint64_t planned_result_bytes = 0;     ///< the plan made before the solve (run_plan.hpp)
  std::uint64_t planned_peak_host_bytes = 0;
  std::uint64_t planned_file_bytes = 0;       ///< 0 without --out; an upper bound for CSV
  std::string output;             ///< "" when no file was written
  std::string format;             ///< "hdf5", "csv" or ""
  std::uint64_t output_bytes = 0;
  std::vector<rank_share> ranks;  ///< MPI ranks (empty for one process)
  std::string parts;              ///< the folder of the ranks' part files ("" for one process)
};

/// @brief The summary as aligned lines of text.
[[nodiscard]] std::string summary_text(const run_summary& s);
/// @brief The summary as one JSON object: runs, failed {count, by_status, hint}, backend,
///   device, chunks, peak_device_bytes, timings_ms {compile, solve, write}, output, ...
[[nodiscard]] std::string summary_json(const run_summary& s);

}  // namespace cubie::cli
