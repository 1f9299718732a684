#include "cubie/batch/solve_result.hpp"

#include <cmath>
#include <limits>

#include "cubie/core/error.hpp"
#include "cubie/core/names.hpp"

namespace cubie {

void SolveResult::prepare(const layout& l, const host_allocator& alloc) {
  precision_ = l.precision;
  n_saves_ = l.n_saves;
  n_runs_ = l.n_runs;
  variables_ = l.variables;
  n_saved_states_ = l.n_saved_states;
  times_ = l.times;
  has_counters_ = l.counters;
  const std::size_t values = static_cast<std::size_t>(n_saves_) * variables_.size() * static_cast<std::size_t>(n_runs_);
  time_domain_.reserve(values * value_bytes(), alloc);
  status_.reserve(static_cast<std::size_t>(n_runs_) * sizeof(u32), alloc);
  if (has_counters_) counters_.reserve(2 * static_cast<std::size_t>(n_runs_) * sizeof(u32), alloc);
  stats_ = solve_statistics{};
}

template <class V>
std::span<const V> SolveResult::time_domain() const {
  constexpr cubie::precision want = sizeof(V) == 4 ? cubie::precision::float32 : cubie::precision::float64;
  if (want != precision_) {
    throw invalid_argument(std::string("SolveResult::time_domain<") + (sizeof(V) == 4 ? "float" : "double") +
                           ">: the result holds " + precision_name(precision_) + " values");
  }
  return {time_domain_.as<const V>(), static_cast<std::size_t>(n_saves_ * n_vars() * n_runs_)};
}
template std::span<const float> SolveResult::time_domain<float>() const;
template std::span<const double> SolveResult::time_domain<double>() const;

double SolveResult::at(std::int64_t save, std::int64_t var, std::int64_t run) const {
  const std::size_t i = (static_cast<std::size_t>(save) * variables_.size() + var) * n_runs_ + run;
  return precision_ == cubie::precision::float32 ? double(time_domain_.as<const float>()[i])
                                                 : time_domain_.as<const double>()[i];
}

int SolveResult::variable_index(const std::string& name) const {
  for (std::size_t i = 0; i < variables_.size(); ++i)
    if (variables_[i] == name) return static_cast<int>(i);
  throw invalid_argument("SolveResult: no saved variable '" + name + "'; saved variables are: " +
                         (variables_.empty() ? std::string("(none)") : join_names(variables_)));
}

std::vector<double> SolveResult::series(const std::string& name, std::int64_t run) const {
  if (run < 0 || run >= n_runs_)
    throw invalid_argument("SolveResult::series: run " + std::to_string(run) + " is outside [0, " +
                           std::to_string(n_runs_) + ")");
  const int v = variable_index(name);
  std::vector<double> out(static_cast<std::size_t>(n_saves_));
  for (std::int64_t k = 0; k < n_saves_; ++k) out[k] = at(k, v, run);
  return out;
}

std::vector<double> SolveResult::final_values(const std::string& name) const {
  const int v = variable_index(name);
  std::vector<double> out(static_cast<std::size_t>(n_runs_));
  for (std::int64_t r = 0; r < n_runs_; ++r) out[r] = at(n_saves_ - 1, v, r);
  return out;
}

std::span<const u32> SolveResult::steps_accepted() const {
  if (!has_counters_) throw invalid_argument("SolveResult: step counters were not kept (solve_spec.save_counters = false)");
  return {counters_.as<const u32>(), static_cast<std::size_t>(n_runs_)};
}
std::span<const u32> SolveResult::steps_rejected() const {
  if (!has_counters_) throw invalid_argument("SolveResult: step counters were not kept (solve_spec.save_counters = false)");
  return {counters_.as<const u32>() + n_runs_, static_cast<std::size_t>(n_runs_)};
}

std::int64_t SolveResult::failed_runs() const {
  std::int64_t n = 0;
  for (u32 s : status()) n += s != 0;
  return n;
}

void SolveResult::nan_fill_failed(std::int64_t begin, std::int64_t end) {
  const u32* st = status_.as<const u32>();
  // Almost every chunk has no failed run: one OR over its statuses (a vectorised pass
  // at memory speed) settles that, so the per-run loop below runs only when needed.
  // Executors call this for every chunk on their critical path.
  u32 any_failed = 0;
  for (std::int64_t r = begin; r < end; ++r) any_failed |= st[r];
  if (any_failed == 0) return;
  const std::size_t rows = static_cast<std::size_t>(n_saves_) * variables_.size();
  auto fill = [&](auto* data) {
    using V = std::remove_pointer_t<decltype(data)>;
    const V nan = std::numeric_limits<V>::quiet_NaN();
    for (std::int64_t r = begin; r < end; ++r) {
      if (st[r] == 0) continue;
      for (std::size_t row = 0; row < rows; ++row) data[row * n_runs_ + r] = nan;
    }
  };
  if (precision_ == cubie::precision::float32) fill(time_domain_.as<float>());
  else fill(time_domain_.as<double>());
}

}  // namespace cubie
