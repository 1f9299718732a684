// The pieces of the extension module cubie._core, one function per source file, and
// the result object that Python arrays view without copying.
#pragma once
#include <nanobind/nanobind.h>

#include <memory>
#include <string>

#include "cubie/batch/batch_grid.hpp"
#include "cubie/batch/solve_result.hpp"
#include "cubie/batch/solver_settings.hpp"
#include "cubie/io/result_metadata.hpp"

namespace cubie::python {

namespace nb = nanobind;

/// One solve's results as Python holds them: the engine's SolveResult (its buffers are
/// what numpy views), the grid it was solved over (for to_hdf5 and the input
/// coordinates), the settings and the metadata for result files.
struct py_result {
  py_result() = default;
  py_result(const py_result&) = delete;
  py_result& operator=(const py_result&) = delete;
  /// Python dropped the result, and with it every array viewing it (each holds a reference):
  /// its storage goes to the result pool for the next solve.
  ~py_result();

  SolveResult result;
  /// The allocator the storage came from (host_allocator::name): pooled storage is reused
  /// only by a solve that asks for the same kind.
  std::string alloc_name;
  std::shared_ptr<batch_grid> grid;
  solver_settings settings;
  solve_spec spec;
  io::result_metadata metadata;
  /// Runs [0, committed_runs) are final; the rest were never integrated (status 1024)
  /// when the solve was interrupted or failed part-way.
  std::int64_t committed_runs = 0;
};

void bind_errors(nb::module_& m);
void bind_models(nb::module_& m);
void bind_settings(nb::module_& m);
void bind_solve(nb::module_& m);
void bind_results(nb::module_& m);
void bind_device_arrays(nb::module_& m);

}  // namespace cubie::python
