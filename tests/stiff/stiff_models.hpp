// tests/stiff/stiff_models.hpp
// The stiff example models (examples/stiff/*.toml) as the tests here use them: read from
// their files, compiled at run time for the CPU (the path `cubie run` takes, cached in the
// build folder), solved one run at a time or over a sweep, and measured against a
// reference in units of the tolerance.
#pragma once
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cubie/batch/solver.hpp"
#include "cubie/models/model.hpp"
#include "cubie/models/model_compiler.hpp"

namespace cubie::test {

inline models::model_definition stiff_example(const std::string& file) {
  return models::load_model(std::filesystem::path(CUBIE_EXAMPLES_DIR) / "stiff" / file);
}

/// The model compiled for the CPU with `methods` in precision p (once per process and
/// arguments; the disk cache keeps it between processes).
inline std::shared_ptr<const compiled_system> compile_for_cpu(const models::model_definition& m,
                                                              const std::vector<std::string>& methods, precision p,
                                                              const models::codegen_options& codegen = {},
                                                              models::compile_report* report = nullptr) {
  static std::map<std::string, std::shared_ptr<const compiled_system>> compiled;
  std::string key = m.name + "/" + std::string(precision_name(p)) + "/" +
                    std::to_string(codegen.max_sparse_factor_flops) + "/" + std::to_string(codegen.jacobian);
  for (const std::string& method : methods) key += "/" + method;
  auto it = compiled.find(key);
  if (it != compiled.end() && report == nullptr) return it->second;
  models::compile_options o;
  o.gpu = models::gpu_compile::off;
  o.methods = methods;
  o.precision = p;
  o.cache_dir = CUBIE_TEST_CACHE_DIR;
  o.codegen = codegen;
  auto sys = models::compile_model(m, o, report);
  compiled[key] = sys;
  return sys;
}

/// The model's sweep as named arrays (verbatim grids: every axis as long as the sweep),
/// split into states and parameters.
inline std::pair<named_arrays, named_arrays> sweep_inputs(const models::model_definition& m) {
  named_arrays states, parameters;
  for (const models::sweep_axis& a : m.sweep.axes) {
    const bool is_state = std::any_of(m.states.begin(), m.states.end(), [&](const auto& s) { return s.name == a.name; });
    (is_state ? states : parameters).push_back({a.name, a.values});
  }
  return {states, parameters};
}

/// max_i |y_i - ref_i| / (atol + rtol |ref_i|): the error in units of the tolerance.
inline double error_in_tolerances(const std::vector<double>& y, const std::vector<double>& ref, double rtol,
                                  double atol) {
  double worst = 0.0;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    const double e = std::fabs(y[i] - ref[i]) / (atol + rtol * std::fabs(ref[i]));
    worst = std::isnan(e) ? e : std::max(worst, e);
  }
  return worst;
}

/// The final state of run `run`, in the model's state order.
inline std::vector<double> final_state(const SolveResult& r, const models::model_definition& m, std::int64_t run) {
  std::vector<double> y;
  for (const models::named_value& s : m.states) y.push_back(r.at(r.n_saves() - 1, r.variable_index(s.name), run));
  return y;
}

}  // namespace cubie::test
