// A model file solved from C++: what `cubie run MODEL.toml --out FILE.h5` does, in a
// program of your own. Loads the model (cubie::models), compiles it at run time (or takes
// it from the compile cache), solves its sweep and writes the HDF5 result file (cubie::io).
//
//   model_file_sweep MODEL.toml OUT.h5
#include <cstdio>
#include <exception>

#include <cubie/cubie.hpp>
#include <cubie/io/settings_json.hpp>
#include <cubie/io/write_hdf5.hpp>
#include <cubie/models/model.hpp>
#include <cubie/models/model_compiler.hpp>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s MODEL.toml OUT.h5\n", argv[0]);
    return 2;
  }
  try {
    const cubie::models::model_definition model = cubie::models::load_model(argv[1]);
    // The CPU backend only: a GPU build would also need NVRTC and a device.
    cubie::models::compile_options options;
    options.gpu = cubie::models::gpu_compile::off;
    const auto system = cubie::models::compile_model(model, options);

    cubie::solver_settings settings = model.settings;
    settings.backend = "cpu";
    cubie::Solver solver(system, settings);

    // The model's [sweep], in file order (a combinatorial product varies the last fastest).
    cubie::named_arrays sweep;
    for (const auto& axis : model.sweep.axes) sweep.push_back({axis.name, axis.values});
    const cubie::batch_grid grid = cubie::batch_grid::build(system->info, sweep, model.sweep.grid);
    const cubie::SolveResult result = solver.solve(grid, model.spec);

    cubie::io::result_metadata meta;
    meta.model_name = model.name;
    meta.model_text = model.source_text;
    meta.solver_settings = cubie::io::settings_json(model.settings, model.spec);
    meta.backend = solver.backend();
    cubie::io::write_hdf5(argv[2], result, grid, meta);

    std::printf("%lld runs of %s, %lld failed, written to %s\n", static_cast<long long>(result.n_runs()),
                model.name.c_str(), static_cast<long long>(result.failed_runs()), argv[2]);
    return result.failed_runs() == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "model_file_sweep: %s\n", e.what());
    return 1;
  }
}
