#include "model_grid.hpp"

#include <algorithm>
#include <limits>

#include "cubie/core/error.hpp"
#include "cubie/models/sweep.hpp"

namespace cubie::cli {

system_info model_system_info(const models::model_definition& model) {
  system_info info;
  info.name = model.name;
  info.states = models::names_of(model.states);
  info.parameters = models::names_of(model.parameters);
  info.observables = model.observables;
  for (const auto& s : model.states) info.state_defaults.push_back(s.value);
  for (const auto& p : model.parameters) info.parameter_defaults.push_back(p.value);
  return info;
}

batch_grid model_grid(const models::model_definition& model) {
  const system_info info = model_system_info(model);
  const auto& axes = model.sweep.axes;
  std::vector<std::vector<double>> columns;
  columns.reserve(axes.size());
  if (model.sweep.grid == grid_type::combinatorial && axes.size() > 1) {
    // batch_grid::build takes states and parameters as two lists and would put every
    // state axis before every parameter axis; the file's order is expanded here instead
    // and handed over as equally long (verbatim) columns.
    const auto n = static_cast<std::int64_t>(models::run_count(model.sweep));
    if (static_cast<std::uint64_t>(n) * axes.size() > std::numeric_limits<std::size_t>::max() / sizeof(double))
      throw invalid_argument("sweep: " + std::to_string(n) + " runs are too many to hold in memory");
    std::int64_t stride = 1;
    columns.resize(axes.size());
    for (std::size_t k = axes.size(); k-- > 0;) {
      const auto& src = axes[k].values;
      const auto len = static_cast<std::int64_t>(src.size());
      auto& col = columns[k];
      col.resize(static_cast<std::size_t>(n));
      for (std::int64_t r = 0; r < n; ++r) col[r] = src[(r / stride) % len];
      stride *= len;
    }
  } else {
    for (const auto& a : axes) columns.push_back(a.values);
  }
  named_arrays initial_values, parameters;
  for (std::size_t k = 0; k < axes.size(); ++k) {
    const std::string& name = axes[k].name;
    if (std::find(info.states.begin(), info.states.end(), name) != info.states.end()) {
      initial_values.push_back({name, std::move(columns[k])});
    } else if (std::find(info.parameters.begin(), info.parameters.end(), name) != info.parameters.end()) {
      parameters.push_back({name, std::move(columns[k])});
    } else {
      throw invalid_argument("sweep: '" + name + "' is neither a state nor a parameter of model '" + model.name + "'");
    }
  }
  return batch_grid::build(info, initial_values, parameters, grid_type::verbatim);
}

}  // namespace cubie::cli
