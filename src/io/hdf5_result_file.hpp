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

class hdf5_result_file {
 public:
  /// Creates (truncating) `path` with every dataset sized for the layout, writes the
  /// inputs, names and metadata, and sets complete = 0.
  hdf5_result_file(const std::filesystem::path& path, const SolveResult::layout& layout, const batch_grid& grid,
                   const result_metadata& metadata, const hdf5_file_options& options);

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
};

}  // namespace cubie::io
