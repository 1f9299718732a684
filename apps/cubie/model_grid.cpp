#include "model_grid.hpp"

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
  // The sweep's names in file order: a combinatorial product follows it, last fastest.
  named_arrays values;
  for (const auto& axis : model.sweep.axes) values.push_back({axis.name, axis.values});
  return batch_grid::build(model_system_info(model), values, model.sweep.grid);
}

batch_grid take_model_grid(models::model_definition& model) {
  const system_info info = model_system_info(model);
  named_arrays values;
  for (auto& axis : model.sweep.axes) values.push_back({axis.name, std::move(axis.values)});
  return batch_grid::build(info, std::move(values), model.sweep.grid);
}

}  // namespace cubie::cli
