// --set section.key=value: the value is read by toml++ from a one-line document laid
// out so that its columns are the option's columns, then applied by the same code as
// the model file's keys. Messages quote the option and point into it.
#include <algorithm>
#include <optional>

#include "cubie/core/error.hpp"
#include "cubie/core/names.hpp"
#include "cubie/models/model.hpp"
#include "model_checks.hpp"
#include "model_names.hpp"
#include "model_sections.hpp"
#include "model_signals.hpp"
#include "toml_reader.hpp"

namespace cubie::models {
namespace {

using detail::fail;
using detail::text_source;
using detail::toml_entry;
using detail::toml_reader;

const std::vector<std::string>& override_targets() {
  static const std::vector<std::string> targets = {"name",       "precision", "solver", "memory",
                                                   "states",     "parameters", "constants", "sweep"};
  return targets;
}

source_position column(std::size_t offset) { return {1, static_cast<int>(offset) + 1}; }

std::size_t skip_spaces(std::string_view s, std::size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return i;
}

std::string_view trim(std::string_view s) {
  std::size_t b = skip_spaces(s, 0);
  std::size_t e = s.size();
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t')) --e;
  return s.substr(b, e - b);
}

// The value parsed as TOML with the option's columns; a bare word becomes a string.
toml::table parse_value(std::string_view option, std::size_t equals, const text_source& source) {
  std::string layout = "v" + std::string(equals - 1, ' ') + "=";
  std::string_view value = option.substr(equals + 1);
  std::size_t first = skip_spaces(option, equals + 1);
  if (first >= option.size()) fail(source, column(equals), "nothing follows '=': give a value");
  try {
    return toml::parse(layout + std::string(value), source.name);
  } catch (const toml::parse_error& e) {
    char lead = option[first];
    bool meant_as_toml = lead == '[' || lead == '{' || lead == '"' || lead == '\'';
    if (meant_as_toml) {
      fail(source, column(static_cast<std::size_t>(e.source().begin.column) - 1),
           "invalid value: " + std::string(e.description()));
    }
  }
  std::string word(trim(value));
  std::string quoted;
  for (char c : word) {
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  // A column of padding for the opening quote keeps the word's first letter in place.
  std::string padded = "v" + std::string(first - 2, ' ') + "=\"" + quoted + "\"";
  try {
    return toml::parse(padded, source.name);
  } catch (const toml::parse_error& e) {
    fail(source, column(first), "invalid value: " + std::string(e.description()));
  }
}

}  // namespace

void apply_override(model_definition& model, std::string_view option) {
  toml_reader reader(text_source{"--set", option});
  const text_source& source = reader.source();
  std::size_t equals = option.find('=');
  if (equals == std::string_view::npos) {
    fail(source, column(0), "expected section.key=value, e.g. solver.duration=2");
  }
  std::size_t key_begin = skip_spaces(option, 0);
  std::string_view path = trim(option.substr(0, equals));
  if (path.empty()) fail(source, column(key_begin), "the key before '=' is empty; write section.key=value");
  std::size_t dot = path.find('.');
  std::string section(dot == std::string_view::npos ? path : path.substr(0, dot));
  std::string key(dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1));
  source_position key_at = column(key_begin + (dot == std::string_view::npos ? 0 : dot + 1));

  const auto& targets = override_targets();
  if (std::find(targets.begin(), targets.end(), section) == targets.end()) {
    fail(source, column(key_begin), "cannot set '" + section + "'" + detail::did_you_mean(section, targets),
         "settable: name, precision, and section.key for the sections solver, memory, states, parameters, "
         "constants and sweep");
  }
  bool top_level = section == "name" || section == "precision";
  if (top_level && dot != std::string_view::npos) {
    fail(source, column(key_begin), "'" + section + "' is a top-level key: write " + section + "=value");
  }
  if (!top_level && (key.empty() || key.find('.') != std::string::npos)) {
    fail(source, key_at, "expected one key after '" + section + ".', as in " + section + ".KEY=value");
  }

  toml::table doc = parse_value(option, equals, source);
  toml_entry entry{top_level ? section : key, top_level ? column(key_begin) : key_at, doc.get("v")};
  std::optional<source_position> blame = toml_reader::position(*entry.value);

  if (section == "name") {
    std::string name = reader.string(*entry.value, "name");
    if (!detail::is_printable_name(name)) {
      reader.fail_at(*entry.value, "name must be a non-empty string without control characters");
    }
    model.name = name;
  } else if (section == "precision") {
    std::string text = reader.string(*entry.value, "precision");
    try {
      model.precision = parse_precision(text);
    } catch (const invalid_argument&) {
      reader.fail_at(*entry.value, "precision must be \"float32\" or \"float64\", got \"" + text + "\"");
    }
  } else if (section == "solver") {
    detail::apply_solver_key(model, entry, reader);
  } else if (section == "memory") {
    detail::apply_memory_key(model, entry, reader);
  } else if (section == "sweep") {
    detail::apply_sweep_key(model, entry, reader);
  } else if (section == "states") {
    detail::set_declared_value(model.states, section, entry, reader);
  } else if (section == "parameters") {
    detail::set_declared_value(model.parameters, section, entry, reader);
  } else {
    detail::set_declared_value(model.constants, section, entry, reader);
  }
  model.settings.precision = model.precision;
  model.spec.grid = model.sweep.grid;
  detail::check_outputs(model, source, blame);
  detail::check_sweep(model, source, blame);
  detail::check_constants_fit(model, source, blame);
  detail::check_drivers(model, source, blame);
}

}  // namespace cubie::models
