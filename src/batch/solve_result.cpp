// Result storage: one host buffer per output array, reused across solves when large
// enough, with typed accessors and the fills for failed and never-integrated runs.
#include "cubie/batch/solve_result.hpp"

#include <algorithm>

#include "cubie/core/error.hpp"
#include "cubie/core/names.hpp"
#include "cubie/execution/output_fill.hpp"

namespace cubie {


void SolveResult::prepare(const layout& l, const host_allocator& alloc) {
  layout_ = l;
  for (const output_array& a : layout_.arrays) {
    const std::size_t bytes =
        static_cast<std::size_t>(a.values_per_run()) * static_cast<std::size_t>(l.n_runs) * a.element_bytes(l.precision);
    buffers_[static_cast<std::size_t>(a.id)].reserve(bytes, alloc);
  }
  stats_ = solve_statistics{};
}

const void* SolveResult::array_data(output_id id) const {
  return layout_.has(id) ? buffers_[static_cast<std::size_t>(id)].data() : nullptr;
}

void* SolveResult::mutable_array_data(output_id id) {
  return layout_.has(id) ? buffers_[static_cast<std::size_t>(id)].data() : nullptr;
}

bool SolveResult::pinned() const {
  for (const output_array& a : layout_.arrays)
    if (!buffers_[static_cast<std::size_t>(a.id)].pinned()) return false;
  return !layout_.arrays.empty();
}

template <class V>
std::span<const V> SolveResult::time_domain() const {
  constexpr cubie::precision want = sizeof(V) == 4 ? cubie::precision::float32 : cubie::precision::float64;
  if (want != layout_.precision) {
    throw invalid_argument(std::string("SolveResult::time_domain<") + (sizeof(V) == 4 ? "float" : "double") +
                           ">: the result holds " + precision_name(layout_.precision) + " values");
  }
  return {static_cast<const V*>(array_data(output_id::time_domain)),
          static_cast<std::size_t>(n_saves() * n_vars() * n_runs())};
}
template std::span<const float> SolveResult::time_domain<float>() const;
template std::span<const double> SolveResult::time_domain<double>() const;

double SolveResult::at(std::int64_t save, std::int64_t var, std::int64_t run) const {
  const std::size_t i = (static_cast<std::size_t>(save) * static_cast<std::size_t>(n_vars()) + var) * n_runs() + run;
  const void* td = array_data(output_id::time_domain);
  return layout_.precision == cubie::precision::float32 ? double(static_cast<const float*>(td)[i])
                                                        : static_cast<const double*>(td)[i];
}

int SolveResult::variable_index(const std::string& name) const {
  const std::vector<std::string>& vars = variables();
  for (std::size_t i = 0; i < vars.size(); ++i)
    if (vars[i] == name) return static_cast<int>(i);
  throw invalid_argument("SolveResult: no saved variable '" + name + "'; saved variables are: " +
                         (vars.empty() ? std::string("(none)") : join_names(vars)));
}

std::vector<double> SolveResult::series(const std::string& name, std::int64_t run) const {
  if (run < 0 || run >= n_runs())
    throw invalid_argument("SolveResult::series: run " + std::to_string(run) + " is outside [0, " +
                           std::to_string(n_runs()) + ")");
  const int v = variable_index(name);
  std::vector<double> out(static_cast<std::size_t>(n_saves()));
  for (std::int64_t k = 0; k < n_saves(); ++k) out[k] = at(k, v, run);
  return out;
}

std::vector<double> SolveResult::final_values(const std::string& name) const {
  const int v = variable_index(name);
  std::vector<double> out(static_cast<std::size_t>(n_runs()));
  for (std::int64_t r = 0; r < n_runs(); ++r) out[r] = at(n_saves() - 1, v, r);
  return out;
}

namespace {

void require_summaries(const output_layout& l, const char* what) {
  if (!l.has(output_id::summaries)) {
    throw invalid_argument(std::string("SolveResult::") + what +
                           ": this solve recorded no summaries (list summary metrics in solve_spec::output_types)");
  }
}

std::int64_t index_of(const std::vector<std::string>& names, const std::string& name, const char* what,
                      const char* kind) {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<std::int64_t>(i);
  throw invalid_argument(std::string("SolveResult::") + what + ": no " + kind + " '" + name + "'; recorded: " +
                         (names.empty() ? std::string("(none)") : join_names(names)));
}

}  // namespace

template <class V>
std::span<const V> SolveResult::summaries() const {
  require_summaries(layout_, "summaries");
  constexpr cubie::precision want = sizeof(V) == 4 ? cubie::precision::float32 : cubie::precision::float64;
  if (want != layout_.precision) {
    throw invalid_argument(std::string("SolveResult::summaries<") + (sizeof(V) == 4 ? "float" : "double") +
                           ">: the result holds " + precision_name(layout_.precision) + " values");
  }
  return {static_cast<const V*>(array_data(output_id::summaries)),
          static_cast<std::size_t>(n_windows() * n_summaries() * n_runs())};
}
template std::span<const float> SolveResult::summaries<float>() const;
template std::span<const double> SolveResult::summaries<double>() const;

double SolveResult::summary_at(std::int64_t window, std::int64_t row, std::int64_t run) const {
  const std::size_t i =
      (static_cast<std::size_t>(window) * static_cast<std::size_t>(n_summaries()) + row) * n_runs() + run;
  const void* s = array_data(output_id::summaries);
  return layout_.precision == cubie::precision::float32 ? double(static_cast<const float*>(s)[i])
                                                        : static_cast<const double*>(s)[i];
}

template <class V>
summary_view<V> SolveResult::summary_of(const std::string& value) const {
  const std::span<const V> all = summaries<V>();
  const std::int64_t k = index_of(layout_.summary_outputs, value, "summary_of", "summary value");
  const std::int64_t per_variable = static_cast<std::int64_t>(layout_.summary_outputs.size());
  summary_view<V> v;
  v.data = all.data() + k * n_runs();
  v.n_windows = n_windows();
  v.n_variables = static_cast<std::int64_t>(layout_.summarised_variables.size());
  v.n_runs = n_runs();
  v.variable_stride = per_variable * n_runs();
  v.window_stride = n_summaries() * n_runs();
  return v;
}
template summary_view<float> SolveResult::summary_of<float>(const std::string&) const;
template summary_view<double> SolveResult::summary_of<double>(const std::string&) const;

std::vector<double> SolveResult::summary(const std::string& variable, const std::string& value,
                                         std::int64_t window) const {
  require_summaries(layout_, "summary");
  const std::int64_t v = index_of(layout_.summarised_variables, variable, "summary", "summarised variable");
  const std::int64_t k = index_of(layout_.summary_outputs, value, "summary", "summary value");
  if (window < 0 || window >= n_windows()) {
    throw invalid_argument("SolveResult::summary: window " + std::to_string(window) + " is outside [0, " +
                           std::to_string(n_windows()) + ")");
  }
  const std::int64_t row = v * static_cast<std::int64_t>(layout_.summary_outputs.size()) + k;
  std::vector<double> out(static_cast<std::size_t>(n_runs()));
  for (std::int64_t r = 0; r < n_runs(); ++r) out[r] = summary_at(window, row, r);
  return out;
}

std::span<const u32> SolveResult::steps_accepted() const {
  if (!has_counters()) throw invalid_argument("SolveResult: step counters were not kept (solve_spec.save_counters = false)");
  return u32_array(output_id::steps_accepted);
}
std::span<const u32> SolveResult::steps_rejected() const {
  if (!has_counters()) throw invalid_argument("SolveResult: step counters were not kept (solve_spec.save_counters = false)");
  return u32_array(output_id::steps_rejected);
}

const std::vector<std::string>& SolveResult::iteration_counter_names() {
  static const std::vector<std::string> names = {"newton_iterations", "linear_iterations", "steps_accepted",
                                                 "steps_rejected"};
  return names;
}

std::int64_t SolveResult::n_counter_saves() const {
  const output_array* a = layout_.find(output_id::iteration_counters);
  return a != nullptr ? a->axes[0].size : 0;
}

std::span<const u32> SolveResult::iteration_counters() const {
  if (!has_iteration_counters())
    throw invalid_argument("SolveResult: iteration_counters were not recorded (add \"iteration_counters\" to output_types)");
  return {static_cast<const u32*>(array_data(output_id::iteration_counters)),
          static_cast<std::size_t>(n_counter_saves() * 4 * n_runs())};
}

std::vector<u32> SolveResult::iteration_counter(const std::string& channel, std::int64_t save) const {
  const std::span<const u32> all = iteration_counters();
  const std::vector<std::string>& names = iteration_counter_names();
  const auto it = std::find(names.begin(), names.end(), channel);
  if (it == names.end())
    throw invalid_argument("SolveResult::iteration_counter: '" + channel +
                           "' is not a counter; the counters are newton_iterations, linear_iterations, "
                           "steps_accepted, steps_rejected");
  if (save < 0 || save >= n_counter_saves())
    throw invalid_argument("SolveResult::iteration_counter: save " + std::to_string(save) + " is outside [0, " +
                           std::to_string(n_counter_saves()) + ")");
  const auto c = static_cast<std::int64_t>(it - names.begin());
  const auto begin = all.begin() + (save * 4 + c) * n_runs();
  return {begin, begin + n_runs()};
}

std::span<const double> SolveResult::t_reached() const {
  if (!layout_.has(output_id::t_reached))
    throw invalid_argument("SolveResult: t_reached was not kept (solve_spec.save_t_reached = false)");
  return {static_cast<const double*>(array_data(output_id::t_reached)), static_cast<std::size_t>(n_runs())};
}

std::vector<double> SolveResult::dt_last() const {
  if (!layout_.has(output_id::dt_last))
    throw invalid_argument("SolveResult: dt_last was not kept (solve_spec.save_t_reached = false)");
  std::vector<double> out(static_cast<std::size_t>(n_runs()));
  const void* p = array_data(output_id::dt_last);
  for (std::size_t r = 0; r < out.size(); ++r)
    out[r] = precision() == cubie::precision::float32 ? double(static_cast<const float*>(p)[r])
                                                      : static_cast<const double*>(p)[r];
  return out;
}

std::span<const u32> SolveResult::event_counts() const {
  if (!layout_.has(output_id::event_count)) throw invalid_argument("SolveResult: the system has no events");
  return u32_array(output_id::event_count);
}

std::span<const double> SolveResult::event_terminated() const {
  if (!layout_.has(output_id::event_terminated))
    throw invalid_argument("SolveResult: the system has no terminating event (event_terminated is not recorded)");
  return {static_cast<const double*>(array_data(output_id::event_terminated)), static_cast<std::size_t>(n_runs())};
}

std::vector<event_occurrence> SolveResult::events(std::int64_t run) const {
  const std::span<const u32> counts = event_counts();
  if (run < 0 || run >= n_runs())
    throw invalid_argument("SolveResult::events: run " + std::to_string(run) + " is outside [0, " +
                           std::to_string(n_runs()) + ")");
  std::vector<event_occurrence> out;
  const output_array* times = layout_.find(output_id::event_times);
  if (times == nullptr) return out;  // max_events = 0: counted, not logged
  const std::int64_t slots = times->axes[0].size;
  const std::int64_t n = std::min<std::int64_t>(counts[static_cast<std::size_t>(run)], slots);
  const auto* t = static_cast<const double*>(array_data(output_id::event_times));
  const auto* ids = static_cast<const u32*>(array_data(output_id::event_ids));
  const output_array* states = layout_.find(output_id::event_states);
  const void* sv = array_data(output_id::event_states);
  const std::int64_t n_states = states ? states->axes[1].size : 0;
  for (std::int64_t j = 0; j < n; ++j) {
    event_occurrence e;
    e.time = t[j * n_runs() + run];
    e.event = static_cast<int>(ids[j * n_runs() + run]);
    for (std::int64_t s = 0; s < n_states; ++s) {
      const std::int64_t i = (j * n_states + s) * n_runs() + run;
      e.state.push_back(precision() == cubie::precision::float32 ? double(static_cast<const float*>(sv)[i])
                                                                 : static_cast<const double*>(sv)[i]);
    }
    out.push_back(std::move(e));
  }
  return out;
}

std::int64_t SolveResult::failed_runs() const {
  std::int64_t n = 0;
  for (u32 s : status()) n += s != 0;
  return n;
}

output_view SolveResult::whole_view() {
  output_view v;
  for (const output_array& a : layout_.arrays) v.data[static_cast<int>(a.id)] = mutable_array_data(a.id);
  v.run_stride = layout_.n_runs;
  v.pinned = pinned();
  return v;
}

void SolveResult::nan_fill_failed(std::int64_t begin, std::int64_t end) {
  nan_fill_failed_runs(layout_, offset_view(layout_, whole_view(), begin), end - begin);
}

void SolveResult::mark_not_integrated(std::int64_t from) {
  fill_unintegrated(layout_, offset_view(layout_, whole_view(), from), n_runs() - from);
}

}  // namespace cubie
