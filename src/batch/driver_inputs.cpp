#include "driver_inputs.hpp"

#include <algorithm>

#include "cubie/core/error.hpp"
#include "cubie/core/names.hpp"
#include "driver_table.hpp"

namespace cubie::detail {

template <class V>
void add_driver_inputs(const system_info& info, const solve_spec& spec, prepared_batch<V>& b) {
  b.drivers.clear();
  for (std::size_t i = 0; i < spec.drivers.size(); ++i) {
    const std::string& name = spec.drivers[i].name;
    if (std::find(info.drivers.begin(), info.drivers.end(), name) == info.drivers.end()) {
      throw invalid_argument("drivers: system '" + info.name + "' has no driver '" + name + "'; its drivers are " +
                             (info.drivers.empty() ? std::string("(none)") : join_names(info.drivers)));
    }
    for (std::size_t j = 0; j < i; ++j)
      if (spec.drivers[j].name == name) throw invalid_argument("drivers: '" + name + "' is given twice");
  }
  if (info.drivers.empty()) return;

  std::vector<driver_table> tables;
  for (const std::string& name : info.drivers) {
    const auto it = std::find_if(spec.drivers.begin(), spec.drivers.end(),
                                 [&](const driver_signal& s) { return s.name == name; });
    if (it == spec.drivers.end()) {
      throw invalid_argument("drivers: system '" + info.name + "' reads the driver '" + name +
                             "'; give its samples in solve_spec::drivers (a model file's [drivers])");
    }
    validate_driver(*it, b.n_runs);
    tables.push_back(build_driver_table(*it));
  }

  // New layout: [grid's varying columns][per-run driver rows][grid's broadcasts][shared driver rows].
  const i64 n_runs = b.n_runs;
  const i64 old_varying = b.varying_columns * n_runs;
  i64 added_columns = 0, added_broadcast = 0;
  for (const driver_table& t : tables) (t.runs > 0 ? added_columns : added_broadcast) += t.rows;
  input_vector<V> values(b.input_values.size() + static_cast<std::size_t>(added_columns * n_runs + added_broadcast));
  std::copy(b.input_values.begin(), b.input_values.begin() + old_varying, values.begin());
  std::copy(b.input_values.begin() + old_varying, b.input_values.end(),
            values.begin() + old_varying + added_columns * n_runs);
  for (std::size_t v = 0; v < b.input_offset.size(); ++v)
    if (b.input_stride[v] == 0) b.input_offset[v] += added_columns * n_runs;
  i64 next_column = old_varying;
  i64 next_broadcast = static_cast<i64>(b.input_values.size()) + added_columns * n_runs;
  for (driver_table& t : tables) {
    const i64 at = t.runs > 0 ? next_column : next_broadcast;
    std::transform(t.coefficients.begin(), t.coefficients.end(), values.begin() + at,
                   [](double c) { return static_cast<V>(c); });
    t.info.input = static_cast<i32>(b.input_offset.size());
    b.input_offset.push_back(at);
    b.input_stride.push_back(t.runs > 0 ? 1 : 0);
    (t.runs > 0 ? next_column : next_broadcast) += static_cast<i64>(t.coefficients.size());
    b.drivers.push_back(t.info);
  }
  b.varying_columns += added_columns;
  b.input_values = std::move(values);
}

template void add_driver_inputs<float>(const system_info&, const solve_spec&, prepared_batch<float>&);
template void add_driver_inputs<double>(const system_info&, const solve_spec&, prepared_batch<double>&);

}  // namespace cubie::detail
