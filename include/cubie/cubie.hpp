// cubie/cubie.hpp
// Everything a C++ program needs to solve batches: systems, methods, the Solver and
// its results. Include this one header.
#pragma once
#include "batch/batch_grid.hpp"
#include "batch/make_system.hpp"
#include "batch/solve_result.hpp"
#include "batch/solver.hpp"
#include "batch/solver_settings.hpp"
#include "core/error.hpp"
#include "core/execution_space.hpp"
#include "core/status.hpp"
#include "integrate/methods/all_methods.hpp"
#include "integrate/system.hpp"
