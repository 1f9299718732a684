// Reads a model file: TOML first (toml++), then each top-level key in a fixed order so
// that later sections can be checked against earlier ones (equations against the
// declared names, observables against the equations, the solver and sweep against both).
#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "cubie/core/error.hpp"
#include "cubie/core/names.hpp"
#include "cubie/models/model.hpp"
#include "equation_parser.hpp"
#include "model_checks.hpp"
#include "model_names.hpp"
#include "model_sections.hpp"
#include "model_signals.hpp"
#include "string_positions.hpp"
#include "toml_reader.hpp"

namespace cubie::models {
namespace {

using detail::toml_entry;
using detail::toml_reader;

const std::vector<std::string>& top_level_keys() {
  static const std::vector<std::string> keys = {"name",   "description", "precision", "observables",
                                                "equations", "states",  "parameters", "constants",
                                                "drivers", "events", "solver", "memory", "sweep"};
  return keys;
}

class model_loader {
 public:
  model_loader(model_definition& model, const toml::table& doc, const toml_reader& reader)
      : model_(model), doc_(doc), reader_(reader) {}

  void load() {
    for (const toml_entry& e : detail::ordered_entries(doc_)) {
      const auto& keys = top_level_keys();
      if (std::find(keys.begin(), keys.end(), e.key) == keys.end()) {
        detail::fail(reader_.source(), e.key_at,
                     "unknown top-level key '" + e.key + "'" + detail::did_you_mean(e.key, keys),
                     "allowed top-level keys: " + join_names(keys));
      }
      entries_[e.key] = e;
    }
    read_name();
    read_precision();
    if (const toml_entry* d = find("description")) (void)reader_.string(*d->value, "description");
    read_declared("states", model_.states);
    read_declared("parameters", model_.parameters);
    read_declared("constants", model_.constants);
    check_clashes();
    if (const toml_entry* d = find("drivers")) {
      detail::read_drivers(model_, table_of(*d), reader_, model_.source_path.parent_path());
    }
    read_equations();
    read_observables();
    if (const toml_entry* e = find("events")) detail::read_events(model_, table_of(*e), reader_);
    for_each_in("solver", [&](const toml_entry& e) { detail::apply_solver_key(model_, e, reader_); });
    for_each_in("memory", [&](const toml_entry& e) { detail::apply_memory_key(model_, e, reader_); });
    for_each_in("sweep", [&](const toml_entry& e) { detail::apply_sweep_key(model_, e, reader_); });
    model_.settings.precision = model_.precision;
    model_.spec.grid = model_.sweep.grid;
    detail::check_outputs(model_, reader_.source(), std::nullopt);
    detail::check_sweep(model_, reader_.source(), std::nullopt);
    detail::check_constants_fit(model_, reader_.source(), std::nullopt);
    detail::check_drivers(model_, reader_.source(), std::nullopt);
  }

 private:
  [[nodiscard]] const toml_entry* find(const std::string& key) const {
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : &it->second;
  }

  [[noreturn]] void missing(const std::string& key, const std::string& example) const {
    detail::fail(reader_.source(), {1, 1}, "the model has no '" + key + "'", "add " + example);
  }

  [[nodiscard]] const toml::table& table_of(const toml_entry& e) const {
    const toml::table* t = e.value->as_table();
    if (t == nullptr) {
      reader_.fail_at(*e.value, "'" + e.key + "' must be a table ([" + e.key + "]), but this is " +
                                    std::string(detail::type_phrase(*e.value)));
    }
    return *t;
  }

  template <class F>
  void for_each_in(const std::string& section, F&& apply) {
    if (const toml_entry* e = find(section)) {
      for (const toml_entry& entry : detail::ordered_entries(table_of(*e))) apply(entry);
    }
  }

  void read_name() {
    const toml_entry* e = find("name");
    if (e == nullptr) {
      std::string stem = model_.source_path.stem().string();
      model_.name = detail::is_printable_name(stem) ? stem : "model";
      return;
    }
    model_.name = reader_.string(*e->value, "name");
    if (!detail::is_printable_name(model_.name)) {
      reader_.fail_at(*e->value, "name must be a non-empty string without control characters");
    }
  }

  void read_precision() {
    const toml_entry* e = find("precision");
    if (e == nullptr) return;
    std::string text = reader_.string(*e->value, "precision");
    try {
      model_.precision = parse_precision(text);
    } catch (const invalid_argument&) {
      reader_.fail_at(*e->value, "precision must be \"float32\" or \"float64\", got \"" + text + "\"");
    }
  }

  void read_declared(const std::string& section, std::vector<named_value>& out) {
    const toml_entry* e = find(section);
    if (e == nullptr) {
      if (section == "states") missing("states", "a [states] table: one line 'name = initial value' per state");
      return;
    }
    for (const toml_entry& entry : detail::ordered_entries(table_of(*e))) {
      out.push_back(detail::read_declared_value(section, entry, reader_));
    }
    if (section == "states" && out.empty()) {
      reader_.fail_at(*e->value, "[states] is empty: a model needs at least one state");
    }
  }

  void check_clashes() const {
    std::map<std::string, std::pair<std::string, int>> seen;  // name -> (section, line)
    const std::pair<const char*, const std::vector<named_value>*> sections[] = {
        {"a state", &model_.states}, {"a parameter", &model_.parameters}, {"a constant", &model_.constants}};
    for (const auto& [kind, values] : sections) {
      for (const named_value& v : *values) {
        auto [it, fresh] = seen.emplace(v.name, std::make_pair(std::string(kind), v.where.line));
        if (!fresh) {
          detail::fail(reader_.source(), v.where,
                       "'" + v.name + "' is declared twice: as " + it->second.first + " (line " +
                           std::to_string(it->second.second) + ") and as " + kind,
                       "a name belongs to one section: states, parameters or constants");
        }
      }
    }
  }

  void read_equations() {
    const toml_entry* e = find("equations");
    if (e == nullptr) missing("equations", "equations = \"\"\"\ndx = ...\n\"\"\" with one line per state");
    model_.equations_text = reader_.string(*e->value, "equations");
    std::vector<source_position> positions = detail::string_value_positions(
        model_.source_text, toml_reader::position(*e->value), model_.equations_text);
    model_.equations = detail::parse_equations(model_.equations_text, positions, model_, reader_.source());
  }

  void read_observables() {
    const toml_entry* e = find("observables");
    if (e == nullptr) return;
    std::vector<std::string> names = reader_.strings(*e->value, "observables");
    const toml::array& array = *e->value->as_array();
    const std::vector<std::string>& auxiliaries = model_.equations.auxiliaries;
    for (std::size_t i = 0; i < names.size(); ++i) {
      const std::string& name = names[i];
      const toml::node& at = *array.get(i);
      if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), name) !=
          names.begin() + static_cast<std::ptrdiff_t>(i)) {
        reader_.fail_at(at, "observable '" + name + "' is listed twice");
      }
      if (std::find(auxiliaries.begin(), auxiliaries.end(), name) != auxiliaries.end()) continue;
      std::string kind = declared_kind(name);
      if (!kind.empty()) {
        reader_.fail_at(at, "observable '" + name + "' is " + kind +
                                "; observables are auxiliaries defined in the equations",
                        kind == "a state" ? "states are saved already"
                                          : "define an auxiliary, e.g. '" + name + "_out = " + name + "'");
      }
      reader_.fail_at(at, "observable '" + name + "' is never defined in the equations" +
                              detail::did_you_mean(name, auxiliaries),
                      "auxiliaries: " + (auxiliaries.empty() ? std::string("none") : join_names(auxiliaries)));
    }
    model_.observables = std::move(names);
  }

  [[nodiscard]] std::string declared_kind(const std::string& name) const {
    auto has = [&](const std::vector<named_value>& values) {
      return std::any_of(values.begin(), values.end(), [&](const named_value& v) { return v.name == name; });
    };
    if (has(model_.states)) return "a state";
    if (has(model_.parameters)) return "a parameter";
    if (has(model_.constants)) return "a constant";
    return {};
  }

  model_definition& model_;
  const toml::table& doc_;
  const toml_reader& reader_;
  std::map<std::string, toml_entry> entries_;
};

}  // namespace

model_definition parse_model(std::string_view text, std::string source_name) {
  model_definition model;
  model.source_path = source_name;
  model.source_text = std::string(text);
  toml_reader reader(detail::text_source{std::move(source_name), model.source_text});
  toml::table doc;
  try {
    doc = toml::parse(model.source_text, reader.source().name);
  } catch (const toml::parse_error& e) {
    const toml::source_position& b = e.source().begin;
    detail::fail(reader.source(), {static_cast<int>(b.line), static_cast<int>(b.column)},
                 "invalid TOML: " + std::string(e.description()));
  }
  model_loader(model, doc, reader).load();
  return model;
}

model_definition load_model(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw invalid_argument("cannot read the model file '" + path.string() + "'");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw invalid_argument("error while reading the model file '" + path.string() + "'");
  model_definition model = parse_model(text.str(), path.string());
  model.source_path = path;
  return model;
}

std::vector<std::string> names_of(const std::vector<named_value>& values) {
  std::vector<std::string> out;
  out.reserve(values.size());
  for (const named_value& v : values) out.push_back(v.name);
  return out;
}

}  // namespace cubie::models
