#include "cubie/io/write_hdf5.hpp"

#include "cubie/core/error.hpp"
#include "cubie/io/result_paths.hpp"
#include "hdf5_result_file.hpp"

namespace cubie::io {

void write_hdf5(const std::filesystem::path& path, const SolveResult& result, const batch_grid& grid,
                const result_metadata& metadata, const hdf5_file_options& options) {
  const SolveResult::layout& layout = result.outputs();
  const std::filesystem::path partial = partial_path(path);
  hdf5_result_file file(partial, layout, grid, metadata, options);
  run_slab slab;
  for (const output_array& a : layout.arrays) slab.data[static_cast<int>(a.id)] = result.array_data(a.id);
  slab.buffer_runs = result.n_runs();
  slab.offset = 0;
  file.write_runs(0, result.n_runs(), slab);
  file.mark_committed(result.n_runs());
  file.seal();
  publish_file(partial, path);
}

}  // namespace cubie::io
