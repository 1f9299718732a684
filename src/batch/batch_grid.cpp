// Grids of runs: named arrays checked against the system (unknown names, lengths,
// non-finite values) and broadcast or expanded combinatorially into one column per
// variable. A grid gets an id so a Solver can tell a re-solved grid from a new one.
#include "cubie/batch/batch_grid.hpp"

#include <atomic>
#include <cmath>
#include <sstream>

#include "cubie/core/error.hpp"
#include "cubie/core/names.hpp"

namespace cubie {

namespace {

std::uint64_t new_grid_id() {
  static std::atomic<std::uint64_t> next_id{1};
  return next_id.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace


namespace {

struct entry {
  int column;               // index into the grid's columns
  const named_array* array;
  const char* kind;         // "initial_values" or "parameters", for messages
};

int find_name(const std::vector<std::string>& names, const std::string& name) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<int>(i);
  return -1;
}

void check_finite(const named_array& a, const char* kind) {
  for (std::size_t i = 0; i < a.values.size(); ++i) {
    if (!std::isfinite(a.values[i])) {
      std::ostringstream msg;
      msg << kind << "['" << a.name << "'][" << i << "] is " << a.values[i]
          << "; inputs must be finite numbers";
      throw invalid_argument(msg.str());
    }
  }
}

}  // namespace

std::vector<std::pair<const named_array*, bool>> batch_grid::tag_names(const system_info& system,
                                                                      const named_arrays& values) {
  std::vector<std::pair<const named_array*, bool>> tagged;
  for (const named_array& a : values) {
    const bool state = find_name(system.states, a.name) >= 0;
    if (!state && find_name(system.parameters, a.name) < 0) {
      std::vector<std::string> valid = system.states;
      valid.insert(valid.end(), system.parameters.begin(), system.parameters.end());
      throw invalid_argument("sweep: unknown name '" + a.name + "' for system '" + system.name +
                             "'; valid names are: " + (valid.empty() ? std::string("(none)") : join_names(valid)));
    }
    tagged.push_back({&a, state});
  }
  return tagged;
}

batch_grid batch_grid::build(const system_info& system, const named_arrays& values, grid_type type) {
  return build_ordered(system, tag_names(system, values), type);
}

batch_grid batch_grid::build(const system_info& system, named_arrays&& values, grid_type type) {
  return build_ordered(system, tag_names(system, values), type, true);
}

namespace {
std::vector<std::pair<const named_array*, bool>> tag_by_list(const named_arrays& initial_values,
                                                             const named_arrays& parameters) {
  std::vector<std::pair<const named_array*, bool>> tagged;
  for (const named_array& a : initial_values) tagged.push_back({&a, true});
  for (const named_array& a : parameters) tagged.push_back({&a, false});
  return tagged;
}
}  // namespace

batch_grid batch_grid::build(const system_info& system, const named_arrays& initial_values,
                             const named_arrays& parameters, grid_type type) {
  return build_ordered(system, tag_by_list(initial_values, parameters), type);
}

batch_grid batch_grid::build(const system_info& system, named_arrays&& initial_values, named_arrays&& parameters,
                             grid_type type) {
  return build_ordered(system, tag_by_list(initial_values, parameters), type, true);
}

batch_grid batch_grid::build_ordered(const system_info& system,
                                     const std::vector<std::pair<const named_array*, bool>>& given_arrays,
                                     grid_type type, bool take_values) {
  batch_grid g;
  g.system_name_ = system.name;
  g.n_states_ = system.n_states();
  const int n_columns = system.n_states() + system.n_parameters();
  g.columns_.resize(n_columns);
  for (int i = 0; i < system.n_states(); ++i) g.columns_[i].name = system.states[i];
  for (int j = 0; j < system.n_parameters(); ++j) g.columns_[system.n_states() + j].name = system.parameters[j];

  std::vector<entry> entries;
  std::vector<bool> given(n_columns, false);
  for (const auto& [array, is_state] : given_arrays) {
    const named_array& a = *array;
    const std::vector<std::string>& names = is_state ? system.states : system.parameters;
    const int offset = is_state ? 0 : system.n_states();
    const char* kind = is_state ? "initial_values" : "parameters";
    const int idx = find_name(names, a.name);
    if (idx < 0) {
      throw invalid_argument(std::string(kind) + ": unknown name '" + a.name + "' for system '" + system.name +
                             "'; valid names are: " + (names.empty() ? std::string("(none)") : join_names(names)));
    }
    if (given[offset + idx]) throw invalid_argument(std::string(kind) + ": '" + a.name + "' is given twice");
    if (a.values.empty()) throw invalid_argument(std::string(kind) + "['" + a.name + "'] is empty; give at least one value");
    check_finite(a, kind);
    given[offset + idx] = true;
    entries.push_back({offset + idx, &a, kind});
  }

  // Defaults for what was not given.
  for (int c = 0; c < n_columns; ++c) {
    if (given[c]) continue;
    const bool is_state = c < system.n_states();
    const auto& defaults = is_state ? system.state_defaults : system.parameter_defaults;
    const int idx = is_state ? c : c - system.n_states();
    if (defaults.empty()) {
      throw invalid_argument(std::string(is_state ? "initial_values" : "parameters") + ": no value given for '" +
                             g.columns_[c].name + "' and system '" + system.name + "' has no default for it");
    }
    g.columns_[c].values = {defaults[idx]};
  }

  if (type == grid_type::verbatim) {
    std::int64_t n = 1;
    const entry* longest = nullptr;
    for (const entry& e : entries) {
      const auto len = static_cast<std::int64_t>(e.array->values.size());
      if (len == 1) continue;
      if (n == 1) {
        n = len;
        longest = &e;
      } else if (len != n) {
        std::ostringstream msg;
        msg << "verbatim grid: " << e.kind << "['" << e.array->name << "'] has " << len << " values but "
            << longest->kind << "['" << longest->array->name << "'] has " << n
            << "; arrays must have the same length or length 1 (use grid = \"combinatorial\" for a product)";
        throw invalid_argument(msg.str());
      }
    }
    for (const entry& e : entries) {
      // The arrays are the caller's to give up when take_values is set (an rvalue list).
      if (take_values) g.columns_[e.column].values = std::move(const_cast<named_array*>(e.array)->values);
      else g.columns_[e.column].values = e.array->values;
    }
    g.n_runs_ = n;
  } else {
    // Cartesian product in C order: the last entry varies fastest.
    std::int64_t n = 1;
    for (const entry& e : entries) {
      const auto len = static_cast<std::int64_t>(e.array->values.size());
      if (n > (std::int64_t{1} << 62) / len) throw invalid_argument("combinatorial grid: more than 2^62 runs");
      n *= len;
    }
    std::int64_t stride = 1;
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
      const auto& src = it->array->values;
      const auto len = static_cast<std::int64_t>(src.size());
      auto& col = g.columns_[it->column].values;
      if (len == 1) {
        col = src;
        continue;
      }
      col.resize(static_cast<std::size_t>(n));
      for (std::int64_t r = 0; r < n; ++r) col[r] = src[(r / stride) % len];
      stride *= len;
    }
    g.n_runs_ = n;
  }
  if (g.n_runs_ <= 0) throw invalid_argument("the batch is empty: give at least one run");
  g.id_ = new_grid_id();
  return g;
}

batch_grid batch_grid::slice(std::int64_t begin, std::int64_t end) const {
  if (begin < 0 || end > n_runs_ || begin >= end) {
    throw invalid_argument("batch_grid::slice: runs [" + std::to_string(begin) + ", " + std::to_string(end) +
                           ") are not a non-empty part of the grid's " + std::to_string(n_runs_) + " runs");
  }
  batch_grid g;
  g.n_runs_ = end - begin;
  g.n_states_ = n_states_;
  g.system_name_ = system_name_;
  g.columns_.reserve(columns_.size());
  for (const column& c : columns_) {
    column part{c.name, {}};
    if (c.broadcast()) part.values = c.values;
    else part.values.assign(c.values.begin() + begin, c.values.begin() + end);
    g.columns_.push_back(std::move(part));
  }
  g.id_ = new_grid_id();
  return g;
}

}  // namespace cubie
