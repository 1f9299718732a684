// cubie/batch/solve_spec_check.hpp
// The checks a solve_spec passes before any work (time span, save schedule, outputs,
// summary windows), callable without a Solver: model files run them to point at the line
// of the offending key.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "../core/error.hpp"
#include "../core/types.hpp"
#include "../execution/system_info.hpp"
#include "solver_settings.hpp"

namespace cubie {

/// An invalid solve_spec field; field() names it as solve_spec spells it ("save_times").
class setting_error : public invalid_argument {
 public:
  setting_error(std::string field, const std::string& message) : invalid_argument(message), field_(std::move(field)) {}
  [[nodiscard]] const std::string& field() const noexcept { return field_; }

 private:
  std::string field_;
};

/// @brief Checks `spec` against a system's names, as Solver::solve does before any work.
/// @throws setting_error naming the field, the value and what is allowed.
void check_solve_spec(const system_info& info, const solve_spec& spec);

/// @brief The summary accumulator groups (integrate/summary_settings.hpp) a solve of
/// `spec` needs: what an entry point must carry. 0 when output_types lists no metric.
/// @throws setting_error for an output_types entry that does not parse.
[[nodiscard]] u32 summary_groups_for(const solve_spec& spec);

/// What a solve of `spec` records, resolved (for listings such as `cubie check`).
struct recorded_outputs {
  std::vector<std::string> time_domain;   ///< variables saved over time (empty: no time domain)
  std::vector<double> save_times;         ///< the recorded save times
  std::vector<std::string> summarised;    ///< variables summarised
  std::vector<std::string> summary_values;  ///< per summarised variable: "mean", "peaks_1", ...
  std::int64_t n_windows = 0, samples_per_window = 0;
  double summarise_every = 0, sample_summaries_every = 0;
};

/// @brief The outputs of a solve of `spec` on a system with these names.
/// @throws setting_error as check_solve_spec.
[[nodiscard]] recorded_outputs describe_outputs(const system_info& info, const solve_spec& spec);

}  // namespace cubie
