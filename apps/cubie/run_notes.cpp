#include "run_notes.hpp"

#include <cmath>
#include <cstdio>
#include <vector>

#include "cubie/batch/method_catalog.hpp"
#include "cubie/batch/step_control.hpp"
#include "cubie/models/model_warnings.hpp"
#include "text_format.hpp"

namespace cubie::cli {

namespace {

// Whole steps of dt over `span`, the last one shortened to end on it (solver.cpp's count).
std::int64_t steps_over(double span, double dt) {
  if (span <= 0) return 0;
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(span / dt - 1e-9)));
}

}  // namespace

std::int64_t fixed_steps_per_run(const solve_spec& spec, double dt) {
  std::int64_t steps = steps_over(spec.settling_time, dt);
  if (!spec.save_every || *spec.save_every <= 0) return steps + steps_over(spec.duration, dt);
  const double every = *spec.save_every;
  const auto intervals = static_cast<std::int64_t>(std::floor(spec.duration / every * (1 + 1e-12)));
  steps += intervals * steps_over(every, dt);
  // Past the last save to the end of the span, when the span is not a whole number of saves.
  const double rest = spec.duration - static_cast<double>(intervals) * every;
  return rest > 1e-9 * every ? steps + steps_over(rest, dt) : steps;
}

std::string default_dt_note(const models::model_definition& model) {
  if (model.settings.dt) return "";
  const method_info& method = find_method(model.settings.algorithm);
  std::vector<std::string> ignored;
  if (resolve_controller(model.settings, method, ignored).kind != controller_kind::fixed) return "";
  const std::int64_t steps = fixed_steps_per_run(model.spec, default_fixed_dt);
  const bool exact = !model.spec.save_every;
  return method.name + " takes fixed steps and no dt was given: dt = " + format_number(default_fixed_dt) +
         " (the default), " + (exact ? "" : "about ") + std::to_string(steps) + " steps per run; set solver.dt to choose one";
}

void print_model_warnings(const models::model_definition& model) {
  for (const std::string& w : models::model_warnings(model)) std::fprintf(stderr, "%s\n", w.c_str());
}

}  // namespace cubie::cli
