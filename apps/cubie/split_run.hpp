// `mpirun -n K cubie run MODEL --out FILE.h5`: one sweep split across K processes. Rank 0
// checks and plans as a single `cubie run` does, cuts the runs into work units
// (io/split_units.hpp) and creates FILE's joined file (io/split_result.hpp); every rank asks
// rank 0 for a unit whenever it is free, solves it on its node-local GPU or its share of the
// CPU cores and writes it to a unit file of its own, chunk by chunk; rank 0 seals FILE once
// every unit is there and prints one summary with each rank's part.
#pragma once
#include "commands.hpp"

namespace cubie::cli {

/// @brief The run of this process as one of launched_processes() > 1 (mpi_world.hpp).
/// @throws as run_command() on rank 0; cubie::invalid_argument when cubie was built without MPI.
int split_run_command(const run_options& options);

}  // namespace cubie::cli
