// One result file as HDF5 objects: creates the datasets, attributes and dimension
// scales of the documented layout, writes run ranges into them and seals the file.
// Shared by the streaming writer and write_hdf5() so both produce the same file.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

#include "cubie/batch/batch_grid.hpp"
#include "cubie/batch/solve_result.hpp"
#include "cubie/io/hdf5_options.hpp"
#include "cubie/io/result_metadata.hpp"
#include "hdf5_handle.hpp"

namespace cubie::io {

/// A run range's outputs in host memory: each array of the layout (rows of `buffer_runs`
/// runs, run index innermost), the range starting at run `offset` of the buffers.
struct run_slab {
  const void* data[output_count] = {};
  i64 buffer_runs = 0;
  i64 offset = 0;
};

/// Runs [begin, end) of a joined file that are runs [0, end - begin) of another file: a part
/// of a sweep split across processes (io/split_result.hpp).
struct virtual_part {
  i64 begin = 0, end = 0;
  std::string file;  ///< the part's path, relative to the joined file's folder
};

/// What kind of result file to make. The default: an ordinary file of the whole sweep.
struct result_file_form {
  /// The `run` coordinate of the file's first run: a part of a sweep holds runs [first_run,
  /// first_run + n_runs) of it (written as the root attribute first_run when not 0).
  i64 first_run = 0;
  /// Not empty: a joined file whose per-run datasets (and `run`) are HDF5 virtual datasets
  /// over these parts, which must cover [0, n_runs) in order; runs of a part file that does
  /// not exist (yet) read as never integrated (the arrays' fill values, run = -1).
  std::vector<virtual_part> parts;
};

class hdf5_result_file {
 public:
  /// Creates (truncating) `path` with every dataset sized for the layout, writes the
  /// inputs, names and metadata, and sets complete = 0.
  hdf5_result_file(const std::filesystem::path& path, const SolveResult::layout& layout, const batch_grid& grid,
                   const result_metadata& metadata, const hdf5_file_options& options,
                   const result_file_form& form = {});
  /// Opens an existing file of this layout to seal it (a joined file once every part exists).
  hdf5_result_file(const std::filesystem::path& path, const SolveResult::layout& layout);

  /// Writes runs [begin, end) of every per-run dataset.
  void write_runs(i64 begin, i64 end, const run_slab& slab);
  /// Records that runs [0, n) are final and flushes the file to disk, so a process
  /// stopped later leaves them readable.
  void mark_committed(i64 n);
  /// complete = 1, then closes every object; the file is final on disk after this.
  void seal();
  /// Closes without sealing (complete stays 0).
  void close();
  /// After a failed write: closes without writing anything more to the file, which keeps
  /// what the last successful mark_committed() flushed (complete = 0).
  void abandon();

 private:
  detail::h5_handle file_, run_;
  std::vector<detail::h5_handle> arrays_;  // one dataset per array of the layout, in its order
  SolveResult::layout layout_;
  std::string path_;
  i64 first_run_ = 0;
};

}  // namespace cubie::io
