// cubie/batch/solver.hpp
// The batch Solver: built once from a system and settings, it solves batches of runs
// on the CPU or a GPU, chunking them to fit memory, and returns one SolveResult.
//
//   auto sys = cubie::make_system<cubie::systems::lorenz>();
//   cubie::Solver solver(sys, {.algorithm = "rk4", .dt = 1.0 / 1024});
//   auto result = solver.solve({{"x", {1.0}}, {"y", {0.0}}, {"z", {0.0}}},
//                              {{"rho", rho_values}}, {.duration = 1.0});
//
// solve() blocks until the results are on the host. A rejected solve (bad input)
// throws before any work and leaves the Solver usable.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "batch_grid.hpp"
#include "../execution/compiled_system.hpp"
#include "../execution/executor.hpp"
#include "method_catalog.hpp"
#include "../execution/result_sink.hpp"
#include "solve_result.hpp"
#include "solver_settings.hpp"
#include "step_control.hpp"

namespace cubie {

/// A solve failed part-way (a chunk's device error, say). The runs finished before the
/// failure are in partial(); the others carry status 1024 (never integrated).
class solve_failed : public error {
 public:
  solve_failed(const std::string& what, std::shared_ptr<SolveResult> partial, bool sticky)
      : error(what), partial_(std::move(partial)), sticky_(sticky) {}
  [[nodiscard]] const std::shared_ptr<SolveResult>& partial() const { return partial_; }
  /// True when the device context is lost: the process cannot use that GPU again.
  [[nodiscard]] bool sticky() const { return sticky_; }

 private:
  std::shared_ptr<SolveResult> partial_;
  bool sticky_;
};

/// @brief Whether a solve of a system with `info`, these settings and this spec takes the
///   fixed-count path (fixed steps counted between the span's ends, with no save, event or
///   driver sample between them), as the Solver decides it. The model compiler builds a
///   model's fixed-count kernel at once when the model's own settings take that path, and
///   otherwise on the first solve that does.
/// @throws invalid_argument for the settings and specs the Solver refuses.
[[nodiscard]] bool takes_fixed_count_path(const system_info& info, const solver_settings& settings,
                                          const solve_spec& spec);

class Solver {
 public:
  /// @throws invalid_argument for any bad setting (unknown algorithm, controller or
  ///   backend, negative or NaN tolerance, dt_min > dt_max, bad memory settings, ...).
  explicit Solver(std::shared_ptr<const compiled_system> system, solver_settings settings = {});
  ~Solver();
  Solver(Solver&&) noexcept;
  Solver& operator=(Solver&&) noexcept;

  /// Builds the grid and solves it.
  [[nodiscard]] SolveResult solve(const named_arrays& initial_values, const named_arrays& parameters,
                                  const solve_spec& spec = {});
  [[nodiscard]] SolveResult solve(const batch_grid& grid, const solve_spec& spec = {});
  /// Solves into `result`, reusing its storage when large enough (steady-state solves
  /// then touch no fresh pages).
  void solve_into(SolveResult& result, const batch_grid& grid, const solve_spec& spec = {});

  /// The shape of a solve's output, without solving (for writers that stream).
  [[nodiscard]] SolveResult::layout output_layout(const batch_grid& grid, const solve_spec& spec) const;
  /// Streams the results chunk by chunk into `sink` (a file writer, say).
  solve_statistics solve_to_sink(result_sink& sink, const batch_grid& grid, const solve_spec& spec);

  [[nodiscard]] const system_info& system() const;
  [[nodiscard]] const solver_settings& settings() const;
  [[nodiscard]] const method_info& method() const;
  [[nodiscard]] const resolved_controller& controller() const;
  /// The backend solves run on: "cpu" or "cuda".
  [[nodiscard]] std::string backend() const;
  /// Warnings raised while resolving the settings (also printed to stderr once).
  [[nodiscard]] const std::vector<std::string>& warnings() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace cubie
