#include "cubie/models/model_warnings.hpp"

#include <algorithm>

#include "diagnostic.hpp"
#include "model_sections.hpp"

namespace cubie::models {

namespace {

void mark_used(const expression& e, std::vector<bool>& parameters, std::vector<bool>& constants) {
  if (e.kind == node_kind::parameter && e.index >= 0) parameters[static_cast<std::size_t>(e.index)] = true;
  if (e.kind == node_kind::constant && e.index >= 0) constants[static_cast<std::size_t>(e.index)] = true;
  for (const expression& o : e.operands) mark_used(o, parameters, constants);
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Where a name that is a setting belongs, or "" when it is none.
std::string settings_section_of(const std::string& name) {
  if (contains(detail::solver_keys(), name)) return "solver";
  if (contains(detail::memory_keys(), name)) return "memory";
  return "";
}

}  // namespace

std::vector<std::string> model_warnings(const model_definition& model) {
  std::vector<bool> used_parameters(model.parameters.size(), false), used_constants(model.constants.size(), false);
  for (const assignment& a : model.equations.assignments) mark_used(a.value, used_parameters, used_constants);
  // An event's condition and reset use names too (a bounce's restitution, a threshold).
  for (const model_event& e : model.events) {
    mark_used(e.condition, used_parameters, used_constants);
    for (const event_assignment& r : e.reset) mark_used(r.value, used_parameters, used_constants);
  }

  const detail::text_source source{model.source_path.string(), model.source_text};
  std::vector<std::string> out;
  auto warn = [&](const named_value& v, const char* kind, bool swept) {
    const std::string what = std::string(kind) + " '" + v.name + "' is used by no equation";
    std::string note;
    if (const std::string section = settings_section_of(v.name); !section.empty()) {
      note = "'" + v.name + "' is a [" + section + "] setting; here it declares a " + kind +
             " and sets nothing: move it under [" + section + "]";
    } else if (swept) {
      note = "the sweep varies it, yet every run will give the same result";
    }
    out.push_back(detail::format_diagnostic(source, v.where, what, note, "warning"));
  };
  for (std::size_t i = 0; i < model.parameters.size(); ++i) {
    if (used_parameters[i]) continue;
    const bool swept = std::any_of(model.sweep.axes.begin(), model.sweep.axes.end(), [&](const sweep_axis& a) {
      return a.name == model.parameters[i].name && a.values.size() > 1;
    });
    warn(model.parameters[i], "parameter", swept);
  }
  for (std::size_t i = 0; i < model.constants.size(); ++i) {
    if (!used_constants[i]) warn(model.constants[i], "constant", false);
  }
  return out;
}

}  // namespace cubie::models
