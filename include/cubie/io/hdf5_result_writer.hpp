// cubie/io/hdf5_result_writer.hpp
// Streams a solve into an HDF5 file chunk by chunk: a result_sink whose views are a
// small ring of scratch buffers, so a sweep larger than host memory still completes.
//
//   io::hdf5_result_writer out("sweep.h5", solver.output_layout(grid, spec), grid, meta);
//   solver.solve_to_sink(out, grid, spec);
//   out.finish();   // complete = true, sweep.partial.h5 renamed to sweep.h5
//
// Until finish() the file is FILE.partial.h5 with the root attribute complete = 0; it
// holds every committed chunk (flushed at each commit), so a solve stopped by an error
// or Ctrl-C leaves a readable file of the runs that finished.
#pragma once
#include <filesystem>
#include <memory>
#include <vector>

#include "../batch/batch_grid.hpp"
#include "../memory/host_buffer.hpp"
#include "../execution/result_sink.hpp"
#include "../batch/solve_result.hpp"
#include "hdf5_options.hpp"
#include "result_metadata.hpp"

namespace cubie::io {

class hdf5_result_file;

/// @brief How the writer buffers chunks between the backend and the file.
struct hdf5_stream_options {
  /// Scratch buffers (chunks in flight); at least 1. Two let a pipelined backend fill
  /// one chunk while the previous one is written.
  int ring_slots = 2;
  /// Fill failed runs' values with NaN before writing (as Solver::solve does when
  /// solver_settings::nan_fill_failed is set); keep the two equal for identical files.
  bool nan_fill_failed = true;
  /// Where scratch buffers come from: pinned memory lets a GPU copy asynchronously.
  host_allocator scratch_allocator = host_allocator::pageable();
  /// The file is a part of a larger sweep, its runs being runs [first_run, first_run +
  /// n_runs) of it: the `run` coordinate says so (and the attribute first_run).
  i64 first_run = 0;
};

/// @brief A result_sink writing the layout documented in docs/cli_and_files.md.
/// Single-threaded: view() and commit() come from the thread running the solve.
class hdf5_result_writer final : public result_sink {
 public:
  /// @brief Creates FILE.partial.h5 with every dataset, the inputs and the attributes.
  /// @param layout what Solver::output_layout(grid, spec) returns for this solve.
  /// @throws cubie::invalid_argument when the layout and grid disagree on the run count
  ///   or an option is out of range; cubie::error when the file cannot be created.
  hdf5_result_writer(std::filesystem::path final_path, const SolveResult::layout& layout, const batch_grid& grid,
                     const result_metadata& metadata, const hdf5_file_options& file_options = {},
                     hdf5_stream_options stream_options = {});
  /// Closes the partial file if finish() was not called; it stays, complete = 0.
  ~hdf5_result_writer() override;
  hdf5_result_writer(const hdf5_result_writer&) = delete;
  hdf5_result_writer& operator=(const hdf5_result_writer&) = delete;

  /// @brief A scratch buffer for runs [begin, end).
  /// @throws cubie::internal_error when more than max_in_flight() views are open.
  output_view view(i64 begin, i64 end) override;
  /// @brief Writes the chunk's hyperslab of every per-run dataset and flushes the file.
  /// @throws cubie::internal_error for a chunk out of order; cubie::error on a write failure.
  void commit(i64 begin, i64 end) override;
  [[nodiscard]] int max_in_flight() const override { return static_cast<int>(slots_.size()); }
  /// The writer takes finished chunks straight from a staging ring's slots (deliver()).
  [[nodiscard]] bool takes_buffers() const override { return true; }
  /// @brief Writes runs [begin, end) from `data` (NaN-filling failed runs in place first,
  /// when asked) and flushes the file. Same checks and errors as commit().
  void deliver(i64 begin, i64 end, const output_view& data) override;

  /// @brief Marks the file complete, closes it and renames it to the final path.
  /// @throws cubie::internal_error when runs are missing; cubie::error when the rename fails.
  void finish();
  /// @brief Closes and deletes the partial file (a solve rejected before any result).
  void discard();

  [[nodiscard]] i64 committed_runs() const { return committed_; }
  [[nodiscard]] i64 committed_chunks() const { return chunks_; }
  [[nodiscard]] const std::filesystem::path& final_path() const { return final_path_; }
  [[nodiscard]] const std::filesystem::path& partial_path() const { return partial_path_; }

 private:
  void write_chunk(i64 begin, i64 end, const output_view& data);

  struct slot {
    host_buffer block;  // every array of the layout for one chunk, each part 64-byte aligned
    output_view view;
    i64 begin = -1, end = -1;
    bool busy = false;
  };
  std::filesystem::path final_path_, partial_path_;
  SolveResult::layout layout_;
  hdf5_stream_options options_;
  std::unique_ptr<hdf5_result_file> file_;
  std::vector<slot> slots_;
  i64 committed_ = 0;
  i64 chunks_ = 0;
};

}  // namespace cubie::io
