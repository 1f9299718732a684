#include "model_sections.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

#include "cubie/batch/output_types.hpp"
#include "cubie/batch/method_catalog.hpp"
#include "cubie/batch/step_control.hpp"
#include "cubie/core/error.hpp"
#include "cubie/core/names.hpp"
#include "cubie/memory/allocator_kind.hpp"
#include "model_names.hpp"

namespace cubie::models::detail {
namespace {

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Values that must lie in a range get one message shape: "solver.dt must be > 0, got -1".
class checked {
 public:
  checked(const toml_entry& entry, const toml_reader& reader, std::string what)
      : node_(*entry.value), reader_(reader), what_(std::move(what)) {}

  [[nodiscard]] double finite() const { return reader_.finite_number(node_, what_); }
  [[nodiscard]] double positive() const {
    double v = finite();
    if (!(v > 0.0)) reader_.fail_at(node_, what_ + " must be greater than 0, got " + number_text(v));
    return v;
  }
  [[nodiscard]] double non_negative() const {
    double v = finite();
    if (v < 0.0) reader_.fail_at(node_, what_ + " must be 0 or more, got " + number_text(v));
    return v;
  }
  [[nodiscard]] std::int64_t integer_at_least(std::int64_t low) const {
    std::int64_t v = reader_.integer(node_, what_);
    if (v < low) reader_.fail_at(node_, what_ + " must be at least " + std::to_string(low) + ", got " + std::to_string(v));
    return v;
  }
  [[nodiscard]] bool boolean() const { return reader_.boolean(node_, what_); }
  [[nodiscard]] std::int64_t integer() const { return reader_.integer(node_, what_); }
  [[nodiscard]] bool is_string() const { return node_.is_string(); }
  [[nodiscard]] std::string string() const { return reader_.string(node_, what_); }
  [[nodiscard]] std::string non_empty_string() const {
    std::string s = string();
    if (s.empty()) reader_.fail_at(node_, what_ + " must not be empty");
    return s;
  }
  [[noreturn]] void fail(const std::string& message, std::string_view note = {}) const {
    reader_.fail_at(node_, message, note);
  }

  static std::string number_text(double v) {
    char buffer[32];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, v);
    return ec == std::errc() ? std::string(buffer, end) : std::to_string(v);
  }

 private:
  const toml::node& node_;
  const toml_reader& reader_;
  std::string what_;
};

// The method name as written, when a method or an alias has it (case and '-' as
// find_method() takes them); otherwise an error at the value that lists every method,
// so a typo is caught where it was made and not at the compile.
std::string known_method(const checked& value) {
  std::string name = value.non_empty_string();
  const std::string key = normalize_name(name);
  std::vector<std::string> methods;
  for (const method_info& m : all_method_infos()) methods.push_back(m.name);
  if (contains(methods, key)) return name;
  std::vector<std::string> candidates = methods;
  std::string aliases;
  for (const auto& [alias, canonical] : method_aliases()) {
    if (key == alias) return name;
    candidates.push_back(alias);
    aliases += (aliases.empty() ? "" : ", ") + alias + " (" + canonical + ")";
  }
  value.fail("solver.algorithm: unknown method '" + name + "'" + did_you_mean(key, candidates),
             "methods: " + join_names(methods) + "; aliases: " + aliases);
}

std::vector<double> tolerances(const toml_entry& entry, const toml_reader& reader, const model_definition& model) {
  std::string what = "solver." + entry.key;
  std::vector<double> values = reader.numbers(*entry.value, what, true);
  for (double v : values) {
    if (!std::isfinite(v) || v < 0.0) reader.fail_at(*entry.value, what + " must be finite and 0 or more");
  }
  if (values.size() != 1 && values.size() != model.states.size()) {
    reader.fail_at(*entry.value, what + " has " + std::to_string(values.size()) +
                                     " values; give one value, or one per state (" +
                                     std::to_string(model.states.size()) + ")");
  }
  return values;
}

std::vector<std::string> checked_names(const toml_entry& entry, const toml_reader& reader,
                                       const std::vector<std::string>& allowed, std::string_view kind) {
  std::string what = "solver." + entry.key;
  std::vector<std::string> names = reader.strings(*entry.value, what);
  const toml::array& array = *entry.value->as_array();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!contains(allowed, names[i])) {
      reader.fail_at(*array.get(i), what + ": '" + names[i] + "' is not " + std::string(kind) +
                                        did_you_mean(names[i], allowed),
                     std::string(kind) + "s: " + (allowed.empty() ? std::string("none") : join_names(allowed)));
    }
  }
  return names;
}

// output_types: each entry parsed as the Solver parses it, an error pointing at the entry.
std::vector<std::string> output_types(const toml_entry& entry, const toml_reader& reader) {
  std::vector<std::string> names = reader.strings(*entry.value, "solver.output_types");
  const toml::array& array = *entry.value->as_array();
  for (std::size_t i = 0; i < names.size(); ++i) {
    try {
      (void)parse_output_type(names[i]);
    } catch (const invalid_argument& e) {
      reader.fail_at(*array.get(i), "solver." + std::string(e.what()));
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (names[j] == names[i]) reader.fail_at(*array.get(i), "solver.output_types: '" + names[i] + "' is listed twice");
    }
  }
  return names;
}

// Names that may be states or observables (save_variables, summarise_variables).
std::vector<std::string> variable_names(const toml_entry& entry, const toml_reader& reader,
                                        const model_definition& model) {
  std::vector<std::string> allowed = names_of(model.states);
  allowed.insert(allowed.end(), model.observables.begin(), model.observables.end());
  std::vector<std::string> names = checked_names(entry, reader, allowed, "a state or an observable");
  const toml::array& array = *entry.value->as_array();
  for (std::size_t i = 0; i < names.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (names[j] == names[i]) reader.fail_at(*array.get(i), "solver." + entry.key + ": '" + names[i] + "' is listed twice");
    }
  }
  return names;
}

// save_times: finite and strictly increasing here, each error at its entry; whether they
// lie in the span is checked once the whole model is read (check_outputs).
std::vector<double> save_times(const toml_entry& entry, const toml_reader& reader) {
  const toml::array* array = entry.value->as_array();
  if (array == nullptr) {
    reader.fail_at(*entry.value, "solver.save_times must be a list of times, e.g. [0, 0.5, 2, 10]");
  }
  if (array->empty()) reader.fail_at(*entry.value, "solver.save_times is empty; list at least one time, or use save_every");
  std::vector<double> times;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const std::string what = "solver.save_times[" + std::to_string(i) + "]";
    const double t = reader.finite_number(*array->get(i), what);
    if (i > 0 && !(t > times.back())) {
      reader.fail_at(*array->get(i), what + " = " + checked::number_text(t) + " is not after the time before it (" +
                                         checked::number_text(times.back()) + "); save times must be strictly increasing");
    }
    times.push_back(t);
  }
  return times;
}

// memory.devices: "all", or a list of device numbers, each once.
std::vector<int> device_list(const toml_entry& entry, const toml_reader& reader) {
  const toml::node& node = *entry.value;
  const char* what = "memory.devices";
  if (node.is_string()) {
    const std::string s = normalize_name(reader.string(node, what));
    if (s != "all") reader.fail_at(node, std::string(what) + " must be \"all\" or a list of device numbers, got \"" + s + "\"");
    return {};
  }
  const toml::array* array = node.as_array();
  if (array == nullptr || array->empty()) {
    reader.fail_at(node, std::string(what) + " must be \"all\" or a non-empty list of device numbers such as [0, 1], but this is " +
                             std::string(array == nullptr ? type_phrase(node) : "an empty list"));
  }
  std::vector<int> ids;
  for (std::size_t i = 0; i < array->size(); ++i) {
    const toml::node& item = *array->get(i);
    const std::int64_t id = reader.integer(item, what);
    if (id < 0 || id > std::numeric_limits<int>::max())
      reader.fail_at(item, std::string(what) + ": device numbers start at 0, got " + std::to_string(id));
    if (std::find(ids.begin(), ids.end(), static_cast<int>(id)) != ids.end())
      reader.fail_at(item, std::string(what) + ": device " + std::to_string(id) + " is listed twice");
    ids.push_back(static_cast<int>(id));
  }
  return ids;
}

std::vector<double> sweep_values(const toml_entry& entry, const toml_reader& reader) {
  const toml::node& node = *entry.value;
  std::string what = "sweep." + entry.key;
  const char* forms = "a list of numbers, { linspace = [start, stop, count] } or { logspace = [start, stop, count] }";
  if (node.is_array()) {
    std::vector<double> values = reader.numbers(node, what, false);
    for (double v : values) {
      if (!std::isfinite(v)) reader.fail_at(node, what + " holds a value that is not finite");
    }
    return values;
  }
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    reader.fail_at(node, what + " must be " + forms + ", but this is " + std::string(type_phrase(node)),
                   node.is_number() ? "a single value is written as a list: [value]" : "");
  }
  std::vector<toml_entry> entries = ordered_entries(*table);
  if (entries.size() != 1 || (entries[0].key != "linspace" && entries[0].key != "logspace")) {
    source_position at = entries.empty() ? toml_reader::position(node) : entries[entries.size() > 1 ? 1 : 0].key_at;
    fail(reader.source(), at, what + " must hold exactly one of the keys 'linspace' and 'logspace'",
         std::string("the forms are ") + forms);
  }
  const toml_entry& spec = entries[0];
  std::string spec_what = what + "." + spec.key;
  const toml::array* args = spec.value->as_array();
  if (args == nullptr || args->size() != 3) {
    reader.fail_at(*spec.value, spec_what + " must be [start, stop, count]");
  }
  double start = reader.finite_number(*args->get(0), spec_what + " start");
  double stop = reader.finite_number(*args->get(1), spec_what + " stop");
  std::int64_t count = reader.integer(*args->get(2), spec_what + " count");
  if (count < 1) reader.fail_at(*args->get(2), spec_what + " count must be at least 1, got " + std::to_string(count));
  constexpr std::int64_t max_count = 100'000'000;  // 800 MB of values on one axis
  if (count > max_count) {
    reader.fail_at(*args->get(2), spec_what + " count " + std::to_string(count) + " is too large (at most " +
                                      std::to_string(max_count) + ")");
  }
  std::vector<double> values = spec.key == "linspace" ? linspace(start, stop, count) : logspace(start, stop, count);
  for (double v : values) {
    if (!std::isfinite(v)) reader.fail_at(*spec.value, spec_what + " produces values that are not finite");
  }
  return values;
}

}  // namespace

const std::vector<std::string>& solver_keys() {
  static const std::vector<std::string> keys = {
      "algorithm", "step_controller", "atol", "rtol", "dt", "dt_min", "dt_max", "safety", "min_gain", "max_gain",
      "deadband_min", "deadband_max", "kp", "ki", "kd", "newton_atol", "newton_rtol", "newton_max_iters",
      "newton_target_iters", "linear_solver", "krylov_atol", "krylov_rtol", "krylov_max_iters",
      "preconditioner_type", "preconditioner_order", "max_steps", "auto_passes", "backend", "cpu_threads",
      "nan_fill_failed", "t0", "duration", "settling_time", "save_every", "save_times", "saved_states", "saved_observables", "save_initial",
      "save_t_reached", "save_counters", "output_types", "save_variables", "summarise_variables", "summarise_every",
      "sample_summaries_every", "land_on_samples", "max_events", "event_tolerance", "save_event_states"};
  return keys;
}

const std::vector<std::string>& memory_keys() {
  static const std::vector<std::string> keys = {"allocator",     "mem_proportion", "stream_group",     "pinned_pool_bytes",
                                                "min_chunks",    "max_chunk_runs", "host_budget_bytes", "pinned_results",
                                                "staging_ring",  "devices",        "host_staging"};
  return keys;
}

void unknown_key(const text_source& source, source_position at, std::string_view section, std::string_view key,
                 const std::vector<std::string>& valid) {
  fail(source, at,
       "unknown key '" + std::string(key) + "' in [" + std::string(section) + "]" + did_you_mean(key, valid),
       "valid keys of [" + std::string(section) + "]: " + (valid.empty() ? std::string("none") : join_names(valid)));
}

void apply_solver_key(model_definition& model, const toml_entry& entry, const toml_reader& reader) {
  const std::string& key = entry.key;
  checked value(entry, reader, "solver." + key);
  solver_settings& s = model.settings;
  solve_spec& spec = model.spec;
  model.solver_key_at[key] = entry.key_at;
  if (key == "algorithm") {
    s.algorithm = known_method(value);
  } else if (key == "step_controller") {
    s.step_controller = value.string();
  } else if (key == "atol") {
    s.atol = tolerances(entry, reader, model);
  } else if (key == "rtol") {
    s.rtol = tolerances(entry, reader, model);
  } else if (key == "dt") {
    s.dt = value.positive();
  } else if (key == "dt_min") {
    s.dt_min = value.positive();
  } else if (key == "dt_max") {
    s.dt_max = value.positive();
  } else if (key == "safety") {
    s.safety = value.positive();
  } else if (key == "min_gain") {
    s.min_gain = value.positive();
  } else if (key == "max_gain") {
    s.max_gain = value.positive();
  } else if (key == "deadband_min") {
    s.deadband_min = value.positive();
  } else if (key == "deadband_max") {
    s.deadband_max = value.positive();
  } else if (key == "kp") {
    s.kp = value.finite();
  } else if (key == "ki") {
    s.ki = value.finite();
  } else if (key == "kd") {
    s.kd = value.finite();
  } else if (key == "newton_atol") {
    s.newton_atol = value.non_negative();
  } else if (key == "newton_rtol") {
    s.newton_rtol = value.non_negative();
  } else if (key == "newton_max_iters" || key == "newton_target_iters") {
    const std::int64_t n = value.integer_at_least(1);
    if (n > 1000) value.fail("solver." + key + " must be at most 1000, got " + std::to_string(n));
    (key == "newton_max_iters" ? s.newton_max_iters : s.newton_target_iters) = static_cast<int>(n);
  } else if (key == "linear_solver" || key == "preconditioner_type") {
    const std::vector<std::string>& names = key == "linear_solver" ? linear_solver_names() : preconditioner_names();
    const std::string name = normalize_name(value.string());
    if (std::find(names.begin(), names.end(), name) == names.end())
      value.fail("solver." + key + " must be one of " + join_names(names) + ", got \"" + name + "\"");
    (key == "linear_solver" ? s.linear_solver : s.preconditioner_type) = name;
  } else if (key == "krylov_atol") {
    s.krylov_atol = value.non_negative();
  } else if (key == "krylov_rtol") {
    s.krylov_rtol = value.non_negative();
  } else if (key == "krylov_max_iters") {
    const std::int64_t n = value.integer_at_least(1);
    if (n > 100000) value.fail("solver.krylov_max_iters must be at most 100000, got " + std::to_string(n));
    s.krylov_max_iters = static_cast<int>(n);
  } else if (key == "preconditioner_order") {
    const std::int64_t n = value.integer_at_least(0);
    if (n > 16) value.fail("solver.preconditioner_order must be at most 16, got " + std::to_string(n));
    s.preconditioner_order = static_cast<int>(n);
  } else if (key == "max_steps") {
    s.max_steps = value.integer_at_least(1);
  } else if (key == "auto_passes") {
    // 1, 2 or "default" (CUBIE_AUTO_PASSES, else the backend's choice): solver_settings::auto_passes.
    const char* allowed = "1 (one kernel), 2 (an explicit pass, then the runs that turned stiff) or \"default\"";
    if (value.is_string()) {
      const std::string v = value.string();
      if (v != "default") value.fail("solver.auto_passes = \"" + v + "\" is not allowed: use " + allowed);
      s.auto_passes = 0;
    } else {
      const std::int64_t n = value.integer();
      if (n != 1 && n != 2) value.fail("solver.auto_passes = " + std::to_string(n) + " is not allowed: use " + allowed);
      s.auto_passes = static_cast<int>(n);
    }
  } else if (key == "backend") {
    std::string backend = normalize_name(value.string());
    if (backend != "auto" && backend != "cpu" && backend != "cuda") {
      value.fail("solver.backend must be \"auto\", \"cpu\" or \"cuda\", got \"" + backend + "\"");
    }
    s.backend = backend;
  } else if (key == "cpu_threads") {
    std::int64_t n = value.integer_at_least(0);
    if (n > std::numeric_limits<int>::max()) value.fail("solver.cpu_threads is too large");
    s.cpu_threads = static_cast<int>(n);
  } else if (key == "nan_fill_failed") {
    s.nan_fill_failed = value.boolean();
  } else if (key == "t0") {
    spec.t0 = value.finite();
  } else if (key == "duration") {
    spec.duration = value.positive();
  } else if (key == "settling_time") {
    spec.settling_time = value.non_negative();
  } else if (key == "save_every") {
    spec.save_every = value.positive();
  } else if (key == "save_times") {
    spec.save_times = save_times(entry, reader);
  } else if (key == "output_types") {
    spec.output_types = output_types(entry, reader);
  } else if (key == "save_variables") {
    spec.save_variables = variable_names(entry, reader, model);
  } else if (key == "summarise_variables") {
    spec.summarise_variables = variable_names(entry, reader, model);
  } else if (key == "summarise_every") {
    spec.summarise_every = value.positive();
  } else if (key == "sample_summaries_every") {
    spec.sample_summaries_every = value.positive();
  } else if (key == "saved_states") {
    spec.saved_states = checked_names(entry, reader, names_of(model.states), "a state");
  } else if (key == "saved_observables") {
    spec.saved_observables = checked_names(entry, reader, model.observables, "an observable");
  } else if (key == "save_initial") {
    spec.save_initial = value.boolean();
  } else if (key == "save_counters") {
    spec.save_counters = value.boolean();
  } else if (key == "save_t_reached") {
    spec.save_t_reached = value.boolean();
  } else if (key == "land_on_samples") {
    spec.land_on_samples = value.boolean();
  } else if (key == "max_events") {
    spec.max_events = value.integer_at_least(0);
  } else if (key == "event_tolerance") {
    spec.event_tolerance = value.non_negative();
  } else if (key == "save_event_states") {
    spec.save_event_states = value.boolean();
  } else if (key == "precision") {
    fail(reader.source(), entry.key_at,
         "precision is not a [solver] key: it is the model's, at the top of the file (precision = \"float32\")");
  } else {
    unknown_key(reader.source(), entry.key_at, "solver", key, solver_keys());
  }
}

void apply_memory_key(model_definition& model, const toml_entry& entry, const toml_reader& reader) {
  const std::string& key = entry.key;
  checked value(entry, reader, "memory." + key);
  memory::memory_settings& m = model.settings.memory;
  if (key == "allocator") {
    std::string name = value.non_empty_string();
    try {
      (void)memory::parse_allocator_kind(name);
    } catch (const invalid_argument& e) {
      value.fail("memory.allocator: " + std::string(e.what()));
    }
    m.allocator = name;
  } else if (key == "mem_proportion") {
    double p = value.positive();
    if (p > 1.0) value.fail("memory.mem_proportion is a share of the device memory: it must lie in (0, 1]");
    m.mem_proportion = p;
  } else if (key == "stream_group") {
    m.stream_group = value.non_empty_string();
  } else if (key == "pinned_pool_bytes") {
    m.pinned_pool_bytes = static_cast<std::uint64_t>(value.integer_at_least(0));
  } else if (key == "min_chunks") {
    m.min_chunks = value.integer_at_least(0);
  } else if (key == "max_chunk_runs") {
    m.max_chunk_runs = value.integer_at_least(0);
  } else if (key == "host_budget_bytes") {
    m.host_budget_bytes = static_cast<std::uint64_t>(value.integer_at_least(0));
  } else if (key == "pinned_results") {
    m.pinned_results = value.boolean();
  } else if (key == "staging_ring") {
    m.staging_ring = value.boolean();
  } else if (key == "host_staging") {
    std::string mode = value.non_empty_string();
    if (mode != "pinned" && mode != "pageable" && mode != "first_pageable")
      value.fail("memory.host_staging = \"" + mode + "\" is not allowed: use \"pinned\", \"pageable\" or \"first_pageable\"");
    m.host_staging = mode;
  } else if (key == "devices") {
    m.devices = device_list(entry, reader);
  } else {
    unknown_key(reader.source(), entry.key_at, "memory", key, memory_keys());
  }
}

void apply_sweep_key(model_definition& model, const toml_entry& entry, const toml_reader& reader) {
  if (entry.key == "grid") {
    std::string grid = reader.string(*entry.value, "sweep.grid");
    try {
      model.sweep.grid = parse_grid_type(grid);
    } catch (const invalid_argument&) {
      reader.fail_at(*entry.value, "sweep.grid must be \"verbatim\" or \"combinatorial\", got \"" + grid + "\"");
    }
    model.spec.grid = model.sweep.grid;
    return;
  }
  std::vector<std::string> sweepable = names_of(model.states);
  for (const named_value& p : model.parameters) sweepable.push_back(p.name);
  if (!contains(sweepable, entry.key)) {
    if (contains(names_of(model.constants), entry.key)) {
      fail(reader.source(), entry.key_at,
           "'" + entry.key + "' is a constant, compiled into the model; only states and parameters can be swept",
           "move '" + entry.key + "' from [constants] to [parameters] to sweep it");
    }
    std::vector<std::string> valid = sweepable;
    valid.insert(valid.begin(), "grid");
    unknown_key(reader.source(), entry.key_at, "sweep", entry.key, valid);
  }
  sweep_axis axis{entry.key, sweep_values(entry, reader), entry.key_at};
  auto& axes = model.sweep.axes;
  auto same = std::find_if(axes.begin(), axes.end(), [&](const sweep_axis& a) { return a.name == entry.key; });
  if (same != axes.end()) {
    *same = std::move(axis);
  } else {
    axes.push_back(std::move(axis));
  }
}

named_value read_declared_value(std::string_view section, const toml_entry& entry, const toml_reader& reader) {
  std::string kind = section == "states" ? "state" : section == "parameters" ? "parameter" : "constant";
  if (!is_identifier(entry.key)) {
    fail(reader.source(), entry.key_at,
         "'" + entry.key + "' is not a valid " + kind +
             " name: names start with a letter or '_' and hold only letters, digits and '_'");
  }
  std::string reason = reserved_reason(entry.key);
  if (reason.empty() && section == "constants") reason = constant_name_reason(entry.key);
  if (!reason.empty()) fail(reader.source(), entry.key_at, reason + "; choose another " + kind + " name");
  std::string what = kind + " '" + entry.key + "'";
  double v = reader.finite_number(*entry.value, what);
  return {entry.key, v, entry.key_at};
}

void set_declared_value(std::vector<named_value>& values, std::string_view section, const toml_entry& entry,
                        const toml_reader& reader) {
  auto found = std::find_if(values.begin(), values.end(), [&](const named_value& v) { return v.name == entry.key; });
  if (found == values.end()) unknown_key(reader.source(), entry.key_at, section, entry.key, names_of(values));
  found->value = read_declared_value(section, entry, reader).value;
}

}  // namespace cubie::models::detail
