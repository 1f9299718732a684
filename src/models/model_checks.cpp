#include "model_checks.hpp"

#include <cmath>
#include <limits>
#include <string>

#include "cubie/batch/solve_spec_check.hpp"
#include "cubie/core/error.hpp"

namespace cubie::models::detail {

void check_sweep(const model_definition& model, const text_source& source, std::optional<source_position> blame) {
  const std::vector<sweep_axis>& axes = model.sweep.axes;
  if (model.sweep.grid == grid_type::verbatim) {
    for (const sweep_axis& axis : axes) {
      if (axis.values.size() == axes.front().values.size()) continue;
      fail(source, blame.value_or(axis.where),
           "a verbatim sweep needs lists of one length, but '" + axis.name + "' has " +
               std::to_string(axis.values.size()) + " values and '" + axes.front().name + "' has " +
               std::to_string(axes.front().values.size()),
           "use grid = \"combinatorial\" in [sweep] for every combination of the values");
    }
  }
  try {
    (void)run_count(model.sweep);
  } catch (const invalid_argument& e) {
    fail(source, blame.value_or(axes.empty() ? source_position{} : axes.back().where), e.what());
  }
}

void check_outputs(const model_definition& model, const text_source& source, std::optional<source_position> blame) {
  system_info info;
  info.name = model.name;
  info.states = names_of(model.states);
  info.parameters = names_of(model.parameters);
  info.observables = model.observables;
  try {
    check_solve_spec(info, model.spec);
  } catch (const setting_error& e) {
    source_position at{1, 1};
    if (blame) {
      at = *blame;
    } else if (auto it = model.solver_key_at.find(e.field()); it != model.solver_key_at.end()) {
      at = it->second;
    }
    fail(source, at, std::string("solver.") + e.what());
  }
}

namespace {

bool fits_float(double v) { return std::fabs(v) <= static_cast<double>(std::numeric_limits<float>::max()); }

void check_literals_fit(const expression& e, const text_source& source, std::optional<source_position> blame) {
  if (e.kind == node_kind::number && !fits_float(e.value)) {
    fail(source, blame.value_or(e.where), "the number " + e.text + " does not fit in float32, the model's precision");
  }
  for (const expression& op : e.operands) check_literals_fit(op, source, blame);
}

}  // namespace

void check_constants_fit(const model_definition& model, const text_source& source,
                         std::optional<source_position> blame) {
  if (model.precision != precision::float32) return;
  for (const named_value& c : model.constants) {
    if (!fits_float(c.value)) {
      fail(source, blame.value_or(c.where),
           "constant '" + c.name + "' = " + std::to_string(c.value) + " does not fit in float32, the model's precision");
    }
  }
  for (const assignment& a : model.equations.assignments) check_literals_fit(a.value, source, blame);
}

}  // namespace cubie::models::detail
