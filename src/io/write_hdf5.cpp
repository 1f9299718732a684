#include "cubie/io/write_hdf5.hpp"

#include "cubie/core/error.hpp"
#include "cubie/io/result_paths.hpp"
#include "hdf5_result_file.hpp"

namespace cubie::io {

void write_hdf5(const std::filesystem::path& path, const SolveResult& result, const batch_grid& grid,
                const result_metadata& metadata, const hdf5_file_options& options) {
  SolveResult::layout layout{result.precision(), result.n_saves(),         result.n_runs(), result.variables(),
                             result.n_saved_states(), result.times(),     result.has_counters()};
  const std::filesystem::path partial = partial_path(path);
  hdf5_result_file file(partial, layout, grid, metadata, options);
  // SolveResult hands out its arrays read-only through typed spans; the raw pointer is
  // what HDF5 takes for either precision.
  const void* values = result.precision() == precision::float32
                           ? static_cast<const void*>(result.time_domain<float>().data())
                           : static_cast<const void*>(result.time_domain<double>().data());
  run_slab slab;
  slab.values = values;
  slab.buffer_runs = result.n_runs();
  slab.offset = 0;
  slab.status = result.status().data();
  if (result.has_counters()) {
    slab.accepted = result.steps_accepted().data();
    slab.rejected = result.steps_rejected().data();
  }
  file.write_runs(0, result.n_runs(), slab);
  file.mark_committed(result.n_runs());
  file.seal();
  publish_file(partial, path);
}

}  // namespace cubie::io
