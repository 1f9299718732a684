// Resolves output_types, save_variables, summarise_variables and the older saved_states /
// saved_observables into index lists, with messages that name the field.
#include "output_request.hpp"

#include <algorithm>
#include <optional>
#include <string>

#include "cubie/batch/solve_spec_check.hpp"
#include "cubie/core/names.hpp"

namespace cubie::detail {

namespace {

/// Indices of the wanted names in `names` (all of them when none are named), in the
/// order given.
std::vector<int> pick(const std::optional<std::vector<std::string>>& wanted, const std::vector<std::string>& names,
                      const char* field) {
  std::vector<int> idx;
  if (!wanted) {
    for (std::size_t i = 0; i < names.size(); ++i) idx.push_back(static_cast<int>(i));
    return idx;
  }
  for (const std::string& w : *wanted) {
    const auto it = std::find(names.begin(), names.end(), w);
    if (it == names.end()) {
      throw setting_error(field, std::string(field) + ": unknown name '" + w + "'; valid names are " +
                                     (names.empty() ? std::string("(none)") : join_names(names)));
    }
    const int found = static_cast<int>(it - names.begin());
    if (std::find(idx.begin(), idx.end(), found) != idx.end())
      throw setting_error(field, std::string(field) + ": '" + w + "' is listed twice");
    idx.push_back(found);
  }
  return idx;
}

/// Names that may be states or observables, split into the two index lists.
void pick_variables(const std::vector<std::string>& wanted, const system_info& info, const char* field,
                    std::vector<int>& states, std::vector<int>& observables) {
  states.clear();
  observables.clear();
  std::vector<std::string> seen;
  for (const std::string& w : wanted) {
    if (std::find(seen.begin(), seen.end(), w) != seen.end())
      throw setting_error(field, std::string(field) + ": '" + w + "' is listed twice");
    seen.push_back(w);
    const auto s = std::find(info.states.begin(), info.states.end(), w);
    if (s != info.states.end()) {
      states.push_back(static_cast<int>(s - info.states.begin()));
      continue;
    }
    const auto o = std::find(info.observables.begin(), info.observables.end(), w);
    if (o != info.observables.end()) {
      observables.push_back(static_cast<int>(o - info.observables.begin()));
      continue;
    }
    throw setting_error(field, std::string(field) + ": '" + w + "' is neither a state nor an observable; states are " +
                                   join_names(info.states) + "; observables are " +
                                   (info.observables.empty() ? std::string("(none)") : join_names(info.observables)));
  }
}

}  // namespace

output_request resolve_outputs(const system_info& info, const solve_spec& spec) {
  output_request out;
  bool want_states = true, want_observables = true, want_time = false;
  if (spec.output_types) {
    want_states = want_observables = false;
    if (spec.output_types->empty()) {
      throw setting_error("output_types", "output_types is empty; list at least one of " + output_type_names());
    }
    std::vector<std::string> seen;
    for (const std::string& text : *spec.output_types) {
      output_type t;
      try {
        t = parse_output_type(text);
      } catch (const invalid_argument& e) {
        throw setting_error("output_types", e.what());
      }
      if (std::find(seen.begin(), seen.end(), t.text) != seen.end())
        throw setting_error("output_types", "output_types: '" + t.text + "' is listed twice");
      seen.push_back(t.text);
      if (t.what == output_type::kind::state) want_states = true;
      if (t.what == output_type::kind::observables) want_observables = true;
      if (t.what == output_type::kind::time) want_time = true;
      if (t.what == output_type::kind::iteration_counters) out.iteration_counters = true;
      if (t.is_metric()) out.metrics.push_back(t);
    }
  }

  // The saved variables: save_variables (states and observables by name) or the older
  // saved_states / saved_observables.
  std::vector<int> states, observables;
  if (spec.save_variables) {
    if (spec.saved_states || spec.saved_observables) {
      throw setting_error("save_variables",
                          "save_variables names states and observables together; give it or saved_states / "
                          "saved_observables, not both");
    }
    pick_variables(*spec.save_variables, info, "save_variables", states, observables);
  } else {
    states = pick(spec.saved_states, info.states, "saved_states");
    observables = pick(spec.saved_observables, info.observables, "saved_observables");
  }
  if (want_states) out.saved_states = states;
  if (want_observables) out.saved_observables = observables;
  // "time" alone keeps the time axis (the save times) with no variables.
  out.time_domain = want_states || want_observables || want_time;

  if (spec.summarise_variables) {
    pick_variables(*spec.summarise_variables, info, "summarise_variables", out.summarised_states,
                   out.summarised_observables);
  } else {
    out.summarised_states = states;
    out.summarised_observables = observables;
  }
  if (!out.metrics.empty() && out.summarised_states.empty() && out.summarised_observables.empty()) {
    throw setting_error(spec.summarise_variables ? "summarise_variables" : "save_variables",
                        "output_types asks for summary metrics (" + out.metrics.front().text +
                            ") but no variable is summarised; name states or observables in summarise_variables");
  }
  if (out.metrics.empty()) {
    out.summarised_states.clear();
    out.summarised_observables.clear();
  }
  return out;
}

}  // namespace cubie::detail
