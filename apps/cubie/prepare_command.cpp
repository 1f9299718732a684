// `cubie prepare`: precompiles cubie's headers for the model compiler (GCC), into the
// install's lib/cubie/pch or a folder given, so that the first model compile in an empty
// cache folder is as fast as the later ones. `cmake --install` runs it.
#include <cstdio>

#include "commands.hpp"
#include "cubie/models/model_compiler.hpp"

namespace cubie::cli {

int prepare_command(const prepare_options& options) {
  const std::filesystem::path gch = models::precompile_model_headers(options.dir);
  if (!options.quiet) std::printf("cubie: precompiled headers for model compiles: %s\n", gch.c_str());
  return exit_ok;
}

}  // namespace cubie::cli
