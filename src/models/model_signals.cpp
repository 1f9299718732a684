// [drivers]: the design's driver dictionary as a TOML table. Reserved keys (time, dt, t0,
// order, wrap, boundary_condition) set every driver; every other key is a driver, given as
// an array of samples (2-D: samples x runs) or as a table naming a file or overriding the
// shared settings. [events.NAME]: condition, direction, action, reset.
#include "model_signals.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "cubie/core/error.hpp"
#include "cubie/core/names.hpp"
#include "cubie/models/sweep.hpp"
#include "driver_sources.hpp"
#include "equation_parser.hpp"
#include "model_names.hpp"
#include "model_sections.hpp"
#include "string_positions.hpp"

namespace cubie::models::detail {

namespace {

const std::vector<std::string>& driver_table_keys() {
  static const std::vector<std::string> keys = {"samples", "file",  "column", "dataset", "time", "time_column",
                                                "time_dataset", "dt", "t0", "order", "wrap", "boundary_condition"};
  return keys;
}

// Times and interpolation, shared by the section and overridden per driver.
struct signal_settings {
  std::optional<std::vector<double>> time;
  std::optional<double> dt;
  std::optional<double> t0;
  std::optional<int> order;
  std::optional<bool> wrap;
  std::optional<spline_boundary> boundary;
};

class driver_reader {
 public:
  driver_reader(model_definition& model, const toml_reader& reader, std::filesystem::path base)
      : model_(model), reader_(reader), base_(std::move(base)) {}

  void read(const toml::table& section) {
    const std::vector<toml_entry> entries = ordered_entries(section);
    for (const toml_entry& e : entries) {
      if (is_setting(e.key)) apply_setting(shared_, e, "drivers." + e.key);
    }
    for (const toml_entry& e : entries) {
      if (!is_setting(e.key)) read_driver(e);
    }
  }

 private:
  static bool is_setting(const std::string& key) {
    const auto& keys = driver_setting_keys();
    return std::find(keys.begin(), keys.end(), key) != keys.end();
  }

  std::filesystem::path resolve(const std::string& file) const {
    const std::filesystem::path p(file);
    return p.is_absolute() || base_.empty() ? p : base_ / p;
  }

  column_choice column_of(const toml::node& node, const std::string& what) const {
    column_choice c;
    if (node.is_string()) c.name = reader_.string(node, what);
    else c.index = reader_.integer(node, what);
    if (c.index && *c.index < 0) reader_.fail_at(node, what + " must be a column name or an index >= 0");
    return c;
  }

  // Samples from the file named by `file_node` (its extension picks the reader), with a
  // column (CSV, or one of a 2-D array) or a dataset (HDF5).
  sample_table from_file(const toml::node& file_node, const toml::node* column_node, const toml::node* dataset_node,
                         const std::string& what, std::string* origin) const {
    const std::string file = reader_.string(file_node, what + ".file");
    const std::filesystem::path path = resolve(file);
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    column_choice column;
    if (column_node) column = column_of(*column_node, what + ".column");
    try {
      if (ext == ".csv" || ext == ".txt") {
        if (dataset_node) reader_.fail_at(*dataset_node, what + ": a dataset belongs to HDF5 files; a CSV file takes a column");
        if (origin) *origin = file + (column.given() ? " column " + column.text() : std::string());
        return read_csv_column(path, column);
      }
      if (ext == ".npy") {
        if (dataset_node) reader_.fail_at(*dataset_node, what + ": a dataset belongs to HDF5 files; a .npy file takes a column");
        if (origin) *origin = file + (column.given() ? " column " + column.text() : std::string());
        return read_npy(path, column);
      }
      if (ext == ".h5" || ext == ".hdf5" || ext == ".he5" || ext == ".nc") {
        if (dataset_node == nullptr) {
          reader_.fail_at(file_node, what + ": an HDF5 file needs the dataset to read (dataset = \"/path/to/data\")");
        }
        const std::string name = reader_.string(*dataset_node, what + ".dataset");
        if (origin) *origin = file + " dataset '" + name + "'" + (column.given() ? " column " + column.text() : std::string());
        return read_hdf5_dataset(path, name, column);
      }
    } catch (const model_error&) {
      throw;
    } catch (const invalid_argument& e) {
      reader_.fail_at(file_node, what + ": " + e.what());
    }
    reader_.fail_at(file_node, what + ": '" + file + "' is not a file cubie reads driver samples from",
                    "driver samples come from .csv, .npy or HDF5 (.h5, .hdf5) files");
  }

  std::vector<double> one_column(const sample_table& t, const toml::node& at, const std::string& what) const {
    if (t.cols != 1) {
      reader_.fail_at(at, what + " must be one column, but it has " + std::to_string(t.cols) +
                              " (pick one with column = INDEX)");
    }
    return t.values;
  }

  void apply_setting(signal_settings& s, const toml_entry& e, const std::string& what) {
    const toml::node& v = *e.value;
    if (e.key == "time") {
      if (const toml::table* t = v.as_table()) {
        if (!t->get("file")) reader_.fail_at(v, what + " must be an array of times or a table { file = ..., column = ... }");
        s.time = one_column(from_file(*t->get("file"), t->get("column"), t->get("dataset"), what, nullptr), v, what);
      } else {
        s.time = reader_.numbers(v, what, false);
      }
    } else if (e.key == "dt") {
      const double dt = reader_.finite_number(v, what);
      if (!(dt > 0)) reader_.fail_at(v, what + " must be greater than 0, got " + number_text(dt));
      s.dt = dt;
    } else if (e.key == "t0") {
      s.t0 = reader_.finite_number(v, what);
    } else if (e.key == "order") {
      const std::int64_t order = reader_.integer(v, what);
      if (order != 0 && order != 1 && order != 3) {
        reader_.fail_at(v, what + " must be 0 (each sample held), 1 (linear) or 3 (cubic spline), got " +
                               std::to_string(order));
      }
      s.order = static_cast<int>(order);
    } else if (e.key == "wrap") {
      s.wrap = reader_.boolean(v, what);
    } else if (e.key == "boundary_condition") {
      const std::string b = reader_.string(v, what);
      try {
        s.boundary = parse_spline_boundary(b);
      } catch (const invalid_argument&) {
        reader_.fail_at(v, what + " must be \"not-a-knot\", \"natural\", \"clamped\" or \"periodic\", got \"" + b + "\"");
      }
    }
  }

  void check_name(const toml_entry& e) const {
    if (!is_identifier(e.key)) {
      fail(reader_.source(), e.key_at,
           "'" + e.key + "' is not a valid driver name: names start with a letter or '_' and hold only letters, digits and '_'");
    }
    if (std::string reason = reserved_reason(e.key); !reason.empty()) {
      fail(reader_.source(), e.key_at, reason + "; choose another driver name");
    }
    const std::pair<const char*, const std::vector<named_value>*> sections[] = {
        {"a state", &model_.states}, {"a parameter", &model_.parameters}, {"a constant", &model_.constants}};
    for (const auto& [kind, values] : sections) {
      for (const named_value& v : *values) {
        if (v.name == e.key) {
          fail(reader_.source(), e.key_at,
               "'" + e.key + "' is declared twice: as " + kind + " (line " + std::to_string(v.where.line) + ") and as a driver",
               "a name belongs to one section: states, parameters, constants or drivers");
        }
      }
    }
  }

  void read_driver(const toml_entry& e) {
    check_name(e);
    const std::string what = "driver '" + e.key + "'";
    signal_settings own;
    sample_table samples;
    std::string origin = "inline";
    const toml::node& v = *e.value;
    bool own_time = false;
    if (const toml::table* t = v.as_table()) {
      for (const toml_entry& k : ordered_entries(*t)) {
        const auto& keys = driver_table_keys();
        if (std::find(keys.begin(), keys.end(), k.key) == keys.end()) {
          unknown_key(reader_.source(), k.key_at, "drivers." + e.key, k.key, keys);
        }
        if (is_setting(k.key)) apply_setting(own, k, "drivers." + e.key + "." + k.key);
      }
      const bool has_file = t->get("file") != nullptr, has_samples = t->get("samples") != nullptr;
      if (has_file == has_samples) {
        reader_.fail_at(v, what + " needs its samples: either samples = [...] or file = \"...\"" +
                               std::string(has_file ? ", not both" : ""));
      }
      if (has_samples) {
        samples = inline_samples(*t->get("samples"), what);
      } else {
        samples = from_file(*t->get("file"), t->get("column"), t->get("dataset"), "drivers." + e.key, &origin);
      }
      // Times from the same file: a CSV column or an HDF5 dataset.
      if (const toml::node* tc = t->get("time_column")) {
        if (!has_file) reader_.fail_at(*tc, what + ": time_column reads the driver's file, and it has none");
        own.time = one_column(from_file(*t->get("file"), tc, nullptr, "drivers." + e.key + ".time_column", nullptr), *tc,
                              "drivers." + e.key + ".time_column");
      }
      if (const toml::node* td = t->get("time_dataset")) {
        if (!has_file) reader_.fail_at(*td, what + ": time_dataset reads the driver's file, and it has none");
        own.time = one_column(from_file(*t->get("file"), nullptr, td, "drivers." + e.key + ".time_dataset", nullptr), *td,
                              "drivers." + e.key + ".time_dataset");
      }
      own_time = own.time.has_value() || own.dt.has_value();
    } else {
      samples = inline_samples(v, what);
    }

    driver_signal s;
    s.name = e.key;
    s.samples = std::move(samples.values);
    s.runs = samples.cols > 1 ? samples.cols : 0;
    // The driver's own times, else the section's.
    const signal_settings& times = own_time ? own : shared_;
    if (times.time) s.time = *times.time;
    else s.dt = times.dt;
    s.t0 = own.t0.value_or(shared_.t0.value_or(0.0));
    s.order = own.order.value_or(shared_.order.value_or(3));
    s.wrap = own.wrap.value_or(shared_.wrap.value_or(true));
    s.boundary = own.boundary ? own.boundary : shared_.boundary;
    if (s.order == 0 && s.boundary && !own.boundary) s.boundary.reset();  // the section's spline setting
    try {
      validate_driver(s, s.runs);
    } catch (const invalid_argument& err) {
      fail(reader_.source(), e.key_at, err.what(),
           s.time.empty() && !s.dt ? "give the times in [drivers] (time = [...], or dt and t0) or in the driver's table"
                                   : std::string());
    }
    model_.drivers.push_back({e.key, e.key_at, origin});
    model_.spec.drivers.push_back(std::move(s));
  }

  // [v0, v1, ...] (one signal) or [[v0 run 0, v0 run 1, ...], [v1 ...], ...] (one per run).
  sample_table inline_samples(const toml::node& v, const std::string& what) const {
    const toml::array* a = v.as_array();
    if (a == nullptr || a->empty()) {
      reader_.fail_at(v, what + " must be an array of samples, [[...], ...] with one value per run in each row, or a "
                               "table { file = ... }");
    }
    sample_table t;
    if (a->get(0)->is_array()) {
      for (const toml::node& row : *a) {
        const std::vector<double> r = reader_.numbers(row, "every row of " + what, false);
        if (t.cols == 0) t.cols = static_cast<std::int64_t>(r.size());
        if (static_cast<std::int64_t>(r.size()) != t.cols) {
          reader_.fail_at(row, "every row of " + what + " needs one value per run (" + std::to_string(t.cols) +
                                   "), but this one has " + std::to_string(r.size()));
        }
        t.values.insert(t.values.end(), r.begin(), r.end());
        ++t.rows;
      }
    } else {
      t.values = reader_.numbers(v, what, false);
      t.rows = static_cast<std::int64_t>(t.values.size());
      t.cols = 1;
    }
    return t;
  }

  model_definition& model_;
  const toml_reader& reader_;
  std::filesystem::path base_;
  signal_settings shared_;
};

std::vector<std::string> names(std::initializer_list<const char*> list) { return {list.begin(), list.end()}; }

}  // namespace

const std::vector<std::string>& driver_setting_keys() {
  static const std::vector<std::string> keys = {"time", "dt", "t0", "order", "wrap", "boundary_condition"};
  return keys;
}

void read_drivers(model_definition& model, const toml::table& section, const toml_reader& reader,
                  const std::filesystem::path& base_dir) {
  driver_reader(model, reader, base_dir).read(section);
}

void read_events(model_definition& model, const toml::table& section, const toml_reader& reader) {
  for (const toml_entry& e : ordered_entries(section)) {
    const std::string what = "events." + e.key;
    if (!is_identifier(e.key)) {
      fail(reader.source(), e.key_at,
           "'" + e.key + "' is not a valid event name: names start with a letter or '_' and hold only letters, digits and '_'");
    }
    const toml::table* t = e.value->as_table();
    if (t == nullptr) {
      reader.fail_at(*e.value, what + " must be a table: [events." + e.key + "] with condition, direction, action",
                     "for example:\n[events.floor]\ncondition = \"h\"\ndirection = \"down\"\naction = \"reset\"\nreset = \"v = -0.9 * v\"");
    }
    model_event ev;
    ev.name = e.key;
    ev.where = e.key_at;
    const toml::node* reset = nullptr;
    const toml::node* condition = nullptr;
    for (const toml_entry& k : ordered_entries(*t)) {
      const std::string kw = what + "." + k.key;
      if (k.key == "condition") {
        condition = k.value;
      } else if (k.key == "direction") {
        const std::string d = reader.string(*k.value, kw);
        if (d == "up") ev.direction = event_direction::up;
        else if (d == "down") ev.direction = event_direction::down;
        else if (d == "both") ev.direction = event_direction::both;
        else reader.fail_at(*k.value, kw + " must be \"up\", \"down\" or \"both\", got \"" + d + "\"");
      } else if (k.key == "action") {
        const std::string a = reader.string(*k.value, kw);
        if (a == "record") ev.action = event_action::record;
        else if (a == "terminate") ev.action = event_action::terminate;
        else if (a == "reset") ev.action = event_action::reset;
        else reader.fail_at(*k.value, kw + " must be \"record\", \"terminate\" or \"reset\", got \"" + a + "\"");
      } else if (k.key == "reset") {
        reset = k.value;
      } else {
        unknown_key(reader.source(), k.key_at, "events." + e.key, k.key,
                    names({"condition", "direction", "action", "reset"}));
      }
    }
    if (condition == nullptr) {
      fail(reader.source(), e.key_at, what + " has no condition",
           "add condition = \"EXPRESSION\": the event happens where it crosses zero");
    }
    ev.condition_text = reader.string(*condition, what + ".condition");
    ev.condition = parse_event_condition(
        ev.condition_text,
        string_value_positions(model.source_text, toml_reader::position(*condition), ev.condition_text), model,
        reader.source(), what + ".condition");
    if (ev.action == event_action::reset) {
      if (reset == nullptr) {
        fail(reader.source(), e.key_at, what + " resets but says not how",
             "add reset = \"STATE = expression\" (one assignment a line)");
      }
      const std::string text = reader.string(*reset, what + ".reset");
      ev.reset = parse_event_reset(text, string_value_positions(model.source_text, toml_reader::position(*reset), text),
                                   model, reader.source(), what + ".reset");
    } else if (reset != nullptr) {
      reader.fail_at(*reset, what + ".reset is only for action = \"reset\" (this event's action is " +
                                 (ev.action == event_action::record ? "\"record\"" : "\"terminate\"") + ")");
    }
    model.events.push_back(std::move(ev));
  }
}

void check_drivers(const model_definition& model, const text_source& source, std::optional<source_position> blame) {
  const std::int64_t runs = static_cast<std::int64_t>(run_count(model.sweep));
  for (std::size_t i = 0; i < model.drivers.size(); ++i) {
    const driver_signal& s = model.spec.drivers[i];
    const model_driver& d = model.drivers[i];
    if (s.runs > 0 && s.runs != runs) {
      fail(source, blame.value_or(d.where),
           "driver '" + d.name + "' holds one signal per run for " + std::to_string(s.runs) + " runs (" + d.origin +
               "), but the sweep makes " + std::to_string(runs) + " run" + (runs == 1 ? "" : "s"),
           "one signal per run needs a column per run, in the sweep's order");
    }
    if (model.precision == precision::float32) {
      for (double v : s.samples) {
        if (std::fabs(v) > static_cast<double>(std::numeric_limits<float>::max())) {
          fail(source, blame.value_or(d.where),
               "driver '" + d.name + "' has the sample " + number_text(v) + ", which does not fit in float32, the model's precision");
        }
      }
    }
  }
}

}  // namespace cubie::models::detail
