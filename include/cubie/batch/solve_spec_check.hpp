// cubie/batch/solve_spec_check.hpp
// The checks a solve_spec passes before any work (time span, save schedule, outputs,
// summary windows), callable without a Solver: model files run them to point at the line
// of the offending key.
#pragma once
#include <string>

#include "../core/error.hpp"
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

}  // namespace cubie
